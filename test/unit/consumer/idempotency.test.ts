import { PoisonRecordError } from '../../../shared/batch/index.ts';
import { CONSUMER_METRICS, IdempotencyUnavailableError, kafkaConsumer } from '../../../shared/consumer/index.ts';
import type { KafkaRecord } from '../../../shared/events/index.ts';
import { IdempotencyStoreError, InMemoryIdempotencyStore } from '../../../shared/idempotency/index.ts';
import type { AcquireResult, IdempotencyKeyItem, IdempotencyStore, KeyLock, KeyScope, StoreOperation, TopicPartition } from '../../../shared/idempotency/index.ts';
import { eventOf, input, kafkaEvent, label, lambdaContext, MemorySink, quiet } from './support.ts';

/** An in-memory store whose operations can be made to fail. */
class FlakyStore implements IdempotencyStore {
  readonly inner = new InMemoryIdempotencyStore();
  failing: Partial<Record<'getWatermarks' | 'getKeys' | 'acquireKey', Error>> = {};

  get requestCount(): number {
    return this.inner.requestCount;
  }

  get requestCounts(): Readonly<Record<StoreOperation, number>> {
    return this.inner.requestCounts;
  }

  async getWatermarks(groupId: string, partitions: readonly TopicPartition[]): Promise<ReadonlyMap<string, bigint>> {
    if (this.failing.getWatermarks) throw this.failing.getWatermarks;
    return this.inner.getWatermarks(groupId, partitions);
  }

  advanceWatermark(groupId: string, partition: TopicPartition, offset: bigint) {
    return this.inner.advanceWatermark(groupId, partition, offset);
  }

  async getKeys(scope: KeyScope, keys: readonly string[]): Promise<ReadonlyMap<string, IdempotencyKeyItem>> {
    if (this.failing.getKeys) throw this.failing.getKeys;
    return this.inner.getKeys(scope, keys);
  }

  async acquireKey(scope: KeyScope, key: string, lock: KeyLock, nowMs: number): Promise<AcquireResult> {
    if (this.failing.acquireKey) throw this.failing.acquireKey;
    return this.inner.acquireKey(scope, key, lock, nowMs);
  }

  completeKey(scope: KeyScope, key: string, completion: { readonly resultJson: string | undefined; readonly expiresAtSeconds: number }) {
    return this.inner.completeKey(scope, key, completion);
  }

  releaseKey(scope: KeyScope, key: string, lockToken: string) {
    return this.inner.releaseKey(scope, key, lockToken);
  }
}

const accessDenied = (operation: string) => new IdempotencyStoreError(`${operation} on table "idempotency": AccessDeniedException`, { operation, retriable: false });
const tick = () => new Promise((resolve) => setTimeout(resolve, 1));
const userEvent = (topic: string, partition: number, offset: number, userId: string) => input(topic, partition, offset, { userId });

describe('kafkaConsumer with offset watermarks', () => {
  it('skips a redelivered batch entirely with O(partitions) store requests', async () => {
    const q = quiet();
    const store = new InMemoryIdempotencyStore();
    const seen: string[] = [];
    const handler = kafkaConsumer({ ...q.options, idempotency: { store }, recordHandler: (record) => void seen.push(label(record)) });
    const event = kafkaEvent({ 'orders-0': 50, 'orders-1': 50, 'orders-2': 50 });

    await handler(event, lambdaContext());
    const afterFirst = store.requestCounts;
    await handler(event, lambdaContext());

    expect(seen).toHaveLength(150);
    expect(afterFirst).toEqual({ BatchGetItem: 1, UpdateItem: 3, PutItem: 0, DeleteItem: 0 });
    expect(store.requestCounts).toEqual({ BatchGetItem: 2, UpdateItem: 3, PutItem: 0, DeleteItem: 0 });
    expect(q.emf.last).toMatchObject({ [CONSUMER_METRICS.PROCESSED]: 0, [CONSUMER_METRICS.DUPLICATES_SKIPPED]: 150 });
  });

  it('runs each record once when a batch is replayed after a failure mid-partition', async () => {
    const q = quiet({ SCG_REPORT_BATCH_ITEM_FAILURES: 'true' });
    const store = new InMemoryIdempotencyStore();
    const runs = new Map<string, number>();
    let failOnce = true;
    const handler = kafkaConsumer({
      ...q.options,
      idempotency: { store },
      recordHandler: (record) => {
        if (label(record) === 'orders-1@2' && failOnce) {
          failOnce = false;
          throw new Error('throttled');
        }
        runs.set(label(record), (runs.get(label(record)) ?? 0) + 1);
      },
    });
    const event = kafkaEvent({ 'orders-0': 5, 'orders-1': 5 });

    const first = await handler(event, lambdaContext());
    const replay = await handler(event, lambdaContext());

    expect(first).toEqual({ batchItemFailures: [{ itemIdentifier: { partition: 'orders-1', offset: 2 } }] });
    expect(replay).toEqual({ batchItemFailures: [] });
    expect(runs.size).toBe(10);
    expect([...runs.values()].every((count) => count === 1)).toBe(true);
    expect(q.emf.last).toMatchObject({ [CONSUMER_METRICS.PROCESSED]: 3, [CONSUMER_METRICS.DUPLICATES_SKIPPED]: 7 });
  });

  it('does not dead-letter a poison record twice when its batch is replayed', async () => {
    const q = quiet();
    const sink = new MemorySink();
    const handler = kafkaConsumer({
      ...q.options,
      idempotency: { store: new InMemoryIdempotencyStore() },
      deadLetter: sink,
      recordHandler: (record) => {
        if (record.offset === 1n) throw new PoisonRecordError('bad');
      },
    });
    const event = kafkaEvent({ 'orders-0': 3 });

    await handler(event, lambdaContext());
    await handler(event, lambdaContext());

    expect(sink.entries.map((entry) => entry.offset)).toEqual(['1']);
  });

  it('leaves every partition for retry, without dead-lettering, when the watermarks cannot be read', async () => {
    const q = quiet({ SCG_REPORT_BATCH_ITEM_FAILURES: 'true' });
    const store = new FlakyStore();
    store.failing.getWatermarks = accessDenied('BatchGetItem');
    const sink = new MemorySink();
    let calls = 0;
    const handler = kafkaConsumer({ ...q.options, idempotency: { store }, deadLetter: sink, recordHandler: () => void (calls += 1) });

    const response = await handler(kafkaEvent({ 'orders-0': 2, 'orders-1': 2 }), lambdaContext());

    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: { partition: 'orders-0', offset: 0 } }, { itemIdentifier: { partition: 'orders-1', offset: 0 } }],
    });
    expect(calls).toBe(0);
    expect(sink.entries).toEqual([]);
    expect(q.logger.find('could not read the watermarks; every partition is left for retry')).toHaveLength(1);
  });

  it('detects and reports two invocations racing on the same partitions', async () => {
    const q = quiet();
    const store = new InMemoryIdempotencyStore();
    let runs = 0;
    const handler = kafkaConsumer({
      ...q.options,
      idempotency: { store },
      recordHandler: async () => {
        runs += 1;
        await tick();
      },
    });
    const event = kafkaEvent({ 'orders-0': 3, 'orders-1': 3 });

    await Promise.all([handler(event, lambdaContext('A')), handler(event, lambdaContext('B'))]);

    // Both read "nothing processed yet": watermarks cannot stop that (business keys can), but
    // each partition run twice is detected when its second advance finds the first.
    expect(runs).toBe(12);
    const conflicts = q.emf.documents.reduce((sum, doc) => sum + Number(doc[CONSUMER_METRICS.WATERMARK_CONFLICTS]), 0);
    expect(conflicts).toBe(2);
    expect(q.logger.find(/another invocation advanced this partition first/)).toHaveLength(2);
    expect(await store.getWatermarks('test-group', [{ topic: 'orders', partition: 0 }])).toEqual(new Map([['orders-0', 2n]]));
  });

  it('skips the chunks of a chunk handler at or below the watermark', async () => {
    const q = quiet({ SCG_CHUNK_SIZE: '2' });
    const store = new InMemoryIdempotencyStore();
    const chunks: string[] = [];
    const handler = kafkaConsumer({ ...q.options, idempotency: { store }, chunkHandler: (records) => void chunks.push(records.map((r) => r.offset).join(',')) });

    await handler(kafkaEvent({ 'orders-0': 3 }), lambdaContext());
    await handler(kafkaEvent({ 'orders-0': 5 }), lambdaContext());

    expect(chunks).toEqual(['0,1', '2', '3,4']);
  });
});

describe('kafkaConsumer with business keys', () => {
  const keyed = (store: IdempotencyStore) => ({ mode: 'key' as const, key: 'userId', store });

  it('runs the handler once per key, within a batch and across redeliveries', async () => {
    const q = quiet();
    const store = new InMemoryIdempotencyStore();
    const seen: string[] = [];
    const handler = kafkaConsumer({ ...q.options, idempotency: keyed(store), recordHandler: (record) => void seen.push(label(record)) });
    // Kafka keys user events by user id, so a user's duplicates share a partition.
    const event = eventOf([userEvent('users', 0, 0, 'u-1'), userEvent('users', 0, 1, 'u-2'), userEvent('users', 0, 2, 'u-1'), userEvent('users', 1, 0, 'u-3')]);

    await handler(event, lambdaContext());
    const firstDocument = q.emf.last;
    await handler(event, lambdaContext());

    expect(seen.sort()).toEqual(['users-0@0', 'users-0@1', 'users-1@0']);
    expect(firstDocument).toMatchObject({ [CONSUMER_METRICS.PROCESSED]: 3, [CONSUMER_METRICS.DUPLICATES_SKIPPED]: 1 });
    expect(q.emf.last).toMatchObject({ [CONSUMER_METRICS.PROCESSED]: 0, [CONSUMER_METRICS.DUPLICATES_SKIPPED]: 4 });
  });

  it('has exactly one of two racing invocations run a key; the other is retried and replays it', async () => {
    const q = quiet({ SCG_REPORT_BATCH_ITEM_FAILURES: 'true' });
    const store = new InMemoryIdempotencyStore();
    const runs = new Map<string, number>();
    const handler = kafkaConsumer({
      ...q.options,
      idempotency: keyed(store),
      recordHandler: async (record) => {
        const userId = (record.valueJson() as { userId: string }).userId;
        runs.set(userId, (runs.get(userId) ?? 0) + 1);
        await tick();
      },
    });
    const event = eventOf([userEvent('users', 0, 0, 'u-1'), userEvent('users', 0, 1, 'u-2'), userEvent('users', 1, 0, 'u-3')]);

    const responses = await Promise.all([handler(event, lambdaContext('A')), handler(event, lambdaContext('B'))]);
    const retried = await handler(event, lambdaContext('retry'));

    expect([...runs.entries()].sort()).toEqual([
      ['u-1', 1],
      ['u-2', 1],
      ['u-3', 1],
    ]);
    // The loser saw the keys in progress (retriable), so it left its partitions for retry.
    expect(responses.flatMap((r) => r.batchItemFailures).length).toBeGreaterThan(0);
    expect(retried).toEqual({ batchItemFailures: [] });
  });

  it('dead-letters a record that has no business key', async () => {
    const q = quiet();
    const sink = new MemorySink();
    const seen: string[] = [];
    const handler = kafkaConsumer({
      ...q.options,
      idempotency: keyed(new InMemoryIdempotencyStore()),
      deadLetter: sink,
      recordHandler: (record) => void seen.push(label(record)),
    });

    await handler(eventOf([input('users', 0, 0, { name: 'no id' }), userEvent('users', 0, 1, 'u-1'), input('users', 0, 2, null)]), lambdaContext());

    expect(seen).toEqual(['users-0@1']);
    expect(sink.entries.map((entry) => [entry.offset, entry.error.name])).toEqual([
      ['0', 'IdempotencyKeyError'],
      ['2', 'IdempotencyKeyError'],
    ]);
  });

  it('treats a store failure as retriable, never as poison, even when the store calls it permanent', async () => {
    const q = quiet({ SCG_REPORT_BATCH_ITEM_FAILURES: 'true' });
    const store = new FlakyStore();
    store.failing.acquireKey = accessDenied('PutItem');
    const sink = new MemorySink();
    let calls = 0;
    const handler = kafkaConsumer({ ...q.options, idempotency: keyed(store), deadLetter: sink, recordHandler: () => void (calls += 1) });

    const response = await handler(eventOf([userEvent('users', 0, 0, 'u-1'), userEvent('users', 0, 1, 'u-2')]), lambdaContext());

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: { partition: 'users-0', offset: 0 } }] });
    expect(calls).toBe(0);
    expect(sink.entries).toEqual([]);
    const [failure] = q.logger.find(/^record failed/);
    expect(failure?.attributes.error).toMatchObject({ name: IdempotencyUnavailableError.name, code: 'CONSUMER_IDEMPOTENCY_UNAVAILABLE' });
  });

  it('leaves every record for retry when the keys cannot be read', async () => {
    const q = quiet({ SCG_REPORT_BATCH_ITEM_FAILURES: 'true' });
    const store = new FlakyStore();
    store.failing.getKeys = accessDenied('BatchGetItem');
    const sink = new MemorySink();
    const handler = kafkaConsumer({ ...q.options, idempotency: keyed(store), deadLetter: sink, recordHandler: () => undefined });

    const response = await handler(eventOf([userEvent('users', 0, 0, 'u-1'), userEvent('users', 1, 0, 'u-2')]), lambdaContext());

    expect(response.batchItemFailures).toHaveLength(2);
    expect(sink.entries).toEqual([]);
  });

  it('releases the key of a failed handler so the retry runs it', async () => {
    const q = quiet({ SCG_REPORT_BATCH_ITEM_FAILURES: 'true' });
    let attempts = 0;
    const handler = kafkaConsumer({
      ...q.options,
      idempotency: keyed(new InMemoryIdempotencyStore()),
      recordHandler: () => {
        attempts += 1;
        if (attempts === 1) throw new Error('mail server down');
      },
    });
    const event = eventOf([userEvent('users', 0, 0, 'u-1')]);

    const first = await handler(event, lambdaContext());
    const second = await handler(event, lambdaContext());
    const third = await handler(event, lambdaContext());

    expect(first.batchItemFailures).toHaveLength(1);
    expect(second).toEqual({ batchItemFailures: [] });
    expect(third).toEqual({ batchItemFailures: [] });
    expect(attempts).toBe(2);
  });

  it('claims no key for records the filter leaves out', async () => {
    const q = quiet();
    const store = new InMemoryIdempotencyStore();
    let filterCalls = 0;
    const handler = kafkaConsumer({
      ...q.options,
      idempotency: keyed(store),
      filter: (record: KafkaRecord) => {
        filterCalls += 1;
        return (record.valueJson() as { userId: string }).userId !== 'skip-me';
      },
      recordHandler: () => undefined,
    });

    await handler(eventOf([userEvent('users', 0, 0, 'skip-me'), userEvent('users', 0, 1, 'u-1')]), lambdaContext());

    expect(filterCalls).toBe(2);
    expect(store.requestCounts).toEqual({ BatchGetItem: 1, UpdateItem: 0, PutItem: 2, DeleteItem: 0 });
    expect((await store.getKeys({ groupId: 'test-group' }, ['skip-me'])).size).toBe(0);
    expect(q.emf.last).toMatchObject({ [CONSUMER_METRICS.PROCESSED]: 1, [CONSUMER_METRICS.FILTERED]: 1 });
  });
});
