import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Consumer, type GroupAssignment, type Message, type MessagesStream } from '@platformatic/kafka';
import { encodeKafkaEvent, estimateRecordSize, MAX_INVOKE_PAYLOAD_BYTES, type EventOrigin, type KafkaRecordInput } from '../../shared/events/index.ts';
import { parseBatchResponse } from '../../shared/batch/item-identifier.ts';
import { type InvokeOutcome, PartitionQueues, type QueuedRecord, partitionKey } from './delivery.ts';
import type { DiscardedRecord, OnFailureDestination } from './destination.ts';
import type { InvokeResult } from './function-runtime.ts';
import type { CommitEvent, InvocationEvent, MappingCounters, ResolvedMapping } from './types.ts';
import { platformaticAssignor, platformaticOwnership } from '../../shared/assignors/platformatic.ts';

interface PolledRecord extends QueuedRecord, DiscardedRecord {
  readonly message: Message<Buffer, Buffer, Buffer, Buffer>;
  readonly input: KafkaRecordInput;
}

export interface PollerOptions {
  /** The mapping as configured when the poller started (retry policy, group, topics). */
  readonly mapping: ResolvedMapping;
  /** The live mapping: batch size and window can change while polling (UpdateEventSourceMapping). */
  readonly mappingRef: () => ResolvedMapping;
  readonly index: number;
  readonly brokers: readonly string[];
  readonly origin: EventOrigin;
  readonly functionArn: string;
  readonly invoke: (event: unknown, requestId: string) => Promise<InvokeResult>;
  readonly destination: OnFailureDestination | undefined;
  readonly counters: MappingCounters;
  readonly log: (line: string) => void;
  /** Extra consumer options (e.g. a partition assigner). */
  readonly consumerOptions?: Record<string, unknown>;
  readonly onCommit?: (commit: CommitEvent) => void;
  readonly onInvocation?: (invocation: InvocationEvent) => void;
  /** Partition assignment strategy of the group (range, roundrobin, sticky, cooperative-sticky). @default the client's */
  readonly assignmentStrategy?: string;
}

/** Buffered records above which fetching pauses (flow control). */
const MAX_BUFFERED_BATCHES = 4;

/**
 * One poller of a Kafka event source mapping: a member of the mapping's consumer group that
 * batches what it fetches and invokes the function, one batch in flight at a time, and
 * commits according to the outcome (see delivery.ts for the rules).
 */
export class Poller {
  readonly #o: PollerOptions;
  readonly #queues: PartitionQueues<PolledRecord>;
  readonly #consumer: Consumer<Buffer, Buffer, Buffer, Buffer>;
  #stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined;
  #assigned = new Set<string>();
  /**
   * Newly assigned partitions whose committed offset is being looked up, with the records
   * that arrived meanwhile. The client's fetches are not fenced by the assignment: one
   * issued before a rebalance can return, after it, records from a position this poller
   * held long ago, below what another poller has committed since. So a new partition
   * starts at the group's committed offset, and anything below it is dropped.
   */
  readonly #pending = new Map<string, Message<Buffer, Buffer, Buffer, Buffer>[]>();
  #stopping = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #windowStart = 0;
  #retryAt = 0;
  #retryPending = false;
  /** Bumped whenever the group starts or finishes a rebalance. */
  #groupEpoch = 0;
  #lastError: string | undefined;

  constructor(options: PollerOptions) {
    this.#o = options;
    const m = options.mapping;
    // With a destination, "infinite" retries are capped at 10 (kafka-on-failure-destination).
    const maxRetries = m.maximumRetryAttempts < 0 && options.destination ? 10 : m.maximumRetryAttempts;
    this.#queues = new PartitionQueues({ maxRetries, bisect: m.bisectBatchOnFunctionError, maxRecordAgeSeconds: m.maximumRecordAgeInSeconds });
    this.#consumer = new Consumer({
      groupId: m.consumerGroupId,
      clientId: `lambda-esm-${m.uuid.slice(0, 8)}-${options.index}`,
      bootstrapBrokers: [...options.brokers],
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      rebalanceTimeout: 30_000,
      // Lambda does not say how its pollers split partitions; locally the strategy is a choice,
      // and sticky ownership travels in the member's user data (shared/assignors).
      ...(options.assignmentStrategy ? platformaticAssignor(options.assignmentStrategy, { ownership: platformaticOwnership(() => this.#consumer) }) : {}),
      ...(options.consumerOptions ?? {}),
    });
  }

  get memberId(): string | null {
    return this.#consumer.memberId;
  }

  /** Partitions this poller owns, as `topic-partition` keys. */
  get assignments(): string[] {
    return [...this.#assigned].sort();
  }

  get buffered(): number {
    return this.#queues.size;
  }

  /** Joins the group and starts polling; resolves once the poller is a member. */
  async start(): Promise<void> {
    const m = this.#o.mapping;
    this.#consumer.on('consumer:group:join', (payload: { assignments?: GroupAssignment[] }) => {
      this.#groupEpoch++;
      this.#onAssignments(payload.assignments ?? []);
    });
    this.#consumer.on('consumer:group:rebalance', () => this.#groupEpoch++);
    this.#stream = await this.#consumer.consume({
      topics: [...m.topics],
      mode: 'committed',
      // StartingPosition only matters for partitions without a committed offset, as in Lambda.
      // AT_TIMESTAMP is resolved by the mapping before the first poller starts (it commits the
      // offsets found by timestamp), so the fallback is LATEST there.
      fallbackMode: m.startingPosition === 'TRIM_HORIZON' ? 'earliest' : 'latest',
      autocommit: false,
      maxWaitTime: 250,
    });
    this.#onAssignments(this.#consumer.assignments ?? []);
    this.#stream.on('data', (message: Message<Buffer, Buffer, Buffer, Buffer>) => this.#onMessage(message));
    this.#stream.on('error', (error: Error) => this.#o.log(`poller ${this.#o.index}: stream error: ${error.message}`));
    this.#loop = this.#run();
  }

  /**
   * Leaves gracefully: the in-flight batch finishes and is committed, then the poller
   * leaves the group (the seed's onPartitionsRevoked). Buffered, undelivered records are
   * not committed: the next owner fetches them.
   */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wake?.();
    await this.#loop;
    await this.#stream?.close().catch(() => undefined);
    await this.#consumer.close(true).catch(() => undefined);
  }

  #onAssignments(assignments: GroupAssignment[]): void {
    const next = new Set(assignments.flatMap((a) => a.partitions.map((p) => partitionKey(a.topic, p))));
    for (const key of this.#assigned) if (!next.has(key)) this.#queues.drop(key);
    for (const key of this.#queues.keys()) if (!next.has(key)) this.#queues.drop(key);
    for (const key of this.#pending.keys()) if (!next.has(key)) this.#pending.delete(key);
    const added = assignments
      .map((a) => ({ topic: a.topic, partitions: a.partitions.filter((p) => !this.#assigned.has(partitionKey(a.topic, p))) }))
      .filter((a) => a.partitions.length > 0);
    this.#assigned = next;
    if (added.length > 0) void this.#startAtCommitted(added);
  }

  /** Looks up where the newly assigned partitions start, then releases their held records. */
  async #startAtCommitted(added: { topic: string; partitions: number[] }[]): Promise<void> {
    const held = new Map<string, Message<Buffer, Buffer, Buffer, Buffer>[]>();
    for (const { topic, partitions } of added) {
      for (const p of partitions) {
        const key = partitionKey(topic, p);
        this.#queues.drop(key);
        const waiting: Message<Buffer, Buffer, Buffer, Buffer>[] = [];
        this.#pending.set(key, waiting);
        held.set(key, waiting);
      }
    }
    try {
      const committed = await this.#consumer.listCommittedOffsets({ topics: added });
      for (const { topic, partitions } of added) {
        for (const p of partitions) {
          const key = partitionKey(topic, p);
          const offset = committed.get(topic)?.[p];
          // Only if the partition was not revoked (or revoked and given back) meanwhile.
          if (this.#pending.get(key) === held.get(key) && offset !== undefined && offset >= 0n) this.#queues.startAt(key, offset);
        }
      }
    } catch (error) {
      // Without the committed offset the partition still works; it only loses the guard.
      this.#o.log(`poller ${this.#o.index}: committed offsets of new partitions unknown (${(error as Error).message})`);
    }
    for (const [key, waiting] of held) {
      if (this.#pending.get(key) !== waiting) continue;
      this.#pending.delete(key);
      for (const message of waiting) this.#onMessage(message);
    }
  }

  #onMessage(message: Message<Buffer, Buffer, Buffer, Buffer>): void {
    const key = partitionKey(message.topic, message.partition);
    if (!this.#assigned.has(key)) return;
    const waiting = this.#pending.get(key);
    if (waiting) {
      waiting.push(message);
      return;
    }
    const headers = message.headerEntries.map(([k, v]) => [k.toString('utf8'), v] as const);
    const input: KafkaRecordInput = {
      topic: message.topic,
      partition: message.partition,
      offset: message.offset,
      timestampMs: Number(message.timestamp),
      key: message.key && message.key.length > 0 ? message.key : null,
      // A tombstone arrives without a value.
      value: message.value ?? null,
      headers,
    };
    const record: PolledRecord = {
      topic: message.topic,
      partition: message.partition,
      offset: message.offset,
      timestampMs: Number(message.timestamp),
      size: estimateRecordSize(input),
      key: input.key as Buffer | null,
      value: input.value as Buffer | null,
      headers,
      message,
      input,
    };
    if (!this.#queues.push(record)) return;
    this.#o.counters.polledEventCount++;
    if (this.#queues.size === 1) this.#windowStart = Date.now();
    const { batchSize } = this.#o.mappingRef();
    if (this.#queues.size >= batchSize * MAX_BUFFERED_BATCHES) this.#stream?.pause();
    if (this.#queues.size >= batchSize) this.#wake?.();
  }

  async #run(): Promise<void> {
    while (!this.#stopping) {
      const m = this.#o.mappingRef();
      const windowMs = m.maximumBatchingWindowInSeconds * 1000;
      const now = Date.now();
      const full = this.#queues.size >= m.batchSize;
      const windowDone = this.#queues.size > 0 && now - this.#windowStart >= windowMs;
      // A retry does not wait for a new batching window, only for its backoff.
      const retryDue = this.#retryPending && this.#queues.size > 0;
      if (!(full || windowDone || retryDue) || now < this.#retryAt) {
        const dueAt = retryDue ? this.#retryAt : Math.max(this.#windowStart + windowMs, this.#retryAt);
        const waitMs = this.#queues.size === 0 ? 1_000 : Math.max(5, dueAt - now);
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
          setTimeout(resolve, waitMs).unref();
        });
        this.#wake = undefined;
        continue;
      }
      try {
        await this.#deliverOnce();
      } catch (error) {
        this.#o.log(`poller ${this.#o.index}: ${(error as Error).message}`);
        await sleep(500);
      }
      if (this.#queues.size < m.batchSize * MAX_BUFFERED_BATCHES && this.#stream?.isPaused()) this.#stream.resume();
      this.#windowStart = Date.now();
    }
  }

  async #deliverOnce(): Promise<void> {
    const m = this.#o.mappingRef();
    const expired = this.#queues.expire(Date.now());
    if (expired.discarded.length) {
      const requestId = randomUUID();
      await this.#discard(expired.discarded, 'RecordAgeExceeded', requestId, 0);
      await this.#commit(expired.commit, expired.discarded);
      this.#queues.complete([], { kind: 'success' }, expired);
    }
    const batch = this.#queues.nextBatch(m.batchSize, MAX_INVOKE_PAYLOAD_BYTES);
    if (batch.length === 0) return;
    const requestId = randomUUID();
    const startedMs = performance.now();
    const event = encodeKafkaEvent(
      batch.map((r) => r.input),
      this.#o.origin,
    );
    this.#o.counters.invocations++;
    this.#o.counters.invokedEventCount += batch.length;
    const epoch = this.#groupEpoch;
    let outcome: InvokeOutcome;
    try {
      const result = await this.#o.invoke(event, requestId);
      outcome = this.#interpret(result.payload);
    } catch (error) {
      this.#o.counters.functionErrors++;
      outcome = { kind: 'error', reason: (error as Error).message };
    }
    if (outcome.kind !== 'success') {
      this.#lastError = outcome.kind === 'error' ? outcome.reason : 'partial batch failure';
      this.#o.counters.failedInvokeEventCount += batch.length;
    }
    if (epoch !== this.#groupEpoch) {
      // The group rebalanced while this batch was in flight: the partitions may already
      // belong to another member that started from the last commit. Committing now could
      // move its position under it, so the batch stays uncommitted and is delivered again
      // by the partition's owner (at-least-once; the idempotency layer absorbs it).
      this.#o.log(`poller ${this.#o.index}: group rebalanced during invocation ${requestId}; its ${batch.length} record(s) are not committed`);
      return;
    }
    const settlement = this.#queues.settle(batch, outcome);
    if (settlement.discarded.length) {
      const key = partitionKey(settlement.discarded[0]!.topic, settlement.discarded[0]!.partition);
      await this.#discard(settlement.discarded, settlement.condition ?? 'RetryAttemptsExhausted', requestId, this.#queues.attempts(key) + 1);
    }
    await this.#commit(settlement.commit, batch);
    // The second half of a bisected batch is part of the retry: it does not wait for a window.
    const wasBisecting = this.#queues.bisecting;
    this.#queues.complete(batch, outcome, settlement);
    this.#retryPending = settlement.retry || wasBisecting;
    this.#o.onInvocation?.({ mappingUuid: m.uuid, requestId, records: batch.length, outcome: outcome.kind, latencyMs: performance.now() - startedMs });
    if (settlement.retry) {
      // ASSUMED backoff between retries (Lambda does not document one for Kafka): short and
      // capped, so tests with many retries stay fast.
      const attempts = Math.max(1, ...this.#queues.keys().map((k) => this.#queues.attempts(k)));
      this.#retryAt = Date.now() + Math.min(1_000, 50 * 2 ** Math.min(attempts, 5));
    } else {
      this.#retryAt = 0;
    }
  }

  /** A function's return value, read as Lambda would for this mapping. */
  #interpret(payload: unknown): InvokeOutcome {
    // Without ReportBatchItemFailures, Lambda ignores the response body.
    if (!this.#o.mapping.reportBatchItemFailures) return { kind: 'success' };
    const parsed = parseBatchResponse(payload);
    if (parsed.kind === 'success') return { kind: 'success' };
    if (parsed.kind === 'invalid') return { kind: 'error', reason: `invalid partial batch response: ${parsed.reason}` };
    return { kind: 'partial', failures: new Map(parsed.failures.map((f) => [f.key, f.offset])) };
  }

  async #discard(records: readonly PolledRecord[], condition: 'RetryAttemptsExhausted' | 'RecordAgeExceeded', requestId: string, attempts: number): Promise<void> {
    const destination = this.#o.destination;
    if (!destination) {
      this.#o.counters.droppedEventCount += records.length;
      this.#o.log(`poller ${this.#o.index}: ${records.length} record(s) discarded (${condition}), no on-failure destination`);
      return;
    }
    // A destination that cannot take the records blocks the partition: Lambda does not
    // commit past records it could not deliver anywhere.
    for (let attempt = 0; ; attempt++) {
      try {
        await destination.send(records, {
          requestId,
          functionArn: this.#o.functionArn,
          condition,
          approximateInvokeCount: attempts,
          eventSourceArn: this.#o.origin.kind === 'msk' ? this.#o.origin.clusterArn : undefined,
          bootstrapServers: this.#o.brokers.join(','),
          lastError: this.#lastError,
        });
        this.#o.counters.onFailureDestinationDeliveredEventCount += records.length;
        return;
      } catch (error) {
        this.#o.log(`poller ${this.#o.index}: on-failure destination ${destination.description} failed: ${(error as Error).message}`);
        if (this.#stopping) throw error;
        await sleep(Math.min(5_000, 200 * 2 ** attempt));
      }
    }
  }

  /**
   * Commits past the given record of each partition this poller still owns. A partition
   * revoked while its batch was in flight is not committed: its new owner resumes from
   * the last commit, and the batch may be delivered again (at-least-once).
   */
  async #commit(commit: ReadonlyMap<string, PolledRecord>, settled: readonly PolledRecord[]): Promise<void> {
    const owned = [...commit].filter(([key]) => this.#assigned.has(key));
    await Promise.all(owned.map(([, record]) => record.message.commit()));
    for (const [key, last] of owned) {
      this.#o.onCommit?.({ mappingUuid: this.#o.mapping.uuid, key, offset: last.offset + 1n, atMs: Date.now() });
      this.#o.counters.committedEventCount += settled.filter((r) => partitionKey(r.topic, r.partition) === key && r.offset <= last.offset).length;
    }
  }
}
