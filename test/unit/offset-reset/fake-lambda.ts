// Lambda's event-source-mapping API for the unit tests, answered in-process, with Lambda's states (Enabled -> Disabling ->
// Disabled, Disabled -> Enabling -> Enabled) and ResourceConflictException mid-transition.
// A mapping's pollers are members of its group while it is enabled.
import type { EventSourceMappingConfiguration } from '@aws-sdk/client-lambda';
import { AwsServiceError, type EventSourceMappingsApi } from '../../../shared/aws/index.ts';
import type { FakeKafka } from './fakes.ts';

interface FakeMapping {
  config: EventSourceMappingConfiguration;
  /** GetEventSourceMapping calls left before a transition completes. */
  transitionGetsLeft: number;
}

/** What LambdaEventSourceMappings throws for an error answer. */
function serviceError(errorCode: string, status: number, message: string, operation: string): AwsServiceError {
  return new AwsServiceError(message, { errorCode, operation, status, requestId: undefined, retriable: status >= 500 || status === 409 });
}

/**
 * Lambda's event-source-mapping API, answered in-process behind the interface the code
 * under test calls (`EventSourceMappingsApi`), with the errors the real client throws.
 */
export class FakeLambda {
  readonly mappings = new Map<string, FakeMapping>();
  /** UpdateEventSourceMapping calls that fail with ResourceConflictException regardless of state. */
  conflictsToInject = 0;
  /** Enabled=true calls that fail with a service error (restore failure). */
  failEnable = 0;
  /** How many GetEventSourceMapping calls a transition takes. */
  transitionGets = 2;
  readonly calls: string[] = [];
  readonly kafka: FakeKafka;
  readonly events: string[];

  constructor(kafka: FakeKafka) {
    this.kafka = kafka;
    this.events = kafka.events;
  }

  add(uuid: string, groupId: string, options: { state?: string; selfManaged?: boolean; pollers?: number } = {}): this {
    const config: EventSourceMappingConfiguration = {
      UUID: uuid,
      FunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${groupId}-consumer`,
      State: options.state ?? 'Enabled',
      ...(options.selfManaged
        ? { SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: ['b:9092'] } }, SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: groupId } }
        : { EventSourceArn: 'arn:aws:kafka:us-east-1:123456789012:cluster/demo/abc', AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: groupId } }),
    };
    this.mappings.set(uuid, { config, transitionGetsLeft: 0 });
    if (config.State === 'Enabled') {
      for (let i = 0; i < (options.pollers ?? 1); i++) {
        this.kafka.join(groupId, { id: `${uuid}-poller-${i}`, clientId: `lambda-${uuid}`, host: '/10.0.0.1', topics: [], mappingUuid: uuid });
      }
    }
    return this;
  }

  /** A mapping of another service (SQS) that must be ignored. */
  addOther(uuid: string): this {
    this.mappings.set(uuid, { config: { UUID: uuid, EventSourceArn: 'arn:aws:sqs:us-east-1:123456789012:q', State: 'Enabled' }, transitionGetsLeft: 0 });
    return this;
  }

  state(uuid: string): string | undefined {
    return this.mappings.get(uuid)?.config.State;
  }

  #record(call: string): void {
    this.calls.push(call);
    this.events.push(`lambda:${call}`);
  }

  #groupOf(m: FakeMapping): string {
    return m.config.AmazonManagedKafkaEventSourceConfig?.ConsumerGroupId ?? m.config.SelfManagedKafkaEventSourceConfig?.ConsumerGroupId ?? m.config.UUID!;
  }

  #advance(m: FakeMapping): void {
    if (m.config.State !== 'Disabling' && m.config.State !== 'Enabling') return;
    if (m.transitionGetsLeft > 0) {
      m.transitionGetsLeft--;
      return;
    }
    if (m.config.State === 'Disabling') {
      m.config.State = 'Disabled';
      this.kafka.leave(this.#groupOf(m), (member) => member.mappingUuid === m.config.UUID);
    } else {
      m.config.State = 'Enabled';
      this.kafka.join(this.#groupOf(m), { id: `${m.config.UUID}-poller-r`, clientId: `lambda-${m.config.UUID}`, host: '/10.0.0.1', topics: [], mappingUuid: m.config.UUID! });
    }
  }

  #handle(command: string, input: Record<string, unknown>): Record<string, unknown> {
    if (command === 'ListEventSourceMappings') {
      this.#record('ListEventSourceMappings');
      // Two per page, so pagination is exercised.
      const all = [...this.mappings.values()].map((m) => m.config);
      const start = input.Marker ? Number(input.Marker) : 0;
      const next = start + 2 < all.length ? String(start + 2) : undefined;
      return { EventSourceMappings: all.slice(start, start + 2).map((c) => ({ ...c })), NextMarker: next };
    }
    const uuid = String(input.UUID);
    const m = this.mappings.get(uuid);
    if (!m) throw serviceError('ResourceNotFoundException', 404, `mapping ${uuid} not found`, command);
    if (command === 'GetEventSourceMapping') {
      this.#record(`GetEventSourceMapping ${uuid}`);
      this.#advance(m);
      return { ...m.config };
    }
    if (command === 'UpdateEventSourceMapping') {
      const enabled = input.Enabled === true;
      this.#record(`UpdateEventSourceMapping ${uuid} Enabled=${enabled}`);
      const transitioning = m.config.State !== 'Enabled' && m.config.State !== 'Disabled';
      if (this.conflictsToInject > 0 || transitioning) {
        if (this.conflictsToInject > 0) this.conflictsToInject--;
        else this.#advance(m);
        throw serviceError('ResourceConflictException', 409, `The resource you are trying to update is in use (state ${m.config.State}).`, command);
      }
      if (enabled && this.failEnable > 0) {
        this.failEnable--;
        throw serviceError('ServiceException', 500, 'injected failure', command);
      }
      if (enabled && m.config.State === 'Disabled') m.config.State = 'Enabling';
      if (!enabled && m.config.State === 'Enabled') m.config.State = 'Disabling';
      m.transitionGetsLeft = this.transitionGets;
      return { ...m.config };
    }
    throw new Error(`FakeLambda does not implement ${command}`);
  }

  /** The API, answered by this fake. */
  client(): EventSourceMappingsApi {
    const call = async (operation: string, input: Record<string, unknown>): Promise<never> => this.#handle(operation, input) as never;
    return {
      list: (input = {}) => call('ListEventSourceMappings', { ...input }),
      get: (uuid) => call('GetEventSourceMapping', { UUID: uuid }),
      update: (input) => call('UpdateEventSourceMapping', { ...input }),
    };
  }
}
