import { OffsetWatermark } from '../../../shared/idempotency/index.ts';
import { idempotencyTablePerTest, record } from './support.ts';

const orders0 = { topic: 'orders', partition: 0 };

describe('offset watermarks on DynamoDB', () => {
  const table = idempotencyTablePerTest();

  it('skips records at or below the watermark in the next invocation', async () => {
    const first = await new OffsetWatermark({ groupId: 'email', store: table.store() }).load([orders0]);
    await first.afterPartition(orders0, 4n);

    const second = await new OffsetWatermark({ groupId: 'email', store: table.store() }).load([orders0]);
    const split = second.beforePartition(orders0, [3, 4, 5].map((offset) => record(offset)));

    expect(split.duplicates.map((r) => r.offset)).toEqual([3n, 4n]);
    expect(split.toProcess.map((r) => r.offset)).toEqual([5n]);
  });

  it('moves only forward: a late, lower write is reported as superseded', async () => {
    const watermarks = new OffsetWatermark({ groupId: 'email', store: table.store() });
    const [fast, slow] = await Promise.all([watermarks.load([orders0]), watermarks.load([orders0])]);

    await expect(fast.afterPartition(orders0, 20n)).resolves.toEqual({ outcome: 'advanced', watermark: 20n });
    await expect(slow.afterPartition(orders0, 12n)).resolves.toEqual({ outcome: 'superseded', attempted: 12n, storedWatermark: 20n });
    expect((await watermarks.load([orders0])).watermarkOf(orders0)).toBe(20n);
  });

  it('compares offsets beyond 2^53 numerically and exactly', async () => {
    const watermarks = new OffsetWatermark({ groupId: 'email', store: table.store() });
    const max = 2n ** 63n - 1n;
    const [a, b, c] = await Promise.all([watermarks.load([orders0]), watermarks.load([orders0]), watermarks.load([orders0])]);

    await expect(a.afterPartition(orders0, max - 1n)).resolves.toMatchObject({ outcome: 'advanced' });
    await expect(b.afterPartition(orders0, max)).resolves.toMatchObject({ outcome: 'advanced' });
    await expect(c.afterPartition(orders0, max - 1n)).resolves.toMatchObject({ outcome: 'superseded', storedWatermark: max });
    // 10 > 9 numerically, though "10" < "9" as strings.
    const other = { topic: 'orders', partition: 1 };
    const [d, e] = await Promise.all([watermarks.load([other]), watermarks.load([other])]);
    await d.afterPartition(other, 9n);
    await expect(e.afterPartition(other, 10n)).resolves.toMatchObject({ outcome: 'advanced' });
  });

  it('keeps the watermarks of two consumer groups apart', async () => {
    const store = table.store();
    await (await new OffsetWatermark({ groupId: 'email', store }).load([orders0])).afterPartition(orders0, 100n);
    const audit = await new OffsetWatermark({ groupId: 'audit', store }).load([orders0]);
    expect(audit.watermarkOf(orders0)).toBeUndefined();
  });

  it('costs 1 BatchGetItem and 6 UpdateItems for a 1,000-record batch over 6 partitions', async () => {
    const partitions = Array.from({ length: 6 }, (_, partition) => ({ topic: 'orders', partition }));
    const records = Array.from({ length: 1_000 }, (_, index) => record(Math.floor(index / 6), undefined, index % 6));
    const runBatch = async (watermarks: OffsetWatermark) => {
      const batch = await watermarks.load(partitions);
      await Promise.all(
        partitions.map(async (partition) => {
          const { toProcess } = batch.beforePartition(partition, records.filter((r) => r.partition === partition.partition));
          await batch.afterPartition(partition, toProcess.at(-1)?.offset);
        }),
      );
      return batch.summary();
    };

    const store = table.store();
    const first = await runBatch(new OffsetWatermark({ groupId: 'email', store }));
    expect(store.requestCounts).toEqual({ BatchGetItem: 1, UpdateItem: 6, PutItem: 0, DeleteItem: 0 });
    expect(first).toMatchObject({ advanced: 6, duplicatesSkipped: 0 });

    // The redelivered batch: every record is a duplicate, one read and no write.
    const replayStore = table.store();
    const replay = await runBatch(new OffsetWatermark({ groupId: 'email', store: replayStore }));
    expect(replay).toMatchObject({ duplicatesSkipped: 1_000, unchanged: 6 });
    expect(replayStore.requestCount).toBe(1);
  });
});
