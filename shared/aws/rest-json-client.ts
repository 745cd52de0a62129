// A SigV4-signed REST-JSON call over the global `fetch`: what an SDK v3 client does for one
// operation, without its middleware stack, protocol layer and per-service error classes.
// Those cost a function ~70 KB of bundle per client (the Lambda client's error schemas
// register themselves at import, so they cannot be tree-shaken); the signer and the
// credential chain are already in every bundle that talks to AWS. What of the stack matters
// is kept: standard-mode retries with jittered backoff, and the signing middleware's clock
// skew correction.
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import {
  AWS_ERROR_CODES,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  RETRY_BASE_DELAY_MS,
  RETRY_MAX_DELAY_MS,
  THROTTLING_DELAY_FACTOR,
  THROTTLING_ERROR_CODES,
} from './constants.ts';
import { resolveEndpoint, resolveRegion, type AwsServiceNames } from './endpoint.ts';
import { AwsConfigError, AwsError, AwsNetworkError, AwsServiceError } from './errors.ts';
import { NodeSha256 } from './node-sha256.ts';

/** Options of a hand-signed AWS client; every one has the SDK's default. */
export interface AwsClientOptions {
  /** Region to call and sign for. @default AWS_REGION, else AWS_DEFAULT_REGION */
  readonly region?: string;
  /** Base URL of the service. @default AWS_ENDPOINT_URL_<SERVICE>, else AWS_ENDPOINT_URL, else the regional AWS endpoint */
  readonly endpoint?: string;
  /** Credentials to sign with. @default the SDK's default chain (environment first: Lambda's execution role) */
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Attempts per call, the first included; only retriable errors are retried. @default 3 */
  readonly maxAttempts?: number;
  /** Budget of one attempt, in milliseconds. @default 10000 */
  readonly timeoutMs?: number;
  /** Base of the jittered exponential backoff between attempts, in milliseconds (×5 after throttling). @default 100 */
  readonly retryBaseDelayMs?: number;
  /** Environment the region and endpoint are read from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** One call, in the REST-JSON terms of the service's API reference. */
export interface RestJsonRequest {
  /** API operation, for errors, e.g. `UpdateEventSourceMapping`. */
  readonly operation: string;
  readonly method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  /** Path with its labels already URI-escaped, e.g. `/2015-03-31/event-source-mappings/abc`. */
  readonly path: string;
  /** Query parameters; `undefined` ones are left out. */
  readonly query?: Readonly<Record<string, string | undefined>>;
  /** JSON body. @default none */
  readonly body?: unknown;
}

/** A service's identity: its names in endpoints and its SigV4 signing name. */
export interface AwsServiceDescription extends AwsServiceNames {
  /** SigV4 service name, e.g. `lambda`. */
  readonly signingName: string;
}

/**
 * Error codes that mean "another change is in progress". Retrying later can succeed (so
 * `retriable` is true), but when is the caller's decision: a Lambda event source mapping
 * stays mid-transition for up to ~90 s, far beyond this client's backoff, and the callers
 * already wait for it (see shared/offset-reset/mappings.ts and shared/lag/autoscaler.ts).
 */
const CALLER_RETRIED_ERROR_CODES: ReadonlySet<string> = new Set(['ResourceConflictException']);

/** SigV4 refuses a signature dated this far from the server's clock (the SDK's skew window). */
const CLOCK_SKEW_LIMIT_MS = 5 * 60 * 1000;

/**
 * Sends signed REST-JSON requests to one AWS service, retrying throttling, 5xx and network
 * errors like the SDK's `standard` retry mode. Region and endpoint are resolved once, here.
 *
 * @throws AwsConfigError naming the missing or malformed setting
 * @example
 * const client = new RestJsonClient({ envKey: 'LAMBDA', endpointPrefix: 'lambda', signingName: 'lambda' });
 * const page = await client.send({ operation: 'ListEventSourceMappings', method: 'GET', path: '/2015-03-31/event-source-mappings' });
 */
export class RestJsonClient {
  /** Region the requests are signed for. */
  readonly region: string;
  /** Base URL of the service. */
  readonly endpoint: URL;
  readonly #signer: SignatureV4;
  readonly #maxAttempts: number;
  readonly #timeoutMs: number;
  readonly #retryBaseDelayMs: number;
  /**
   * Server time minus local time, learnt from answers' `Date` header once they differ by
   * 5 minutes or more (`systemClockOffset` in the SDK): SigV4 signatures older or newer than
   * 5 minutes are refused, so a machine with a wrong clock (a laptop running groupctl)
   * would otherwise fail every call.
   */
  #clockOffsetMs = 0;
  /** Errors answered while the clock offset was being corrected: worth one more attempt, signed anew. */
  readonly #skewCorrected = new WeakSet<object>();

  constructor(service: AwsServiceDescription, options: AwsClientOptions = {}) {
    const env = options.env ?? process.env;
    this.region = resolveRegion(options.region, env);
    this.endpoint = resolveEndpoint(service, this.region, options.endpoint, env);
    this.#maxAttempts = positiveInteger('maxAttempts', options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
    this.#timeoutMs = positiveInteger('timeoutMs', options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
    this.#retryBaseDelayMs = options.retryBaseDelayMs ?? RETRY_BASE_DELAY_MS;
    if (!(this.#retryBaseDelayMs >= 0)) throw new AwsConfigError('retryBaseDelayMs', `must be 0 or more, got ${this.#retryBaseDelayMs}`);
    this.#signer = new SignatureV4({
      service: service.signingName,
      region: this.region,
      credentials: credentialsProvider(options.credentials),
      sha256: NodeSha256,
      // No x-amz-content-sha256 header: only S3 asks for it; the payload hash is signed anyway.
      applyChecksum: false,
    });
  }

  /**
   * Sends `request` and returns its parsed JSON answer (`{}` for an empty one).
   *
   * @throws AwsServiceError the service's error, named by its AWS code, after the retries
   * @throws AwsNetworkError no answer (connection failed, timeout) after the retries
   */
  async send(request: RestJsonRequest): Promise<Record<string, unknown>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#attempt(request);
      } catch (error) {
        if (attempt >= this.#maxAttempts || !(retriedHere(error) || this.#skewCorrected.has(error as object))) throw error;
        await sleep(this.#backoffMs(attempt, error));
      }
    }
  }

  async #attempt(request: RestJsonRequest): Promise<Record<string, unknown>> {
    const basePath = this.endpoint.pathname.replace(/\/+$/, '');
    const path = `${basePath}${request.path}`;
    const query: Record<string, string> = {};
    for (const [key, value] of Object.entries(request.query ?? {})) if (value !== undefined) query[key] = value;
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    const signed = await this.#signer.sign({
      method: request.method,
      protocol: this.endpoint.protocol,
      hostname: this.endpoint.hostname,
      ...(this.endpoint.port ? { port: Number(this.endpoint.port) } : {}),
      path,
      query,
      // `host` as fetch will send it (with the port when not the default one): it is signed.
      headers: { host: this.endpoint.host, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body,
    }, { signingDate: new Date(Date.now() + this.#clockOffsetMs) });
    const headers = new Headers({ 'user-agent': 'serverless-consumer-groups' });
    for (const [name, value] of Object.entries(signed.headers)) if (name.toLowerCase() !== 'host') headers.set(name, value);
    // The query string exactly as it was signed (RFC 3986), not URLSearchParams' form encoding.
    const search = Object.entries(query)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, value]) => `${uriEscape(key)}=${uriEscape(value)}`)
      .join('&');
    const url = `${this.endpoint.origin}${path}${search ? `?${search}` : ''}`;

    let status: number;
    let responseHeaders: Headers;
    let text: string;
    try {
      const response = await fetch(url, { method: request.method, headers, ...(body === undefined ? {} : { body }), signal: AbortSignal.timeout(this.#timeoutMs) });
      status = response.status;
      responseHeaders = response.headers;
      text = await response.text();
    } catch (error) {
      const reason = isTimeout(error) ? `timed out after ${this.#timeoutMs} ms` : describeFetchError(error);
      throw new AwsNetworkError(`${request.operation}: no answer from ${this.endpoint.origin} (${reason})`, { operation: request.operation, cause: error });
    }
    const corrected = this.#learnClockOffset(responseHeaders.get('date'));
    if (status >= 200 && status < 300) return parseSuccess(request.operation, status, text);
    const error = serviceError(request.operation, status, responseHeaders, text);
    if (corrected) this.#skewCorrected.add(error);
    throw error;
  }

  /** As the SDK's signing middleware: adopts the server's clock when ours is 5 minutes or more off it. True when it changed. */
  #learnClockOffset(dateHeader: string | null): boolean {
    const serverMs = dateHeader === null ? Number.NaN : Date.parse(dateHeader);
    if (!Number.isFinite(serverMs)) return false;
    const now = Date.now();
    if (Math.abs(now + this.#clockOffsetMs - serverMs) < CLOCK_SKEW_LIMIT_MS) return false;
    this.#clockOffsetMs = serverMs - now;
    return true;
  }

  #backoffMs(attempt: number, error: unknown): number {
    const throttled = error instanceof AwsServiceError && isThrottling(error.status, error.name);
    const base = this.#retryBaseDelayMs * (throttled ? THROTTLING_DELAY_FACTOR : 1);
    // "Full jitter" (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/).
    return Math.random() * Math.min(RETRY_MAX_DELAY_MS, base * 2 ** (attempt - 1));
  }
}

function retriedHere(error: unknown): boolean {
  if (error instanceof AwsNetworkError) return true;
  return error instanceof AwsServiceError && error.retriable && !CALLER_RETRIED_ERROR_CODES.has(error.name);
}

function isThrottling(status: number, errorCode: string): boolean {
  return status === 429 || THROTTLING_ERROR_CODES.has(errorCode);
}

function parseSuccess(operation: string, status: number, text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new AwsError(`${operation}: HTTP ${status} with a body that is not a JSON object: ${text.slice(0, 200)}`, { code: AWS_ERROR_CODES.invalidResponse, retriable: false });
}

/**
 * The error an AWS REST-JSON answer describes. The code comes from the `x-amzn-errortype`
 * header, else the body's `__type` or `code`, cleaned as the SDK cleans it
 * (`ResourceConflictException:http://internal.amazon.com/...` → `ResourceConflictException`,
 * `aws.lambda#TooManyRequestsException` → `TooManyRequestsException`). Lambda's body `Type`
 * is `User` or `Service`, not a code, so it is not read.
 */
function serviceError(operation: string, status: number, headers: Headers, text: string): AwsServiceError {
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null) body = parsed as Record<string, unknown>;
  } catch {
    // A proxy's HTML page, or nothing: the status says enough.
  }
  const errorCode = [headers.get('x-amzn-errortype'), body.__type, body.code].map(sanitizeErrorCode).find((c) => c !== undefined) ?? 'UnknownError';
  const bodyMessage = [body.message, body.Message].find((m): m is string => typeof m === 'string' && m !== '');
  const retriable = status >= 500 || isThrottling(status, errorCode) || CALLER_RETRIED_ERROR_CODES.has(errorCode);
  return new AwsServiceError(bodyMessage ?? `${errorCode} (HTTP ${status})`, {
    errorCode,
    operation,
    status,
    requestId: headers.get('x-amzn-requestid') ?? undefined,
    retriable,
  });
}

function sanitizeErrorCode(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  let code = raw.split(',')[0]!.split(':')[0]!;
  if (code.includes('#')) code = code.split('#')[1]!;
  code = code.trim();
  return code === '' ? undefined : code;
}

/** RFC 3986 escaping, as `@smithy/util-uri-escape` (and so the signer's canonical query) does it (and the SDK for path labels). */
export function uriEscape(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

// Duck-typed, not `instanceof`: fetch's errors (TypeError, DOMException) can come from
// another realm (a test runner's VM context) than this module's `Error`.
function isTimeout(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'name' in error && error.name === 'TimeoutError';
}

/** `fetch failed` says nothing: the cause (`connect ECONNREFUSED 127.0.0.1:9`) does. */
function describeFetchError(error: unknown): string {
  const message = messageOf(error);
  const cause = typeof error === 'object' && error !== null && 'cause' in error ? messageOf(error.cause) : undefined;
  return cause === undefined ? (message ?? String(error)) : `${message ?? String(error)}: ${cause}`;
}

function messageOf(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null && 'message' in value && typeof value.message === 'string' ? value.message : undefined;
}

function credentialsProvider(credentials: AwsClientOptions['credentials']): AwsCredentialIdentityProvider {
  if (typeof credentials === 'function') return credentials;
  if (credentials !== undefined) return () => Promise.resolve(credentials);
  let chain: Promise<AwsCredentialIdentityProvider> | undefined;
  return async () => {
    // Imported on first use, not at cold start; the chain memoizes and refreshes itself.
    chain ??= import('@aws-sdk/credential-provider-node').then(({ defaultProvider }) => defaultProvider());
    return (await chain)();
  };
}

function positiveInteger(option: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new AwsConfigError(option, `must be a positive integer, got ${value}`);
  return value;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
