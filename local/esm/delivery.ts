// The delivery policy of one poller: which records go into the next invocation, and what
// an invocation's outcome means for commits, retries, bisection and the on-failure
// destination. Pure (no Kafka, no clock of its own) so every rule is unit-tested.
//
// Rules, from https://docs.aws.amazon.com/lambda/latest/dg/kafka-retry-configurations.html
// where AWS states them, and ASSUMED (marked) where it does not:
// - Records of a partition are delivered in offset order; a partition's records are never in
//   two invocations at once (one batch in flight per poller).
// - Success commits every partition of the batch past its last record.
// - MaximumRetryAttempts counts retries after the first attempt; -1 is infinite. With an
//   on-failure destination, infinite means 10 (AWS states this).
// - BisectBatchOnFunctionError: a failed batch is retried as two halves. ASSUMED: the halves
//   are the first and second half of the batch in delivery order, and a split does not use up
//   a retry: retries are counted once a failing batch cannot be split (one record), so a
//   poison record ends up alone and only it is discarded when its retries run out.
// - ReportBatchItemFailures: records before a partition's reported offset are committed, the
//   partition resumes at the reported offset; partitions not reported succeeded. A report that
//   names a partition or offset not in the batch fails the whole batch (ASSUMED, as for Kinesis).
// - MaximumRecordAgeInSeconds: a record older than that is not sent to the function; it goes to
//   the destination (or is dropped without one), as a discarded record.

/** What the queue needs to know about a record. */
export interface QueuedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly timestampMs: number;
  /** Approximate bytes in the invoke payload (see shared/events estimateRecordSize). */
  readonly size: number;
}

export type InvokeOutcome =
  | { readonly kind: 'success' }
  | { readonly kind: 'error'; readonly reason: string }
  /** Failures keyed by `topic-partition`: the first offset to retry. */
  | { readonly kind: 'partial'; readonly failures: ReadonlyMap<string, bigint> };

export interface Settlement<R extends QueuedRecord> {
  /** The last record to commit past, per partition key. */
  readonly commit: Map<string, R>;
  /** Records that exhausted retries (or aged out): destination, then commit. */
  readonly discarded: R[];
  /** Why the discarded records were discarded (Lambda's `condition`). */
  readonly condition: 'RetryAttemptsExhausted' | 'RecordAgeExceeded' | undefined;
  /** Retries needed (something stays at the head of a partition). */
  readonly retry: boolean;
}

export interface DeliveryPolicy {
  /** Retries after the first attempt; -1 is infinite (already capped to 10 when a destination exists). */
  readonly maxRetries: number;
  readonly bisect: boolean;
  /** -1 is infinite. */
  readonly maxRecordAgeSeconds: number;
}

export const partitionKey = (topic: string, partition: number): string => `${topic}-${partition}`;

export class PartitionQueues<R extends QueuedRecord> {
  readonly #queues = new Map<string, R[]>();
  /** Next offset expected per partition: a stream that re-sends after a rebalance is deduplicated. */
  readonly #next = new Map<string, bigint>();
  readonly #attempts = new Map<string, { offset: bigint; count: number }>();
  #bisectLimit: number | undefined;
  #size = 0;
  readonly #policy: DeliveryPolicy;

  constructor(policy: DeliveryPolicy) {
    this.#policy = policy;
  }

  /** Records buffered (not yet committed). */
  get size(): number {
    return this.#size;
  }

  /** Adds a fetched record; returns false for a duplicate (already buffered or delivered). */
  push(record: R): boolean {
    const key = partitionKey(record.topic, record.partition);
    const next = this.#next.get(key);
    if (next !== undefined && record.offset < next) return false;
    let queue = this.#queues.get(key);
    if (!queue) {
      queue = [];
      this.#queues.set(key, queue);
    }
    queue.push(record);
    this.#next.set(key, record.offset + 1n);
    this.#size++;
    return true;
  }

  /**
   * Sets where a newly assigned partition starts: records below `offset` (the group's
   * committed offset) are duplicates of work another poller already committed.
   */
  startAt(key: string, offset: bigint): void {
    const next = this.#next.get(key);
    if (next === undefined || next < offset) this.#next.set(key, offset);
  }

  /** Forgets a partition (revoked in a rebalance): its records will come from the next owner. */
  drop(key: string): number {
    const dropped = this.#queues.get(key)?.length ?? 0;
    this.#queues.delete(key);
    this.#next.delete(key);
    this.#attempts.delete(key);
    this.#size -= dropped;
    return dropped;
  }

  /** Partition keys with buffered records. */
  keys(): string[] {
    return [...this.#queues.keys()].filter((k) => (this.#queues.get(k)?.length ?? 0) > 0);
  }

  /**
   * The next batch: partitions in sorted order, each contributing records from its head, up
   * to `batchSize` records and `maxBytes` (Lambda's 6 MB invoke payload), and to the bisect
   * limit after a failed batch. Deterministic, so a retried batch starts with the same records.
   */
  nextBatch(batchSize: number, maxBytes: number): R[] {
    const limit = Math.min(batchSize, this.#bisectLimit ?? batchSize);
    const batch: R[] = [];
    let bytes = 0;
    for (const key of [...this.#queues.keys()].sort()) {
      for (const record of this.#queues.get(key)!) {
        if (batch.length >= limit) return batch;
        // Always deliver at least one record, even an oversized one: Lambda would fail the
        // invoke, and the retry policy then decides (it cannot be silently skipped).
        if (batch.length > 0 && bytes + record.size > maxBytes) return batch;
        batch.push(record);
        bytes += record.size;
      }
    }
    return batch;
  }

  /** Heads older than the maximum record age: discarded before invoking. */
  expire(nowMs: number): Settlement<R> {
    const commit = new Map<string, R>();
    const discarded: R[] = [];
    if (this.#policy.maxRecordAgeSeconds >= 0) {
      const cutoff = nowMs - this.#policy.maxRecordAgeSeconds * 1000;
      for (const [key, queue] of this.#queues) {
        let n = 0;
        while (n < queue.length && queue[n]!.timestampMs < cutoff) n++;
        if (n === 0) continue;
        discarded.push(...queue.slice(0, n));
        commit.set(key, queue[n - 1]!);
      }
    }
    return { commit, discarded, condition: discarded.length ? 'RecordAgeExceeded' : undefined, retry: false };
  }

  /** What an invocation's outcome means; does not change the queues (see `complete`). */
  settle(batch: readonly R[], outcome: InvokeOutcome): Settlement<R> {
    const byKey = groupByPartition(batch);
    const commit = new Map<string, R>();
    const discarded: R[] = [];
    let retry = false;

    if (outcome.kind === 'partial' && !isValidReport(byKey, outcome.failures)) {
      return this.settle(batch, { kind: 'error', reason: 'the partial batch response names a record that is not in the batch' });
    }
    if (this.#splits(batch, outcome)) return { commit, discarded, condition: undefined, retry: true };
    for (const [key, records] of byKey) {
      const failedAt = outcome.kind === 'success' ? undefined : outcome.kind === 'error' ? records[0]!.offset : outcome.failures.get(key);
      if (failedAt === undefined) {
        commit.set(key, records.at(-1)!);
        continue;
      }
      const done = records.filter((r) => r.offset < failedAt);
      if (done.length) commit.set(key, done.at(-1)!);
      const attempts = this.#attemptsAt(key, failedAt) + 1;
      if (this.#policy.maxRetries >= 0 && attempts > this.#policy.maxRetries) {
        // Exhausted: the records of this partition that failed in this invocation are discarded.
        const failed = records.filter((r) => r.offset >= failedAt);
        discarded.push(...failed);
        commit.set(key, failed.at(-1)!);
      } else {
        retry = true;
      }
    }
    return { commit, discarded, condition: discarded.length ? 'RetryAttemptsExhausted' : undefined, retry };
  }

  /**
   * Applies a settlement once its commits are durable: removes committed records, counts
   * attempts of the records left at each partition's head, and sets the bisect limit.
   */
  complete(batch: readonly R[], outcome: InvokeOutcome, settlement: Settlement<R>): void {
    for (const [key, last] of settlement.commit) {
      const queue = this.#queues.get(key);
      if (!queue) continue;
      let n = 0;
      while (n < queue.length && queue[n]!.offset <= last.offset) n++;
      queue.splice(0, n);
      this.#size -= n;
      const head = queue[0];
      if (!head || this.#attempts.get(key)?.offset !== head.offset) this.#attempts.delete(key);
    }
    if (outcome.kind === 'success' || !settlement.retry) {
      this.#bisectLimit = undefined;
      return;
    }
    if (this.#splits(batch, outcome)) {
      this.#bisectLimit = Math.ceil(batch.length / 2);
      return;
    }
    for (const [key, records] of groupByPartition(batch)) {
      const head = this.#queues.get(key)?.[0];
      if (!head || head.offset > records.at(-1)!.offset) continue; // this partition completed
      this.#attempts.set(key, { offset: head.offset, count: this.#attemptsAt(key, head.offset) + 1 });
    }
  }

  /** A failed batch that bisection splits instead of counting a retry. */
  #splits(batch: readonly R[], outcome: InvokeOutcome): boolean {
    return outcome.kind === 'error' && this.#policy.bisect && batch.length > 1;
  }

  /** Whether batches are limited by a bisection (the halves of a failed batch are still being retried). */
  get bisecting(): boolean {
    return this.#bisectLimit !== undefined;
  }

  /** Retry attempts already made for the record at `offset` heading partition `key`. */
  attempts(key: string): number {
    return this.#attempts.get(key)?.count ?? 0;
  }

  #attemptsAt(key: string, offset: bigint): number {
    const a = this.#attempts.get(key);
    return a && a.offset === offset ? a.count : 0;
  }
}

function groupByPartition<R extends QueuedRecord>(batch: readonly R[]): Map<string, R[]> {
  const map = new Map<string, R[]>();
  for (const r of batch) {
    const key = partitionKey(r.topic, r.partition);
    const list = map.get(key);
    if (list) list.push(r);
    else map.set(key, [r]);
  }
  return map;
}

function isValidReport<R extends QueuedRecord>(byKey: Map<string, R[]>, failures: ReadonlyMap<string, bigint>): boolean {
  for (const [key, offset] of failures) {
    const records = byKey.get(key);
    if (!records?.some((r) => r.offset === offset)) return false;
  }
  return true;
}
