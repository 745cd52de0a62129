import fc from 'fast-check';
import {
  IdempotencyEffectsError,
  IdempotencyEffectsNotCommittedError,
  InMemoryIdempotencyStore,
  OffsetWatermark,
} from '../../../shared/idempotency/index.ts';
import type { TopicPartition, TransactWriteItem, WatermarkStore, WatermarkTransaction } from '../../../shared/idempotency/index.ts';
import { addCount, countsOf, CrashingStore, putItem, record } from './support.ts';
import type { TestRecord } from './support.ts';

const orders0 = { topic: 'orders', partition: 0 };

/** One invocation of a partition: skip what the watermark covers, add each record's effects, advance. */
async function runPartition(store: WatermarkStore, records: readonly TestRecord[], effectsOf: (r: TestRecord) => TransactWriteItem[]) {
  const batch = await new OffsetWatermark({ groupId: 'g', store }).load([orders0]);
  const { toProcess } = batch.beforePartition(orders0, records);
  for (const r of toProcess) await batch.addEffects(orders0, r, effectsOf(r));
  const advance = await batch.afterPartition(orders0, toProcess.at(-1)?.offset);
  return { advance, summary: batch.summary(), processed: toProcess.map((r) => r.offset) };
}

/** A store that records every watermark transaction it is asked to commit. */
class RecordingStore extends InMemoryIdempotencyStore {
  readonly transactions: Array<{ from: bigint; watermark: bigint; items: number }> = [];

  override async commitWatermarkEffects(groupId: string, partition: TopicPartition, transaction: WatermarkTransaction) {
    this.transactions.push({ from: transaction.from, watermark: transaction.watermark, items: transaction.effects.length + 1 });
    return super.commitWatermarkEffects(groupId, partition, transaction);
  }
}

const records = (count: number, first = 0) => Array.from({ length: count }, (_, index) => record(first + index));
const storedWatermark = async (store: WatermarkStore) => (await store.getWatermarks('g', [orders0])).get('orders-0');

describe('WatermarkBatch.addEffects', () => {
  it('commits effects with the watermark advance: BatchGetItem + one TransactWriteItems per 99 items', async () => {
    const store = new InMemoryIdempotencyStore();
    const effectsOf = (r: TestRecord) => [addCount('totals', 'orders'), putItem('audit', `a-${r.offset}`)];

    const first = await runPartition(store, records(150), effectsOf);
    const countsAfterFirst = store.requestCounts;
    const replay = await runPartition(store, records(150), effectsOf);

    // The shared counter merges into one item per transaction: 98 records + counter + watermark.
    expect(countsAfterFirst).toEqual({ BatchGetItem: 1, UpdateItem: 0, PutItem: 0, DeleteItem: 0, TransactWriteItems: 2 });
    expect(first.advance).toEqual({ outcome: 'advanced', watermark: 149n });
    expect(first.summary).toMatchObject({ transactions: 2, advanced: 1 });
    expect(replay.processed).toEqual([]);
    expect(countsOf(store, 'totals')).toEqual(new Map([['orders', 150]]));
    expect(store.tables.get('audit')?.size).toBe(150);
  });

  it('splits at record boundaries and moves the watermark to the last record each transaction completes', async () => {
    const store = new RecordingStore();
    const effectsOf = (r: TestRecord) => Array.from({ length: 60 }, (_, index) => putItem('audit', `a-${r.offset}-${index}`));

    await runPartition(store, [...records(3, 10), record(13), record(14)], (r) => (r.offset <= 12n ? effectsOf(r) : []));

    // Records 13 and 14 return no effects: the last transaction carries the watermark past them.
    expect(store.transactions).toEqual([
      { from: 10n, watermark: 10n, items: 61 },
      { from: 11n, watermark: 11n, items: 61 },
      { from: 12n, watermark: 14n, items: 61 },
    ]);
    expect(await storedWatermark(store)).toBe(14n);
  });

  it('applies every record exactly once after a crash at any transaction boundary and a replay', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 99 }), { minLength: 1, maxLength: 25 }),
        fc.integer({ min: 1, max: 30 }),
        fc.constantFrom<'before' | 'after'>('before', 'after'),
        fc.bigInt({ min: 0n, max: 2n ** 62n }),
        async (sizes, crashAt, when, firstOffset) => {
          const batchRecords = sizes.map((_, index) => record(firstOffset + BigInt(index)));
          const sizeOf = new Map(batchRecords.map((r, index) => [r.offset, sizes[index] as number]));
          // A record's effects: one ADD on the shared total, plus unique counters of its own.
          const effectsOf = (r: TestRecord) => {
            const size = sizeOf.get(r.offset) ?? 0;
            return size === 0 ? [] : [addCount('totals', 'all'), ...Array.from({ length: size - 1 }, (_, j) => addCount('sink', `${r.offset}-${j}`))];
          };
          const store = new InMemoryIdempotencyStore();

          const crashed = await runPartition(new CrashingStore(store, crashAt, when), batchRecords, effectsOf).then(
            () => false,
            (error: unknown) => {
              expect(error).toBeInstanceOf(IdempotencyEffectsNotCommittedError);
              return true;
            },
          );
          // The watermark is exactly at the last record whose effects were applied.
          const watermark = await storedWatermark(store);
          const sink = countsOf(store, 'sink');
          for (const r of batchRecords) {
            const size = sizeOf.get(r.offset) ?? 0;
            if (size < 2) continue;
            expect(sink.has(`${r.offset}-0`)).toBe(watermark !== undefined && r.offset <= watermark);
          }
          if (!crashed) expect(watermark).toBe(batchRecords.at(-1)?.offset);

          await runPartition(store, batchRecords, effectsOf);

          const expected = new Map(batchRecords.flatMap((r) => Array.from({ length: Math.max(0, (sizeOf.get(r.offset) ?? 0) - 1) }, (_, j) => [`${r.offset}-${j}`, 1] as const)));
          expect(countsOf(store, 'sink')).toEqual(expected);
          const withEffects = sizes.filter((size) => size > 0).length;
          expect(countsOf(store, 'totals')).toEqual(withEffects === 0 ? new Map() : new Map([['all', withEffects]]));
          expect(await storedWatermark(store)).toBe(batchRecords.at(-1)?.offset);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('refuses to apply effects twice when another invocation advanced the partition first', async () => {
    const store = new InMemoryIdempotencyStore();
    const watermarks = new OffsetWatermark({ groupId: 'g', store });
    const [first, second] = await Promise.all([watermarks.load([orders0]), watermarks.load([orders0])]);
    const batch = records(5);
    for (const r of batch.slice(0, 3)) await first.addEffects(orders0, r, [addCount('totals', 'all')]);
    await first.afterPartition(orders0, 2n);

    for (const r of batch) await second.addEffects(orders0, r, [addCount('totals', 'all')]);
    const late = second.afterPartition(orders0, 4n);

    await expect(late).rejects.toThrow(IdempotencyEffectsNotCommittedError);
    await expect(late).rejects.toMatchObject({ reason: 'conflict', committedWatermark: 2n, retriable: true });
    await expect(late).rejects.toThrow(/another invocation moved the watermark to 2 before the effects of records 0\.\.4 were committed/);
    expect(second.watermarkOf(orders0)).toBe(2n);
    expect(countsOf(store, 'totals')).toEqual(new Map([['all', 3]]));
  });

  it('names the record whose effect DynamoDB rejected, and commits nothing more for the partition', async () => {
    const store = new InMemoryIdempotencyStore();
    const batch = await new OffsetWatermark({ groupId: 'g', store }).load([orders0]);
    await batch.addEffects(orders0, record(0), [putItem('audit', 'taken')]);
    await batch.afterPartition(orders0, 0n);
    const next = await new OffsetWatermark({ groupId: 'g', store }).load([orders0]);
    await next.addEffects(orders0, record(1), [addCount('totals', 'all')]);
    await next.addEffects(orders0, record(2), [putItem('audit', 'taken', true)]);

    const after = next.afterPartition(orders0, 2n);

    await expect(after).rejects.toMatchObject({ reason: 'rejected', committedWatermark: 0n });
    await expect(after).rejects.toThrow(/rejected an effect of record orders-0@2 \(Put on table "audit"\) with ConditionalCheckFailed: The conditional request failed; the effects of records 1\.\.2 were not applied/);
    expect(next.effectsFailure(orders0)).toBeInstanceOf(IdempotencyEffectsNotCommittedError);
    await expect(next.addEffects(orders0, record(3), [addCount('totals', 'all')])).rejects.toThrow(IdempotencyEffectsNotCommittedError);
    expect(store.tables.get('totals')).toBeUndefined();
  });

  it('rejects more than 99 effects for one record, naming it, and keeps what was buffered', async () => {
    const store = new InMemoryIdempotencyStore();
    const batch = await new OffsetWatermark({ groupId: 'g', store }).load([orders0]);
    await batch.addEffects(orders0, record(0), [addCount('totals', 'all')]);

    const tooMany = batch.addEffects(orders0, record(1), Array.from({ length: 100 }, (_, index) => putItem('audit', `a-${index}`)));

    await expect(tooMany).rejects.toThrow(IdempotencyEffectsError);
    await expect(tooMany).rejects.toMatchObject({ retriable: false });
    await expect(tooMany).rejects.toThrow(/record orders-0@1 returned 100 effects; at most 99 fit one transaction/);
    await expect(batch.afterPartition(orders0, 1n)).resolves.toEqual({ outcome: 'advanced', watermark: 1n });
    expect(countsOf(store, 'totals')).toEqual(new Map([['all', 1]]));
  });

  it('falls back to one transaction per record when DynamoDB refuses two puts of one item', async () => {
    const store = new RecordingStore();
    // Puts name no key, so the planner cannot tell they write the same item: the store refuses.
    await runPartition(store, records(3), (r) => [{ Put: { TableName: 'latest', Item: { pk: { S: 'order-1' }, offset: { N: r.offset.toString() } } } }]);

    expect(store.transactions.map((tx) => [tx.from, tx.watermark])).toEqual([
      [0n, 2n],
      [0n, 0n],
      [1n, 1n],
      [2n, 2n],
    ]);
    expect(store.tables.get('latest')?.get({ pk: { S: 'order-1' } })?.offset).toEqual({ N: '2' });
  });

  it('rejects effects out of offset order and below the watermark', async () => {
    const store = new InMemoryIdempotencyStore();
    await runPartition(store, records(2), () => [addCount('totals', 'all')]);
    const batch = await new OffsetWatermark({ groupId: 'g', store }).load([orders0]);
    await expect(batch.addEffects(orders0, record(1), [addCount('totals', 'all')])).rejects.toThrow(/effects of orders-0@1 for group "g" come out of order/);
    await batch.addEffects(orders0, record(5), [addCount('totals', 'all')]);
    await expect(batch.addEffects(orders0, record(4), [])).rejects.toThrow(/come out of order/);
    await expect(batch.afterPartition(orders0, 3n)).rejects.toThrow(/records up to 5 returned effects, so the watermark must reach it/);
    await expect(batch.addEffects(orders0, record(6, undefined, 1), [])).rejects.toThrow(/orders-1@6 passed to addEffects\(orders-0\)/);
  });
});
