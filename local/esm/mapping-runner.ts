import type { Producer } from '@platformatic/kafka';
import { Admin } from '@platformatic/kafka';
import { EVENT_ORIGIN_KINDS, type EventOrigin } from '../../shared/events/index.ts';
import { parseDestination, type OnFailureDestination } from './destination.ts';
import { ControlPlaneError } from './errors.ts';
import type { FunctionRuntime } from './function-runtime.ts';
import { Poller } from './poller.ts';
import { type CommitEvent, emptyCounters, type InvocationEvent, type MappingCounters, type MappingSpec, type MappingState, MappingStates, type ResolvedMapping, withDefaults } from './types.ts';

export interface MappingRunnerOptions {
  readonly spec: MappingSpec;
  readonly fn: FunctionRuntime;
  readonly brokers: readonly string[];
  readonly producer: () => Promise<Producer>;
  readonly log: (line: string) => void;
  /** Lambda's transitions take time (up to ~90 s); locally a short pause keeps them observable. @default 250 */
  readonly transitionDelayMs?: number;
  readonly region?: string;
  readonly accountId?: string;
  readonly consumerOptions?: Record<string, unknown>;
  readonly onCommit?: (commit: CommitEvent) => void;
  readonly onInvocation?: (invocation: InvocationEvent) => void;
  readonly assignmentStrategy?: string;
}

/** The fields `UpdateEventSourceMapping` may change locally. */
export interface MappingUpdate {
  Enabled?: boolean;
  BatchSize?: number;
  MaximumBatchingWindowInSeconds?: number;
  ProvisionedPollerConfig?: { MinimumPollers?: number; MaximumPollers?: number };
}

const UPDATABLE = new Set(['UUID', 'Enabled', 'BatchSize', 'MaximumBatchingWindowInSeconds', 'ProvisionedPollerConfig', 'FunctionName']);

/**
 * One event source mapping: its pollers (consumer group members), Lambda's state machine
 * and the `EventSourceMappingConfiguration` the control plane reports.
 */
export class MappingRunner {
  readonly counters: MappingCounters = emptyCounters();
  readonly #o: MappingRunnerOptions;
  #mapping: ResolvedMapping;
  #state: MappingState;
  #pollers: Poller[] = [];
  #transition: Promise<void> = Promise.resolve();
  #lastModified = Date.now();
  #stateReason = 'USER_INITIATED';
  readonly #destination: OnFailureDestination | undefined;
  #nextPollerIndex = 0;

  constructor(options: MappingRunnerOptions) {
    this.#o = options;
    this.#mapping = withDefaults(options.spec);
    this.#state = this.#mapping.enabled ? MappingStates.creating : MappingStates.disabled;
    this.#destination = this.#mapping.onFailureDestination ? parseDestination(this.#mapping.onFailureDestination, options.producer) : undefined;
  }

  get uuid(): string {
    return this.#mapping.uuid;
  }
  get mapping(): ResolvedMapping {
    return this.#mapping;
  }
  get state(): MappingState {
    return this.#state;
  }
  get pollers(): readonly Poller[] {
    return this.#pollers;
  }
  get arn(): string {
    return `arn:aws:lambda:${this.#o.region ?? 'us-east-1'}:${this.#o.accountId ?? '000000000000'}:event-source-mapping:${this.uuid}`;
  }

  /** Starts polling if the mapping is enabled (Creating → Enabled). */
  async start(): Promise<void> {
    if (this.#state === MappingStates.creating) {
      this.#transition = this.#run(async () => {
        await this.#resolveTimestampStart();
        await this.#scaleTo(this.#desiredPollers());
      }, MappingStates.enabled);
    }
    await this.#transition;
  }

  /** Waits for the current transition (if any) to finish. */
  async settled(): Promise<void> {
    await this.#transition;
  }

  /**
   * `UpdateEventSourceMapping`. Returns at once with the transitional state, like Lambda;
   * refuses with ResourceConflictException while a transition is under way.
   */
  update(patch: MappingUpdate & Record<string, unknown>): void {
    const unknown = Object.keys(patch).filter((k) => !UPDATABLE.has(k));
    if (unknown.length) throw new ControlPlaneError('InvalidParameterValueException', `the local runtime cannot update ${unknown.join(', ')} (supported: Enabled, BatchSize, MaximumBatchingWindowInSeconds, ProvisionedPollerConfig)`);
    if (![MappingStates.enabled, MappingStates.disabled].includes(this.#state as 'Enabled' | 'Disabled')) {
      throw new ControlPlaneError('ResourceConflictException', `The resource you requested is currently in use: event source mapping ${this.uuid} is ${this.#state}. Please try again later.`);
    }
    const next = { ...this.#mapping };
    if (patch.BatchSize !== undefined) {
      if (!Number.isInteger(patch.BatchSize) || patch.BatchSize < 1 || patch.BatchSize > 10_000) throw new ControlPlaneError('InvalidParameterValueException', 'BatchSize must be an integer from 1 to 10000');
      next.batchSize = patch.BatchSize;
    }
    if (patch.MaximumBatchingWindowInSeconds !== undefined) {
      const w = patch.MaximumBatchingWindowInSeconds;
      if (!Number.isInteger(w) || w < 0 || w > 300) throw new ControlPlaneError('InvalidParameterValueException', 'MaximumBatchingWindowInSeconds must be an integer from 0 to 300');
      next.maximumBatchingWindowInSeconds = w;
    }
    if (patch.ProvisionedPollerConfig !== undefined) {
      const min = patch.ProvisionedPollerConfig.MinimumPollers ?? next.minimumPollers;
      const max = patch.ProvisionedPollerConfig.MaximumPollers ?? next.maximumPollers;
      if (!Number.isInteger(min) || min < 1 || min > 200) throw new ControlPlaneError('InvalidParameterValueException', 'ProvisionedPollerConfig.MinimumPollers must be an integer from 1 to 200');
      if (!Number.isInteger(max) || max < 1 || max > 2000) throw new ControlPlaneError('InvalidParameterValueException', 'ProvisionedPollerConfig.MaximumPollers must be an integer from 1 to 2000');
      if (min > max) throw new ControlPlaneError('InvalidParameterValueException', 'ProvisionedPollerConfig.MinimumPollers must not exceed MaximumPollers');
      next.minimumPollers = min;
      next.maximumPollers = max;
    }
    const enable = patch.Enabled;
    this.#mapping = next;
    this.#lastModified = Date.now();
    if (enable === false && this.#state === MappingStates.enabled) {
      this.#transition = this.#run(() => this.#scaleTo(0), MappingStates.disabled, MappingStates.disabling);
    } else if (enable === true && this.#state === MappingStates.disabled) {
      this.#transition = this.#run(() => this.#scaleTo(this.#desiredPollers()), MappingStates.enabled, MappingStates.enabling);
    } else if (this.#state === MappingStates.enabled && patch.ProvisionedPollerConfig !== undefined) {
      this.#transition = this.#run(() => this.#scaleTo(this.#desiredPollers()), MappingStates.enabled, MappingStates.updating);
    }
  }

  /** Stops every poller gracefully (Ctrl-C); the mapping's configured state is kept. */
  async stop(): Promise<void> {
    await this.#transition.catch(() => undefined);
    await this.#scaleTo(0);
  }

  /** Lambda's `EventSourceMappingConfiguration`, as the control plane returns it. */
  configuration(functionArn: string): Record<string, unknown> {
    const m = this.#mapping;
    const groupConfig = { ConsumerGroupId: m.consumerGroupId };
    return {
      UUID: m.uuid,
      EventSourceMappingArn: this.arn,
      StartingPosition: m.startingPosition,
      ...(m.startingPositionTimestamp !== undefined ? { StartingPositionTimestamp: m.startingPositionTimestamp } : {}),
      BatchSize: m.batchSize,
      MaximumBatchingWindowInSeconds: m.maximumBatchingWindowInSeconds,
      FunctionArn: functionArn,
      LastModified: this.#lastModified / 1000,
      LastProcessingResult: this.counters.functionErrors > 0 ? 'PROBLEM: Function call failed' : 'OK',
      State: this.#state,
      StateTransitionReason: this.#stateReason,
      Topics: [...m.topics],
      ...(m.source.kind === 'msk'
        ? { EventSourceArn: m.source.clusterArn, AmazonManagedKafkaEventSourceConfig: groupConfig }
        : { SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: [...this.#o.brokers] } }, SelfManagedKafkaEventSourceConfig: groupConfig }),
      ...(m.onFailureDestination ? { DestinationConfig: { OnFailure: { Destination: m.onFailureDestination } } } : {}),
      MaximumRetryAttempts: m.maximumRetryAttempts,
      MaximumRecordAgeInSeconds: m.maximumRecordAgeInSeconds,
      BisectBatchOnFunctionError: m.bisectBatchOnFunctionError,
      FunctionResponseTypes: m.reportBatchItemFailures ? ['ReportBatchItemFailures'] : [],
      ...(m.provisionedPollerConfig ? { ProvisionedPollerConfig: { MinimumPollers: m.minimumPollers, MaximumPollers: m.maximumPollers } } : {}),
    };
  }

  #desiredPollers(): number {
    return Math.max(1, Math.min(this.#mapping.minimumPollers, this.#mapping.maximumPollers));
  }

  async #run(work: () => Promise<void>, finalState: MappingState, transitional?: MappingState): Promise<void> {
    if (transitional) this.#state = transitional;
    const previous = this.#state;
    try {
      await new Promise((r) => setTimeout(r, this.#o.transitionDelayMs ?? 250));
      await work();
      this.#state = finalState;
    } catch (error) {
      this.#o.log(`mapping ${this.uuid}: ${previous} failed: ${(error as Error).message}`);
      this.#stateReason = `PROBLEM: ${(error as Error).message}`;
      this.#state = finalState === MappingStates.disabled ? MappingStates.disabled : MappingStates.enabled;
    }
  }

  async #scaleTo(count: number): Promise<void> {
    while (this.#pollers.length > count) {
      const poller = this.#pollers.pop()!;
      await poller.stop();
    }
    const starting: Promise<void>[] = [];
    while (this.#pollers.length < count) {
      const poller = new Poller({
        mapping: this.#mapping,
        mappingRef: () => this.#mapping,
        index: this.#nextPollerIndex++,
        brokers: this.#o.brokers,
        origin: this.#origin(),
        functionArn: this.#o.fn.fn.functionArn,
        invoke: (event, requestId) => this.#o.fn.invoke(event, { requestId }),
        destination: this.#destination,
        counters: this.counters,
        log: this.#o.log,
        ...(this.#o.consumerOptions ? { consumerOptions: this.#o.consumerOptions } : {}),
        ...(this.#o.onCommit ? { onCommit: this.#o.onCommit } : {}),
        ...(this.#o.onInvocation ? { onInvocation: this.#o.onInvocation } : {}),
        ...(this.#o.assignmentStrategy ? { assignmentStrategy: this.#o.assignmentStrategy } : {}),
      });
      this.#pollers.push(poller);
      starting.push(poller.start());
    }
    await Promise.all(starting);
  }

  #origin(): EventOrigin {
    const m = this.#mapping;
    return m.source.kind === 'msk'
      ? { kind: EVENT_ORIGIN_KINDS.MSK, clusterArn: m.source.clusterArn, bootstrapServers: this.#o.brokers }
      : { kind: EVENT_ORIGIN_KINDS.SELF_MANAGED, bootstrapServers: this.#o.brokers };
  }

  /**
   * AT_TIMESTAMP: partitions without a committed offset start at the first record at or
   * after the timestamp (log end when there is none). Done by committing those offsets for
   * the group before the first poller joins, so the pollers can start from "committed".
   */
  async #resolveTimestampStart(): Promise<void> {
    const m = this.#mapping;
    if (m.startingPosition !== 'AT_TIMESTAMP' || m.startingPositionTimestamp === undefined) return;
    const admin = new Admin({ clientId: `lambda-esm-${m.uuid.slice(0, 8)}-start`, bootstrapBrokers: [...this.#o.brokers] });
    try {
      const metadata = await admin.metadata({ topics: [...m.topics] });
      const [committed] = await admin.listConsumerGroupOffsets({ groups: [m.consumerGroupId] });
      const has = new Set((committed?.topics ?? []).flatMap((t) => t.partitions.filter((p) => p.committedOffset >= 0n).map((p) => `${t.name}-${p.partitionIndex}`)));
      const request = m.topics.map((name) => ({
        name,
        partitions: Array.from({ length: metadata.topics.get(name)?.partitionsCount ?? 0 }, (_, i) => i)
          .filter((i) => !has.has(`${name}-${i}`))
          .map((partitionIndex) => ({ partitionIndex, timestamp: BigInt(m.startingPositionTimestamp!) * 1000n })),
      })).filter((t) => t.partitions.length > 0);
      if (request.length === 0) return;
      const found = await admin.listOffsets({ topics: request });
      // No record at or after the timestamp: ListOffsets answers -1; start at the log end.
      const ends = await admin.listOffsets({ topics: request.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, timestamp: -1n })) })) });
      const end = (topic: string, partition: number): bigint => ends.find((t) => t.name === topic)?.partitions.find((p) => p.partitionIndex === partition)?.offset ?? 0n;
      await admin.alterConsumerGroupOffsets({
        groupId: m.consumerGroupId,
        topics: found.map((t) => ({
          name: t.name,
          partitionOffsets: t.partitions.map((p) => ({ partition: p.partitionIndex, offset: p.offset >= 0n ? p.offset : end(t.name, p.partitionIndex) })),
        })),
      });
    } finally {
      await admin.close();
    }
  }
}
