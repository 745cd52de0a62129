import fc from 'fast-check';
import { IdempotencyConfigError, IdempotencyUsageError, InMemoryIdempotencyStore, OffsetWatermark } from '../../../shared/idempotency/index.ts';
import { record } from './support.ts';

const orders0 = { topic: 'orders', partition: 0 };

describe('OffsetWatermark', () => {
  it('processes every record of a partition that was never advanced', async () => {
    const batch = await new OffsetWatermark({ groupId: 'email', store: new InMemoryIdempotencyStore() }).load([orders0]);
    const split = batch.beforePartition(orders0, [record(0), record(1)]);
    expect(split.toProcess.map((r) => r.offset)).toEqual([0n, 1n]);
    expect(split.duplicates).toEqual([]);
    expect(split.watermark).toBeUndefined();
  });

  it('skips records at or below the watermark and counts them as duplicates', async () => {
    const store = new InMemoryIdempotencyStore();
    const watermarks = new OffsetWatermark({ groupId: 'email', store });
    await (await watermarks.load([orders0])).afterPartition(orders0, 5n);

    const batch = await watermarks.load([orders0]);
    const split = batch.beforePartition(orders0, [3, 4, 5, 6, 7].map((offset) => record(offset)));

    expect(split.duplicates.map((r) => r.offset)).toEqual([3n, 4n, 5n]);
    expect(split.toProcess.map((r) => r.offset)).toEqual([6n, 7n]);
    expect(batch.summary().duplicatesSkipped).toBe(3);
  });

  it('advances the watermark to the last processed offset', async () => {
    const watermarks = new OffsetWatermark({ groupId: 'email', store: new InMemoryIdempotencyStore() });
    const advance = await (await watermarks.load([orders0])).afterPartition(orders0, 41n);
    expect(advance).toEqual({ outcome: 'advanced', watermark: 41n });
    expect((await watermarks.load([orders0])).watermarkOf(orders0)).toBe(41n);
  });

  it('moves only forward and reports a superseded write with the stored watermark', async () => {
    const store = new InMemoryIdempotencyStore();
    const watermarks = new OffsetWatermark({ groupId: 'email', store });
    const [first, second] = await Promise.all([watermarks.load([orders0]), watermarks.load([orders0])]);

    await first.afterPartition(orders0, 10n);
    const late = await second.afterPartition(orders0, 7n);

    expect(late).toEqual({ outcome: 'superseded', attempted: 7n, storedWatermark: 10n });
    expect(second.summary().superseded).toBe(1);
    expect((await watermarks.load([orders0])).watermarkOf(orders0)).toBe(10n);
  });

  it('treats a write to the same offset as superseded', async () => {
    const watermarks = new OffsetWatermark({ groupId: 'email', store: new InMemoryIdempotencyStore() });
    const [first, second] = await Promise.all([watermarks.load([orders0]), watermarks.load([orders0])]);
    await first.afterPartition(orders0, 10n);
    expect((await second.afterPartition(orders0, 10n)).outcome).toBe('superseded');
  });

  it('makes no request when nothing new was processed', async () => {
    const store = new InMemoryIdempotencyStore();
    const watermarks = new OffsetWatermark({ groupId: 'email', store });
    await (await watermarks.load([orders0])).afterPartition(orders0, 5n);
    const batch = await watermarks.load([orders0]);
    const before = store.requestCount;

    expect(await batch.afterPartition(orders0, undefined)).toEqual({ outcome: 'unchanged', watermark: 5n });
    expect(await batch.afterPartition(orders0, 4n)).toEqual({ outcome: 'unchanged', watermark: 5n });
    expect(store.requestCount).toBe(before);
  });

  it('reads all partitions of a batch in one request and writes once per partition', async () => {
    const store = new InMemoryIdempotencyStore();
    const partitions = Array.from({ length: 6 }, (_, partition) => ({ topic: 'orders', partition }));
    const records = Array.from({ length: 1_000 }, (_, index) => record(Math.floor(index / 6), undefined, index % 6));

    const batch = await new OffsetWatermark({ groupId: 'email', store }).load(partitions);
    for (const partition of partitions) {
      const { toProcess } = batch.beforePartition(partition, records.filter((r) => r.partition === partition.partition));
      await batch.afterPartition(partition, toProcess.at(-1)?.offset);
    }

    expect(store.requestCounts).toEqual({ BatchGetItem: 1, UpdateItem: 6, PutItem: 0, DeleteItem: 0 });
    expect(batch.summary()).toEqual({ partitions: 6, duplicatesSkipped: 0, advanced: 6, superseded: 0, unchanged: 0, transactions: 0 });
  });

  it('keeps the watermarks of two consumer groups apart', async () => {
    const store = new InMemoryIdempotencyStore();
    await (await new OffsetWatermark({ groupId: 'email', store }).load([orders0])).afterPartition(orders0, 9n);
    const analytics = await new OffsetWatermark({ groupId: 'analytics', store }).load([orders0]);
    expect(analytics.beforePartition(orders0, [record(3)]).toProcess).toHaveLength(1);
  });

  it('compares offsets beyond 2^53 exactly', async () => {
    await fc.assert(
      fc.asyncProperty(fc.bigInt({ min: 0n, max: 2n ** 63n - 2n }), fc.array(fc.bigInt({ min: 0n, max: 2n ** 63n - 1n })), async (watermark, offsets) => {
        const watermarks = new OffsetWatermark({ groupId: 'g', store: new InMemoryIdempotencyStore() });
        await (await watermarks.load([orders0])).afterPartition(orders0, watermark);
        const split = (await watermarks.load([orders0])).beforePartition(orders0, offsets.map((offset) => record(offset)));
        expect(split.duplicates.every((r) => r.offset <= watermark)).toBe(true);
        expect(split.toProcess.every((r) => r.offset > watermark)).toBe(true);
        expect(split.duplicates.length + split.toProcess.length).toBe(offsets.length);
      }),
      { numRuns: 50 },
    );
  });

  it('rejects a partition that was not loaded', async () => {
    const batch = await new OffsetWatermark({ groupId: 'email', store: new InMemoryIdempotencyStore() }).load([orders0]);
    expect(() => batch.beforePartition({ topic: 'orders', partition: 1 }, [])).toThrow(IdempotencyUsageError);
    await expect(batch.afterPartition({ topic: 'orders', partition: 1 }, 1n)).rejects.toThrow(/orders-1.*not passed to load\(\).*"email"/);
  });

  it('rejects a record from another partition', async () => {
    const batch = await new OffsetWatermark({ groupId: 'email', store: new InMemoryIdempotencyStore() }).load([orders0]);
    expect(() => batch.beforePartition(orders0, [record(4, undefined, 2)])).toThrow(/orders-2@4 passed to beforePartition\(orders-0\)/);
  });

  it('rejects invalid options naming the field', () => {
    const store = new InMemoryIdempotencyStore();
    expect(() => new OffsetWatermark({ groupId: '', store })).toThrow(IdempotencyConfigError);
    expect(() => new OffsetWatermark({ groupId: '', store })).toThrow(/groupId/);
    expect(() => new OffsetWatermark({ groupId: 'g', store, extra: 1 } as never)).toThrow(/unknown option "extra"/);
    expect(() => new OffsetWatermark({ groupId: 'g', store: {} as never })).toThrow(/store: must implement WatermarkStore/);
  });
});
