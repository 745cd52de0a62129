// Lambda's event-source-mapping API for the unit tests: a real LambdaClient whose
// requests are answered in-process, with Lambda's states (Enabled -> Disabling ->
// Disabled, Disabled -> Enabling -> Enabled) and ResourceConflictException mid-transition.
// A mapping's pollers are members of its group while it is enabled.
import {
  LambdaClient,
  ResourceConflictException,
  ResourceNotFoundException,
  ServiceException,
  type EventSourceMappingConfiguration,
} from '@aws-sdk/client-lambda';
import type { FakeKafka } from './fakes.ts';

interface FakeMapping {
  config: EventSourceMappingConfiguration;
  /** GetEventSourceMapping calls left before a transition completes. */
  transitionGetsLeft: number;
}

/**
 * Lambda's event-source-mapping API, answered in-process through a real LambdaClient's
 * middleware stack (so the code under test sends real SDK commands).
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
    const meta = { $metadata: {} };
    if (command === 'ListEventSourceMappingsCommand') {
      this.#record('ListEventSourceMappings');
      // Two per page, so pagination is exercised.
      const all = [...this.mappings.values()].map((m) => m.config);
      const start = input.Marker ? Number(input.Marker) : 0;
      const next = start + 2 < all.length ? String(start + 2) : undefined;
      return { ...meta, EventSourceMappings: all.slice(start, start + 2).map((c) => ({ ...c })), NextMarker: next };
    }
    const uuid = String(input.UUID);
    const m = this.mappings.get(uuid);
    if (!m) throw new ResourceNotFoundException({ message: `mapping ${uuid} not found`, $metadata: {} });
    if (command === 'GetEventSourceMappingCommand') {
      this.#record(`GetEventSourceMapping ${uuid}`);
      this.#advance(m);
      return { ...meta, ...m.config };
    }
    if (command === 'UpdateEventSourceMappingCommand') {
      const enabled = input.Enabled === true;
      this.#record(`UpdateEventSourceMapping ${uuid} Enabled=${enabled}`);
      const transitioning = m.config.State !== 'Enabled' && m.config.State !== 'Disabled';
      if (this.conflictsToInject > 0 || transitioning) {
        if (this.conflictsToInject > 0) this.conflictsToInject--;
        else this.#advance(m);
        throw new ResourceConflictException({ message: `The resource you are trying to update is in use (state ${m.config.State}).`, $metadata: {} });
      }
      if (enabled && this.failEnable > 0) {
        this.failEnable--;
        throw new ServiceException({ message: 'injected failure', $metadata: {} });
      }
      if (enabled && m.config.State === 'Disabled') m.config.State = 'Enabling';
      if (!enabled && m.config.State === 'Enabled') m.config.State = 'Disabling';
      m.transitionGetsLeft = this.transitionGets;
      return { ...meta, ...m.config };
    }
    throw new Error(`FakeLambda does not implement ${command}`);
  }

  /** A real LambdaClient answered by this fake. */
  client(): LambdaClient {
    const client = new LambdaClient({ region: 'us-east-1', credentials: { accessKeyId: 'fake', secretAccessKey: 'fake' } });
    client.middlewareStack.add(
      (_next, context) => async (args) => {
        const output = this.#handle(String(context.commandName), args.input as Record<string, unknown>);
        return { output: output as never, response: {} };
      },
      { step: 'initialize', name: 'fakeLambdaControlPlane' },
    );
    return client;
  }
}
