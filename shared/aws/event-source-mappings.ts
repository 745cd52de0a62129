// The three Lambda API calls the lag monitor and the offset reset make on event source
// mappings, signed by hand (rest-json-client.ts) instead of through @aws-sdk/client-lambda:
// that client is ~70 KB of each function's 400 KB bundle budget. Inputs and outputs are the
// SDK's own types (type-only imports, erased from the bundle), so callers read the same
// shapes, and the SDK client can still be used against the same API in tests.
//
// Wire format: the SDK's serializer (client-lambda schemas_0.js: the operations' `http`
// traits and `httpQuery` members) and the API reference:
// https://docs.aws.amazon.com/lambda/latest/api/API_ListEventSourceMappings.html
// https://docs.aws.amazon.com/lambda/latest/api/API_GetEventSourceMapping.html
// https://docs.aws.amazon.com/lambda/latest/api/API_UpdateEventSourceMapping.html
import type {
  EventSourceMappingConfiguration,
  ListEventSourceMappingsRequest,
  ListEventSourceMappingsResponse,
  UpdateEventSourceMappingRequest,
} from '@aws-sdk/client-lambda';
import { AwsConfigError } from './errors.ts';
import { RestJsonClient, uriEscape, type AwsClientOptions, type AwsServiceDescription } from './rest-json-client.ts';

/** UpdateEventSourceMapping's input, with the mapping's UUID required. */
export type UpdateEventSourceMappingInput = Omit<UpdateEventSourceMappingRequest, 'UUID'> & { readonly UUID: string };

/**
 * Lambda's event-source-mapping calls as the functions use them. Errors are named by their
 * AWS code (`error.name === 'ResourceConflictException'` while a mapping is mid-transition).
 */
export interface EventSourceMappingsApi {
  /** One page of ListEventSourceMappings; follow `NextMarker` for the next. */
  list(input?: ListEventSourceMappingsRequest): Promise<ListEventSourceMappingsResponse>;
  /** GetEventSourceMapping. */
  get(uuid: string): Promise<EventSourceMappingConfiguration>;
  /** UpdateEventSourceMapping: sets the fields given, returns the mapping (usually in `Updating`, `Disabling` or `Enabling`). */
  update(input: UpdateEventSourceMappingInput): Promise<EventSourceMappingConfiguration>;
}

const LAMBDA: AwsServiceDescription = { envKey: 'LAMBDA', endpointPrefix: 'lambda', signingName: 'lambda' };
const MAPPINGS_PATH = '/2015-03-31/event-source-mappings';
/** Members of EventSourceMappingConfiguration that are timestamps: epoch seconds on the wire, `Date` in the SDK's types. */
const TIMESTAMP_MEMBERS = ['LastModified', 'StartingPositionTimestamp'] as const;

/**
 * {@link EventSourceMappingsApi} over Lambda's REST API: SigV4-signed `fetch` calls, with the
 * SDK's region, endpoint (`AWS_ENDPOINT_URL_LAMBDA`...) and credential resolution, and its
 * standard retries (3 attempts on throttling, 5xx and network errors; ResourceConflictException
 * is left to the caller).
 *
 * @throws AwsConfigError when no region is configured or an endpoint is malformed
 * @example
 * const mappings = new LambdaEventSourceMappings();
 * const page = await mappings.list({ FunctionName: 'orders', MaxItems: 100 });
 * await mappings.update({ UUID: page.EventSourceMappings![0]!.UUID!, Enabled: false });
 */
export class LambdaEventSourceMappings implements EventSourceMappingsApi {
  readonly #client: RestJsonClient;

  constructor(options: AwsClientOptions = {}) {
    this.#client = new RestJsonClient(LAMBDA, options);
  }

  /** The base URL calls go to (resolved once, at construction). */
  get endpoint(): string {
    return this.#client.endpoint.href;
  }

  /** The region calls are signed for. */
  get region(): string {
    return this.#client.region;
  }

  async list(input: ListEventSourceMappingsRequest = {}): Promise<ListEventSourceMappingsResponse> {
    const out = await this.#client.send({
      operation: 'ListEventSourceMappings',
      method: 'GET',
      path: MAPPINGS_PATH,
      query: {
        EventSourceArn: input.EventSourceArn,
        FunctionName: input.FunctionName,
        Marker: input.Marker,
        MaxItems: input.MaxItems === undefined ? undefined : String(input.MaxItems),
      },
    });
    return {
      ...(Array.isArray(out.EventSourceMappings) ? { EventSourceMappings: out.EventSourceMappings.map(toConfiguration) } : {}),
      ...(typeof out.NextMarker === 'string' ? { NextMarker: out.NextMarker } : {}),
    };
  }

  async get(uuid: string): Promise<EventSourceMappingConfiguration> {
    const out = await this.#client.send({ operation: 'GetEventSourceMapping', method: 'GET', path: mappingPath(uuid) });
    return toConfiguration(out);
  }

  async update(input: UpdateEventSourceMappingInput): Promise<EventSourceMappingConfiguration> {
    const { UUID, ...body } = input;
    const out = await this.#client.send({ operation: 'UpdateEventSourceMapping', method: 'PUT', path: mappingPath(UUID), body });
    return toConfiguration(out);
  }
}

function mappingPath(uuid: string): string {
  // The SDK refuses an empty label too: `/event-source-mappings/` would be a List call.
  if (uuid === '') throw new AwsConfigError('UUID', 'an event source mapping UUID is required');
  return `${MAPPINGS_PATH}/${uriEscape(uuid)}`;
}

/**
 * A mapping as the SDK would return it: timestamps as `Date`, and JSON `null`s left out
 * (the SDK's deserializer skips them), so `mapping.ProvisionedPollerConfig === undefined`
 * means what it says.
 */
function toConfiguration(raw: unknown): EventSourceMappingConfiguration {
  const mapping = withoutNulls(raw) as Record<string, unknown>;
  for (const member of TIMESTAMP_MEMBERS) {
    const value = mapping[member];
    if (value !== undefined) mapping[member] = toDate(value);
  }
  return mapping as EventSourceMappingConfiguration;
}

function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) if (member !== null) out[key] = withoutNulls(member);
  return out;
}

/** Epoch seconds (a number, or a numeric string), or an ISO date string as some emulators send. */
function toDate(value: unknown): Date {
  if (typeof value === 'number') return new Date(value * 1000);
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return new Date(Number(value) * 1000);
  return new Date(String(value));
}
