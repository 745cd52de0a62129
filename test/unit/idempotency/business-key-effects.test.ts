import {
  BusinessKeyIdempotency,
  IdempotencyEffectsError,
  IdempotencyInProgressError,
  IdempotencyLockLostError,
  IdempotencyUsageError,
  InMemoryIdempotencyStore,
  KEY_STATUS,
} from '../../../shared/idempotency/index.ts';
import type { IdempotencyKeyStore, TransactionalEffects } from '../../../shared/idempotency/index.ts';
import { addCount, countsOf, CrashingStore, counted, deferred, manualClock, orderRecord, ProcessKilled, putItem } from './support.ts';
import type { TestRecord } from './support.ts';

const LOCK_MS = 60_000;

function keyed(store: IdempotencyKeyStore, clock = manualClock()) {
  return new BusinessKeyIdempotency<TestRecord>({ groupId: 'billing', key: 'order.id', store, now: clock.now, lockTimeoutMs: LOCK_MS });
}

/** One invocation: load the record's key, run the handler with effects. */
async function invoke(idempotency: BusinessKeyIdempotency<TestRecord>, record: TestRecord, handler: (r: TestRecord) => TransactionalEffects | Promise<TransactionalEffects>) {
  const batch = await idempotency.load([record]);
  return batch.executeWithEffects(record, handler);
}

const billOrder = (r: TestRecord): TransactionalEffects<string> => ({
  effects: [addCount('counters', 'orders'), putItem('invoices', `inv-${r.offset}`, true)],
  result: `inv-${r.offset}`,
});

describe('BusinessKeyBatch.executeWithEffects', () => {
  it('commits the effects with the completed key in one transaction, and never again', async () => {
    const store = new InMemoryIdempotencyStore();
    const handler = counted(billOrder);

    const first = await invoke(keyed(store), orderRecord(1, 'A-1'), handler);
    const duplicate = await invoke(keyed(store), orderRecord(9, 'A-1'), handler);

    expect(first).toEqual({ status: 'executed', key: 'A-1', result: 'inv-1' });
    expect(duplicate).toEqual({ status: 'replayed', key: 'A-1', result: 'inv-1' });
    expect(handler.calls).toBe(1);
    expect(countsOf(store, 'counters')).toEqual(new Map([['orders', 1]]));
    expect(store.tables.get('invoices')?.size).toBe(1);
    // Load, claim and one transaction (no completion PutItem); the duplicate only reads.
    expect(store.requestCounts).toEqual({ BatchGetItem: 2, UpdateItem: 0, PutItem: 1, DeleteItem: 0, TransactWriteItems: 1 });
    expect((await store.getKeys({ groupId: 'billing' }, ['A-1'])).get('A-1')?.status).toBe(KEY_STATUS.completed);
  });

  it('applies the effects exactly once when the process dies before the transaction', async () => {
    const store = new InMemoryIdempotencyStore();
    const clock = manualClock();
    const crashing = new CrashingStore(store, 1, 'before');
    const handler = counted(billOrder);

    await expect(invoke(keyed(crashing, clock), orderRecord(1, 'A-1'), handler)).rejects.toThrow(ProcessKilled);
    expect(store.tables.get('counters')).toBeUndefined();
    // The dead invocation's lock holds the key until it expires...
    await expect(invoke(keyed(store, clock), orderRecord(1, 'A-1'), handler)).rejects.toThrow(IdempotencyInProgressError);
    clock.advance(LOCK_MS + 1);
    // ...then the redelivery takes it over and commits once.
    await expect(invoke(keyed(store, clock), orderRecord(1, 'A-1'), handler)).resolves.toMatchObject({ status: 'executed' });
    await expect(invoke(keyed(store, clock), orderRecord(1, 'A-1'), handler)).resolves.toMatchObject({ status: 'replayed' });

    expect(handler.calls).toBe(2);
    expect(countsOf(store, 'counters')).toEqual(new Map([['orders', 1]]));
  });

  it('never re-runs the handler when the process dies right after the transaction', async () => {
    const store = new InMemoryIdempotencyStore();
    const clock = manualClock();
    const handler = counted(billOrder);

    await expect(invoke(keyed(new CrashingStore(store, 1, 'after'), clock), orderRecord(1, 'A-1'), handler)).rejects.toThrow(ProcessKilled);
    clock.advance(LOCK_MS + 1);
    await expect(invoke(keyed(store, clock), orderRecord(1, 'A-1'), handler)).resolves.toEqual({ status: 'replayed', key: 'A-1', result: 'inv-1' });

    expect(handler.calls).toBe(1);
    expect(countsOf(store, 'counters')).toEqual(new Map([['orders', 1]]));
  });

  it('throws a retriable IdempotencyLockLostError and applies nothing when another invocation took the key over', async () => {
    const store = new InMemoryIdempotencyStore();
    const clock = manualClock();
    const slow = deferred();
    const first = invoke(keyed(store, clock), orderRecord(1, 'A-1'), async (r) => {
      await slow.promise;
      return billOrder(r);
    });
    await new Promise((resolve) => setImmediate(resolve));
    // The first invocation overran its lock: a redelivery takes the key over and completes it.
    clock.advance(LOCK_MS + 1);
    await expect(invoke(keyed(store, clock), orderRecord(1, 'A-1'), billOrder)).resolves.toMatchObject({ status: 'executed' });
    slow.resolve();

    await expect(first).rejects.toThrow(IdempotencyLockLostError);
    await expect(first).rejects.toMatchObject({ retriable: true, key: 'A-1', code: 'IDEMPOTENCY_LOCK_LOST' });
    await expect(first).rejects.toThrow(/"A-1" of group "billing" \(record orders-0@1\) lost its lock before its effects were committed; nothing was applied/);
    expect(countsOf(store, 'counters')).toEqual(new Map([['orders', 1]]));
  });

  it('rejects more than 99 effects for one record with a clear, non-retriable error, and releases the key', async () => {
    const store = new InMemoryIdempotencyStore();
    const tooMany = () => ({ effects: Array.from({ length: 100 }, (_, index) => putItem('audit', `a-${index}`)) });

    const attempt = invoke(keyed(store), orderRecord(4, 'A-4'), tooMany);

    await expect(attempt).rejects.toThrow(IdempotencyEffectsError);
    await expect(attempt).rejects.toMatchObject({ retriable: false });
    await expect(attempt).rejects.toThrow(/record orders-0@4 returned 100 effects; at most 99 fit one transaction/);
    expect(store.tables.size).toBe(0);
    expect((await store.getKeys({ groupId: 'billing' }, ['A-4'])).size).toBe(0);
  });

  it("reports an effect DynamoDB rejects (its own condition failed) naming the record, applying nothing", async () => {
    const store = new InMemoryIdempotencyStore();
    await invoke(keyed(store), orderRecord(1, 'A-1'), () => ({ effects: [putItem('invoices', 'inv-shared', true)] }));

    const attempt = invoke(keyed(store), orderRecord(2, 'A-2'), () => ({ effects: [addCount('counters', 'orders'), putItem('invoices', 'inv-shared', true)] }));

    await expect(attempt).rejects.toThrow(IdempotencyEffectsError);
    await expect(attempt).rejects.toThrow(/\(record orders-0@2\): DynamoDB rejected effects\[1\] \(Put on table "invoices"\) with ConditionalCheckFailed/);
    expect(store.tables.get('counters')).toBeUndefined();
    expect((await store.getKeys({ groupId: 'billing' }, ['A-2'])).size).toBe(0);
  });

  it('rejects a handler that does not return { effects }', async () => {
    const store = new InMemoryIdempotencyStore();
    const attempt = invoke(keyed(store), orderRecord(1, 'A-1'), () => 'sent' as never);
    await expect(attempt).rejects.toThrow(/the handler of record orders-0@1 must return \{ effects: TransactWriteItem\[\], result\? \}/);
  });

  it('completes with a plain PutItem when there are no effects', async () => {
    const store = new InMemoryIdempotencyStore();
    await invoke(keyed(store), orderRecord(1, 'A-1'), () => ({ effects: [], result: 7 }));
    expect(store.requestCounts).toEqual({ BatchGetItem: 1, UpdateItem: 0, PutItem: 2, DeleteItem: 0 });
  });

  it('refuses effects on a store that cannot commit them', async () => {
    const inner = new InMemoryIdempotencyStore();
    const store: IdempotencyKeyStore = {
      get requestCount() {
        return inner.requestCount;
      },
      get requestCounts() {
        return inner.requestCounts;
      },
      getKeys: (scope, keys) => inner.getKeys(scope, keys),
      acquireKey: (scope, key, lock, nowMs) => inner.acquireKey(scope, key, lock, nowMs),
      completeKey: (scope, key, completion) => inner.completeKey(scope, key, completion),
      releaseKey: (scope, key, token) => inner.releaseKey(scope, key, token),
    };
    const attempt = invoke(keyed(store), orderRecord(1, 'A-1'), billOrder);
    await expect(attempt).rejects.toThrow(IdempotencyUsageError);
    await expect(attempt).rejects.toThrow(/cannot commit the effects of record orders-0@1: it has no completeKeyWithEffects\(\)/);
    expect((await inner.getKeys({ groupId: 'billing' }, ['A-1'])).size).toBe(0);
  });

  it('has exactly one of two racing invocations apply the effects', async () => {
    const store = new InMemoryIdempotencyStore();
    const gate = deferred();
    const handler = counted(async (r: TestRecord) => {
      await gate.promise;
      return billOrder(r);
    });

    const racing = [invoke(keyed(store), orderRecord(1, 'A-1'), handler), invoke(keyed(store), orderRecord(1, 'A-1'), handler)];
    gate.resolve();
    const settled = await Promise.allSettled(racing);

    expect(settled.map((s) => s.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(handler.calls).toBe(1);
    expect(countsOf(store, 'counters')).toEqual(new Map([['orders', 1]]));
  });
});
