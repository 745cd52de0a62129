import { BatchProcessingError, ChunkRecordError, PoisonRecordError } from '../../../shared/batch/index.ts';
import { ConsumerConfigError, CONSUMER_METRICS, kafkaConsumer } from '../../../shared/consumer/index.ts';
import type { ChunkEffects, RecordEffects } from '../../../shared/consumer/index.ts';
import type { KafkaRecord } from '../../../shared/events/index.ts';
import { IdempotencyStoreError, InMemoryIdempotencyStore } from '../../../shared/idempotency/index.ts';
import type { IdempotencyStore, TopicPartition, WatermarkTransaction } from '../../../shared/idempotency/index.ts';
import { addCount, countsOf, CrashingStore, putItem } from '../idempotency/support.ts';
import { eventOf, input, kafkaEvent, label, lambdaContext, MemorySink, quiet, rejectionOf } from './support.ts';

// Effects of the README example: a counter every record bumps plus an audit item per record.
const countAndAudit = (record: KafkaRecord): RecordEffects => ({ effects: [addCount('totals', 'all'), putItem('audit', label(record))] });

/** Every audit item has exactly one record, and the counter counts each record once. */
function expectExactlyOnce(store: InMemoryIdempotencyStore, event: ReturnType<typeof kafkaEvent>, total: number): void {
  expect(store.tables.get('audit')?.size).toBe(total);
  expect(countsOf(store, 'totals')).toEqual(new Map([['all', total]]));
  expect(Object.values(event.records).flat()).toHaveLength(total);
}

/** An in-memory store whose `nth` watermark transaction fails once with a throttle. */
class ThrottlingStore extends InMemoryIdempotencyStore {
  #calls = 0;
  readonly #nth: number;

  constructor(nth: number) {
    super();
    this.#nth = nth;
  }

  override async commitWatermarkEffects(groupId: string, partition: TopicPartition, transaction: WatermarkTransaction) {
    if (++this.#calls === this.#nth) throw new IdempotencyStoreError('TransactWriteItems throttled', { operation: 'TransactWriteItems', retriable: true });
    return super.commitWatermarkEffects(groupId, partition, transaction);
  }
}

describe('kafkaConsumer with transactional effects and watermarks', () => {
  it('commits each partition\'s effects with its watermark: BatchGetItem + ceil(items / 99) TransactWriteItems', async () => {
    const q = quiet();
    const store = new InMemoryIdempotencyStore();
    const handler = kafkaConsumer({ ...q.options, idempotency: { store }, transactionalEffects: true, recordHandler: countAndAudit });
    const event = kafkaEvent({ 'orders-0': 150, 'orders-1': 150, 'orders-2': 40 });

    await handler(event, lambdaContext());
    const afterFirst = store.requestCounts;
    await handler(event, lambdaContext());

    // 98 audits + the merged counter + the watermark per transaction: 2 + 2 + 1.
    expect(afterFirst).toEqual({ BatchGetItem: 1, UpdateItem: 0, PutItem: 0, DeleteItem: 0, TransactWriteItems: 5 });
    expect(store.requestCounts).toEqual({ ...afterFirst, BatchGetItem: 2 });
    expectExactlyOnce(store, event, 340);
    expect(q.emf.last).toMatchObject({ [CONSUMER_METRICS.PROCESSED]: 0, [CONSUMER_METRICS.DUPLICATES_SKIPPED]: 340 });
  });

  it.each([
    ['before', 'throw'],
    ['after', 'throw'],
    ['before', 'hang'],
    ['after', 'hang'],
  ] as const)('applies every record once when the process dies %s a transaction (%s) and the batch is replayed', async (when, how) => {
    const store = new InMemoryIdempotencyStore();
    const event = kafkaEvent({ 'orders-0': 250, 'orders-1': 120 });
    const first = kafkaConsumer({ ...quiet().options, idempotency: { store: new CrashingStore(store, 2, when, how) }, recordHandler: countAndAudit });

    // 'hang': the store never answers again; Lambda's timeout (middy's, here) ends the invocation.
    const deadline = Date.now() + 200;
    const dying = first(event, { ...lambdaContext('dies'), getRemainingTimeInMillis: () => deadline - Date.now() });
    await expect(dying).rejects.toThrow(how === 'throw' ? /./ : /AbortError/);
    const appliedBeforeReplay = countsOf(store, 'totals').get('all');
    // The redelivery runs in a fresh environment (a new cold start).
    const replay = kafkaConsumer({ ...quiet({ SCG_REPORT_BATCH_ITEM_FAILURES: 'true' }).options, idempotency: { store }, recordHandler: countAndAudit });
    const response = await replay(event, lambdaContext('replay'));

    expect(appliedBeforeReplay).toBeLessThan(370);
    expect(response).toEqual({ batchItemFailures: [] });
    expectExactlyOnce(store, event, 370);
  });

  it('reports the first record after the committed watermark when the last transaction fails, so none is lost', async () => {
    const q = quiet({ SCG_REPORT_BATCH_ITEM_FAILURES: 'true' });
    const store = new ThrottlingStore(2);
    const handler = kafkaConsumer({ ...q.options, idempotency: { store }, recordHandler: countAndAudit });
    const event = kafkaEvent({ 'orders-0': 150 });

    // Every handler succeeded; the second transaction (records 98..149) was throttled.
    const first = await handler(event, lambdaContext());
    const replay = await handler(event, lambdaContext());

    expect(first).toEqual({ batchItemFailures: [{ itemIdentifier: { partition: 'orders-0', offset: 98 } }] });
    expect(replay).toEqual({ batchItemFailures: [] });
    expectExactlyOnce(store, event, 150);
    expect(q.logger.find('effects not committed: the partition is redelivered from the record after the watermark')).toHaveLength(1);
  });

  it('fails the invocation when a transaction fails and partial batch responses are off', async () => {
    const store = new ThrottlingStore(1);
    const handler = kafkaConsumer({ ...quiet().options, idempotency: { store }, recordHandler: countAndAudit });

    const error = await rejectionOf(() => handler(kafkaEvent({ 'orders-0': 10 }), lambdaContext()));

    expect(error).toBeInstanceOf(BatchProcessingError);
    expect((error as BatchProcessingError).result.partitions[0]).toMatchObject({ failedAtOffset: 0n, status: 'failed' });
    expect(store.tables.size).toBe(0);
  });

  it('stops the partition at the record whose transaction failed mid-partition, retriably', async () => {
    const q = quiet({ SCG_REPORT_BATCH_ITEM_FAILURES: 'true' });
    const store = new ThrottlingStore(1);
    const sink = new MemorySink();
    const handler = kafkaConsumer({ ...q.options, idempotency: { store }, deadLetter: sink, recordHandler: countAndAudit });
    const event = kafkaEvent({ 'orders-0': 150 });

    // The first transaction (records 0..97) is sent while record 98 is handled: it fails.
    const first = await handler(event, lambdaContext());
    await handler(event, lambdaContext());

    expect(first).toEqual({ batchItemFailures: [{ itemIdentifier: { partition: 'orders-0', offset: 0 } }] });
    expect(sink.entries).toEqual([]);
    expectExactlyOnce(store, event, 150);
  });

  it('applies effects once per record even when two invocations race on the same partitions', async () => {
    const store = new InMemoryIdempotencyStore();
    const handler = kafkaConsumer({
      ...quiet({ SCG_REPORT_BATCH_ITEM_FAILURES: 'true' }).options,
      idempotency: { store },
      recordHandler: async (record) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return countAndAudit(record);
      },
    });
    const event = kafkaEvent({ 'orders-0': 5, 'orders-1': 5 });

    await Promise.all([handler(event, lambdaContext('A')), handler(event, lambdaContext('B'))]);
    await handler(event, lambdaContext('redelivery'));

    expectExactlyOnce(store, event, 10);
  });

  it('takes a chunk handler\'s effects per record (Map) or per chunk (array)', async () => {
    const perRecord = new InMemoryIdempotencyStore();
    const perChunk = new InMemoryIdempotencyStore();
    const event = kafkaEvent({ 'orders-0': 120 });
    const byRecord = kafkaConsumer({
      ...quiet({ SCG_CHUNK_SIZE: '100' }).options,
      idempotency: { store: perRecord },
      chunkHandler: (records): ChunkEffects => ({ effects: new Map(records.map((r) => [r.offset, countAndAudit(r).effects])) }),
    });
    const byChunk = kafkaConsumer({
      ...quiet({ SCG_CHUNK_SIZE: '40' }).options,
      idempotency: { store: perChunk },
      chunkHandler: (records): ChunkEffects => ({ effects: [addCount('totals', 'all', records.length), putItem('audit', `chunk-${records[0]?.offset}`)] }),
    });

    await byRecord(event, lambdaContext());
    await byRecord(event, lambdaContext());
    await byChunk(event, lambdaContext());
    await byChunk(event, lambdaContext());

    expectExactlyOnce(perRecord, event, 120);
    expect(countsOf(perChunk, 'totals')).toEqual(new Map([['all', 120]]));
    expect(perChunk.tables.get('audit')?.size).toBe(3);
  });

  it('fails the whole chunk on a ChunkRecordError with effects, then isolates the poison record', async () => {
    const q = quiet({ SCG_CHUNK_SIZE: '10' });
    const store = new InMemoryIdempotencyStore();
    const sink = new MemorySink();
    const handler = kafkaConsumer({
      ...q.options,
      idempotency: { store },
      deadLetter: sink,
      transactionalEffects: true,
      chunkHandler: (records): ChunkEffects => {
        const effects = new Map<bigint, RecordEffects['effects']>();
        for (const r of records) {
          if (r.offset === 4n) throw new ChunkRecordError(r.offset, new PoisonRecordError('bad order'));
          effects.set(r.offset, countAndAudit(r).effects);
        }
        return { effects };
      },
    });

    await handler(kafkaEvent({ 'orders-0': 10 }), lambdaContext());

    // Records 0..3 were not done when the chunk threw: they run again one by one.
    expect(sink.entries.map((entry) => entry.offset)).toEqual(['4']);
    expect(countsOf(store, 'totals')).toEqual(new Map([['all', 9]]));
    expect(store.tables.get('audit')?.size).toBe(9);
  });

  it('dead-letters a record whose effects are invalid, naming it, and carries on', async () => {
    const store = new InMemoryIdempotencyStore();
    const sink = new MemorySink();
    const handler = kafkaConsumer({
      ...quiet().options,
      idempotency: { store },
      deadLetter: sink,
      recordHandler: (record) => (record.offset === 1n ? { effects: Array.from({ length: 100 }, (_, i) => putItem('audit', `x-${i}`)) } : countAndAudit(record)),
    });

    await handler(kafkaEvent({ 'orders-0': 3 }), lambdaContext());

    expect(sink.entries.map((entry) => [entry.offset, entry.error.name])).toEqual([['1', 'IdempotencyEffectsError']]);
    expect(sink.entries[0]?.error.message).toMatch(/record orders-0@1 returned 100 effects; at most 99 fit one transaction/);
    expect(countsOf(store, 'totals')).toEqual(new Map([['all', 2]]));
  });
});

describe('kafkaConsumer with transactional effects and business keys', () => {
  const keyed = (store: IdempotencyStore) => ({ mode: 'key' as const, key: 'userId', store });
  const userEvent = (partition: number, offset: number, userId: string) => input('users', partition, offset, { userId });
  const perUser = (record: KafkaRecord): RecordEffects => ({
    effects: [addCount('totals', 'all'), putItem('audit', (record.valueJson() as { userId: string }).userId)],
  });

  it('commits each key\'s effects with its completion, once, even across racing invocations', async () => {
    const store = new InMemoryIdempotencyStore();
    const handler = kafkaConsumer({
      ...quiet({ SCG_REPORT_BATCH_ITEM_FAILURES: 'true' }).options,
      idempotency: keyed(store),
      transactionalEffects: true,
      recordHandler: async (record) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return perUser(record);
      },
    });
    // u-1 is published twice (at offsets 0 and 2): one effect.
    const event = eventOf([userEvent(0, 0, 'u-1'), userEvent(0, 1, 'u-2'), userEvent(0, 2, 'u-1'), userEvent(1, 0, 'u-3')]);

    await Promise.all([handler(event, lambdaContext('A')), handler(event, lambdaContext('B'))]);
    const retried = await handler(event, lambdaContext('retry'));

    expect(retried).toEqual({ batchItemFailures: [] });
    expect(countsOf(store, 'totals')).toEqual(new Map([['all', 3]]));
    expect(store.tables.get('audit')?.size).toBe(3);
  });

  it('costs one claim and one TransactWriteItems per executed record', async () => {
    const store = new InMemoryIdempotencyStore();
    const handler = kafkaConsumer({ ...quiet().options, idempotency: keyed(store), recordHandler: perUser });
    await handler(eventOf([userEvent(0, 0, 'u-1'), userEvent(0, 1, 'u-2')]), lambdaContext());
    expect(store.requestCounts).toEqual({ BatchGetItem: 1, UpdateItem: 0, PutItem: 2, DeleteItem: 0, TransactWriteItems: 2 });
  });

  it('dead-letters a record whose effect DynamoDB rejects, applying none of its effects', async () => {
    const store = new InMemoryIdempotencyStore();
    const sink = new MemorySink();
    const handler = kafkaConsumer({
      ...quiet().options,
      idempotency: keyed(store),
      deadLetter: sink,
      recordHandler: (record): RecordEffects => ({ effects: [putItem('audit', 'same-for-everyone', true), addCount('totals', label(record))] }),
    });

    await handler(eventOf([userEvent(0, 0, 'u-1'), userEvent(0, 1, 'u-2')]), lambdaContext());

    expect(sink.entries.map((entry) => [entry.offset, entry.error.name])).toEqual([['1', 'IdempotencyEffectsError']]);
    expect(sink.entries[0]?.error.message).toMatch(/\(record users-0@1\): DynamoDB rejected effects\[0\] \(Put on table "audit"\) with ConditionalCheckFailed/);
    expect(countsOf(store, 'totals')).toEqual(new Map([['users-0@0', 1]]));
  });
});

describe('kafkaConsumer effects without idempotency', () => {
  it('fails the cold start when effects are declared and idempotency is off', () => {
    const build = () => kafkaConsumer({ ...quiet().options, transactionalEffects: true, recordHandler: countAndAudit });
    expect(build).toThrow(ConsumerConfigError);
    expect(build).toThrow(/options\.transactionalEffects needs idempotency "watermark" or "key" \(SCG_IDEMPOTENCY \/ options\.idempotency is "off"\)/);
  });

  it('fails the cold start when the store cannot commit effects', () => {
    const inner = new InMemoryIdempotencyStore();
    const store = {
      requestCount: 0,
      requestCounts: inner.requestCounts,
      getWatermarks: inner.getWatermarks.bind(inner),
      advanceWatermark: inner.advanceWatermark.bind(inner),
      getKeys: inner.getKeys.bind(inner),
      acquireKey: inner.acquireKey.bind(inner),
      completeKey: inner.completeKey.bind(inner),
      releaseKey: inner.releaseKey.bind(inner),
    };
    expect(() => kafkaConsumer({ ...quiet().options, idempotency: { store }, transactionalEffects: true, recordHandler: countAndAudit })).toThrow(
      /options\.idempotency\.store cannot commit transactional effects: it has no commitWatermarkEffects\(\)/,
    );
  });

  it('fails a record that returns effects with a non-retriable error naming it', async () => {
    const sink = new MemorySink();
    const handler = kafkaConsumer({ ...quiet().options, deadLetter: sink, recordHandler: countAndAudit });

    await handler(kafkaEvent({ 'orders-0': 2 }), lambdaContext());

    expect(sink.entries.map((entry) => entry.offset)).toEqual(['0', '1']);
    expect(sink.entries[0]?.error).toMatchObject({
      name: 'IdempotencyEffectsError',
      message: 'record orders-0@0 returned effects, but effects need idempotency watermark or key (idempotency is off); nothing was applied',
    });
  });
});
