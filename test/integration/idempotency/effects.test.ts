import {
  BusinessKeyIdempotency,
  DynamoDbIdempotencyStore,
  IdempotencyEffectsError,
  IdempotencyEffectsNotCommittedError,
  IdempotencyLockLostError,
  OffsetWatermark,
} from '../../../shared/idempotency/index.ts';
import type { IdempotencyKeyStore, TransactionalEffects, TransactWriteItem, WatermarkStore } from '../../../shared/idempotency/index.ts';
import { addCount, CrashingStore, manualClock, ProcessKilled, putItem } from '../../unit/idempotency/support.ts';
import { clientDyingAtTransaction, idempotencyTablePerTest, record, sinkTablesPerTest } from './support.ts';

// Transactional effects on the emulator's TransactWriteItems: ConditionCheck, Update with ADD,
// conditional Put, cancellation reasons (with ALL_OLD items) and the one-item-once rule.

const orders0 = { topic: 'orders', partition: 0 };
type Rec = ReturnType<typeof record>;

describe('transactional effects on DynamoDB', () => {
  const table = idempotencyTablePerTest();
  const sinks = sinkTablesPerTest('counters', 'audit');

  const orderRecord = (offset: number, id: string): Rec => record(offset, JSON.stringify({ order: { id } }));
  const keyed = (store: IdempotencyKeyStore = table.store(), clock = manualClock(Date.now())) =>
    new BusinessKeyIdempotency<Rec>({ groupId: 'billing', key: 'order.id', store, now: clock.now, lockTimeoutMs: 60_000 });
  const bill = (r: Rec): TransactionalEffects<string> => ({
    effects: [addCount(sinks.names.counters, 'orders'), putItem(sinks.names.audit, `inv-${r.offset}`, true)],
    result: `inv-${r.offset}`,
  });
  const executeOnce = async (idempotency: BusinessKeyIdempotency<Rec>, r: Rec, handler: (r: Rec) => TransactionalEffects | Promise<TransactionalEffects>) =>
    (await idempotency.load([r])).executeWithEffects(r, handler);

  describe('with business keys', () => {
    it('commits the effects with the COMPLETED item in one TransactWriteItems, and replays afterwards', async () => {
      const store = table.store();
      await expect(executeOnce(keyed(store), orderRecord(1, 'A-1'), bill)).resolves.toEqual({ status: 'executed', key: 'A-1', result: 'inv-1' });
      await expect(executeOnce(keyed(store), orderRecord(7, 'A-1'), bill)).resolves.toEqual({ status: 'replayed', key: 'A-1', result: 'inv-1' });

      expect(store.requestCounts).toEqual({ BatchGetItem: 2, UpdateItem: 0, PutItem: 1, DeleteItem: 0, TransactWriteItems: 1 });
      expect(await sinks.counts(sinks.names.counters)).toEqual(new Map([['orders', 1]]));
      expect((await sinks.items(sinks.names.audit)).map((item) => item.pk?.S)).toEqual(['inv-1']);
    });

    it('applies the effects once when the process dies before the transaction and the key is retried after its lock expired', async () => {
      const clock = manualClock(Date.now());
      await expect(executeOnce(keyed(new CrashingStore(table.store(), 1, 'before'), clock), orderRecord(1, 'A-1'), bill)).rejects.toThrow(ProcessKilled);
      expect(await sinks.counts(sinks.names.counters)).toEqual(new Map());

      clock.advance(60_001);
      await expect(executeOnce(keyed(table.store(), clock), orderRecord(1, 'A-1'), bill)).resolves.toMatchObject({ status: 'executed' });
      await expect(executeOnce(keyed(table.store(), clock), orderRecord(1, 'A-1'), bill)).resolves.toMatchObject({ status: 'replayed' });
      expect(await sinks.counts(sinks.names.counters)).toEqual(new Map([['orders', 1]]));
    });

    it('reads a lost lock from the cancellation reasons and applies nothing', async () => {
      const clock = manualClock(Date.now());
      let resume: () => void = () => undefined;
      const first = executeOnce(keyed(table.store(), clock), orderRecord(1, 'A-1'), async (r) => {
        await new Promise<void>((resolve) => (resume = resolve));
        return bill(r);
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      clock.advance(60_001);
      await expect(executeOnce(keyed(table.store(), clock), orderRecord(1, 'A-1'), bill)).resolves.toMatchObject({ status: 'executed' });
      resume();

      await expect(first).rejects.toThrow(IdempotencyLockLostError);
      expect(await sinks.counts(sinks.names.counters)).toEqual(new Map([['orders', 1]]));
    });

    it('has exactly one of two racing invocations apply the effects', async () => {
      const handler = async (r: Rec) => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        return bill(r);
      };
      const settled = await Promise.allSettled([executeOnce(keyed(), orderRecord(1, 'A-1'), handler), executeOnce(keyed(), orderRecord(1, 'A-1'), handler)]);
      expect(settled.map((s) => s.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect(await sinks.counts(sinks.names.counters)).toEqual(new Map([['orders', 1]]));
    });

    it('names the effect whose own condition failed (ConditionalCheckFailed) and rolls the others back', async () => {
      await executeOnce(keyed(), orderRecord(1, 'A-1'), bill);
      const clash = (): TransactionalEffects => ({ effects: [addCount(sinks.names.counters, 'orders'), putItem(sinks.names.audit, 'inv-1', true)] });

      const attempt = executeOnce(keyed(), orderRecord(2, 'A-2'), clash);

      await expect(attempt).rejects.toThrow(IdempotencyEffectsError);
      await expect(attempt).rejects.toThrow(/\(record orders-0@2\): DynamoDB rejected effects\[1\] \(Put on table "[^"]+"\) with ConditionalCheckFailed/);
      expect(await sinks.counts(sinks.names.counters)).toEqual(new Map([['orders', 1]]));
      await expect(executeOnce(keyed(), orderRecord(2, 'A-2'), bill)).resolves.toMatchObject({ status: 'executed' });
    });

    it('supports ConditionCheck effects', async () => {
      const requireAudit = (pk: string): TransactWriteItem => ({
        ConditionCheck: { TableName: sinks.names.audit, Key: { pk: { S: pk } }, ConditionExpression: 'attribute_exists(pk)' },
      });
      await executeOnce(keyed(), orderRecord(1, 'A-1'), bill);

      await expect(executeOnce(keyed(), orderRecord(2, 'A-2'), () => ({ effects: [requireAudit('inv-9'), addCount(sinks.names.counters, 'checked')] }))).rejects.toThrow(
        /rejected effects\[0\] \(ConditionCheck on table "[^"]+" \{"pk":"inv-9"\}\) with ConditionalCheckFailed/,
      );
      await executeOnce(keyed(), orderRecord(3, 'A-3'), () => ({ effects: [requireAudit('inv-1'), addCount(sinks.names.counters, 'checked')] }));
      expect((await sinks.counts(sinks.names.counters)).get('checked')).toBe(1);
    });
  });

  describe('with offset watermarks', () => {
    async function runPartition(store: WatermarkStore, records: readonly Rec[], effectsOf: (r: Rec) => TransactWriteItem[]) {
      const batch = await new OffsetWatermark({ groupId: 'counting', store }).load([orders0]);
      const { toProcess } = batch.beforePartition(orders0, records);
      for (const r of toProcess) await batch.addEffects(orders0, r, effectsOf(r));
      return batch.afterPartition(orders0, toProcess.at(-1)?.offset);
    }
    const records = (count: number) => Array.from({ length: count }, (_, offset) => record(offset));
    const perRecord = (r: Rec) => [addCount(sinks.names.counters, 'all'), ...Array.from({ length: 59 }, (_, j) => addCount(sinks.names.counters, `r${r.offset}-${j}`))];

    it('splits effects over transactions at record boundaries, each moving the watermark', async () => {
      const store = table.store();
      await expect(runPartition(store, records(5), perRecord)).resolves.toEqual({ outcome: 'advanced', watermark: 4n });

      expect(store.requestCounts).toEqual({ BatchGetItem: 1, UpdateItem: 0, PutItem: 0, DeleteItem: 0, TransactWriteItems: 5 });
      const counts = await sinks.counts(sinks.names.counters);
      expect(counts.get('all')).toBe(5);
      expect(counts.size).toBe(1 + 5 * 59);
      expect([...counts.values()].every((count) => count === 1 || count === 5)).toBe(true);
    });

    it('keeps counts exact when the process dies between transactions and the batch is replayed', async () => {
      const dying = new DynamoDbIdempotencyStore({ tableName: table.tableName, client: clientDyingAtTransaction(3) });
      await expect(runPartition(dying, records(5), perRecord)).rejects.toThrow(IdempotencyEffectsNotCommittedError);
      // Two transactions committed: the watermark is exactly at the last record they applied.
      expect((await table.store().getWatermarks('counting', [orders0])).get('orders-0')).toBe(1n);
      expect((await sinks.counts(sinks.names.counters)).get('all')).toBe(2);

      await runPartition(table.store(), records(5), perRecord);

      const counts = await sinks.counts(sinks.names.counters);
      expect(counts.get('all')).toBe(5);
      expect([...counts.entries()].filter(([pk]) => pk !== 'all').every(([, count]) => count === 1)).toBe(true);
    });

    it('reads the stored watermark from the cancellation reasons when another invocation got there first', async () => {
      const watermarks = new OffsetWatermark({ groupId: 'counting', store: table.store() });
      const [fast, slow] = await Promise.all([watermarks.load([orders0]), watermarks.load([orders0])]);
      for (const r of records(3)) await fast.addEffects(orders0, r, [addCount(sinks.names.counters, 'all')]);
      await fast.afterPartition(orders0, 2n);
      for (const r of records(4)) await slow.addEffects(orders0, r, [addCount(sinks.names.counters, 'all')]);

      const late = slow.afterPartition(orders0, 3n);

      await expect(late).rejects.toMatchObject({ reason: 'conflict', committedWatermark: 2n });
      expect((await sinks.counts(sinks.names.counters)).get('all')).toBe(3);
    });

    it('falls back to one transaction per record when two records put the same item', async () => {
      const store = table.store();
      const latest = (r: Rec): TransactWriteItem[] => [{ Put: { TableName: sinks.names.audit, Item: { pk: { S: 'order-1' }, offset: { N: r.offset.toString() } } } }];

      await expect(runPartition(store, records(3), latest)).resolves.toEqual({ outcome: 'advanced', watermark: 2n });

      expect(store.requestCounts.TransactWriteItems).toBe(4);
      expect((await sinks.items(sinks.names.audit)).map((item) => item.offset?.N)).toEqual(['2']);
    });
  });
});
