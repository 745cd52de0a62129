import {
  BusinessKeyIdempotency,
  IdempotencyConfigError,
  IdempotencyInProgressError,
  IdempotencyKeyError,
  IdempotencyResultNotSerializableError,
  InMemoryIdempotencyStore,
  KEY_STATUS,
} from '../../../shared/idempotency/index.ts';
import type { BusinessKeyIdempotencyOptions } from '../../../shared/idempotency/index.ts';
import { counted, deferred, manualClock, orderRecord, record } from './support.ts';
import type { TestRecord } from './support.ts';

function setup(overrides: Partial<BusinessKeyIdempotencyOptions<TestRecord>> = {}) {
  const store = new InMemoryIdempotencyStore();
  const clock = manualClock();
  const idempotency = new BusinessKeyIdempotency<TestRecord>({ groupId: 'email', key: 'order.id', store, now: clock.now, ...overrides });
  return { store, clock, idempotency };
}

async function runOnce(idempotency: BusinessKeyIdempotency<TestRecord>, r: TestRecord, handler: (r: TestRecord) => unknown) {
  const batch = await idempotency.load([r]);
  return batch.execute(r, handler);
}

describe('BusinessKeyIdempotency', () => {
  it('runs the handler the first time a key is seen and returns its result', async () => {
    const { idempotency } = setup();
    const handler = counted(async (r: TestRecord) => ({ sent: r.offset.toString() }));
    const batch = await idempotency.load([orderRecord(1, 'A-1')]);

    await expect(batch.execute(orderRecord(1, 'A-1'), handler)).resolves.toEqual({ status: 'executed', key: 'A-1', result: { sent: '1' } });
    expect(handler.calls).toBe(1);
    expect(batch.summary()).toMatchObject({ executed: 1, duplicatesSkipped: 0 });
  });

  it('returns the stored result for a duplicate without running the handler', async () => {
    const { idempotency } = setup();
    await runOnce(idempotency, orderRecord(1, 'A-1'), () => ({ emailId: 'e-17' }));
    const handler = counted(() => ({ emailId: 'other' }));

    const batch = await idempotency.load([orderRecord(9, 'A-1')]);
    const outcome = await batch.execute(orderRecord(9, 'A-1'), handler);

    expect(outcome).toEqual({ status: 'replayed', key: 'A-1', result: { emailId: 'e-17' } });
    expect(handler.calls).toBe(0);
    expect(batch.summary().duplicatesSkipped).toBe(1);
  });

  it('replays a completed key from the batched read without writing', async () => {
    const { idempotency, store } = setup();
    await runOnce(idempotency, orderRecord(1, 'A-1'), () => 'done');
    const writesBefore = store.requestCounts.PutItem;
    await runOnce(idempotency, orderRecord(2, 'A-1'), () => 'again');
    expect(store.requestCounts.PutItem).toBe(writesBefore);
  });

  it('replays a key repeated inside one batch without a request', async () => {
    const { idempotency, store } = setup();
    const records = [orderRecord(1, 'A-1'), orderRecord(2, 'A-1')];
    const batch = await idempotency.load(records);
    const handler = counted(() => 'sent');
    await batch.execute(records[0]!, handler);
    const before = store.requestCount;

    expect((await batch.execute(records[1]!, handler)).status).toBe('replayed');
    expect(handler.calls).toBe(1);
    expect(store.requestCount).toBe(before);
  });

  it('throws a retriable IdempotencyInProgressError while another invocation holds the key', async () => {
    const { idempotency } = setup();
    const release = deferred();
    const first = runOnce(idempotency, orderRecord(1, 'A-1'), () => release.promise);

    const second = runOnce(idempotency, orderRecord(1, 'A-1'), () => 'never');
    await expect(second).rejects.toThrow(IdempotencyInProgressError);
    await expect(second).rejects.toMatchObject({ retriable: true, key: 'A-1', code: 'IDEMPOTENCY_IN_PROGRESS' });
    await expect(second).rejects.toThrow(/"A-1" of group "email" \(record orders-0@1\)/);
    release.resolve();
    await expect(first).resolves.toMatchObject({ status: 'executed' });
  });

  it('runs the handler exactly once for two concurrent executions of one key', async () => {
    const { idempotency } = setup();
    const handler = counted(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return 'sent';
    });
    const results = await Promise.allSettled([runOnce(idempotency, orderRecord(1, 'A-1'), handler), runOnce(idempotency, orderRecord(1, 'A-1'), handler)]);

    expect(handler.calls).toBe(1);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((result) => result.status === 'rejected' && result.reason instanceof IdempotencyInProgressError)).toHaveLength(1);
  });

  it('locks a key for the invocation’s remaining time', async () => {
    const { idempotency, store, clock } = setup();
    const r = orderRecord(1, 'A-1');
    const batch = await idempotency.load([r], { remainingTimeMs: () => 30_000 });
    let whileRunning: unknown;
    await batch.execute(r, async () => {
      whileRunning = (await store.getKeys({ groupId: 'email' }, ['A-1'])).get('A-1');
    });
    expect(whileRunning).toMatchObject({ status: KEY_STATUS.inProgress, lockExpiresAtMs: clock.now() + 30_000 });
  });

  it('does not take over a lock that has not expired', async () => {
    const { idempotency, store, clock } = setup();
    await store.acquireKey({ groupId: 'email' }, 'A-1', { lockToken: 'crashed', lockExpiresAtMs: clock.now() + 1_000, expiresAtSeconds: clock.now() / 1000 + 3_600 }, clock.now());
    clock.advance(999);
    await expect(runOnce(idempotency, orderRecord(1, 'A-1'), () => 'x')).rejects.toThrow(IdempotencyInProgressError);
  });

  it('takes over the expired lock of a crashed invocation', async () => {
    const { idempotency, store, clock } = setup();
    await store.acquireKey({ groupId: 'email' }, 'A-1', { lockToken: 'crashed', lockExpiresAtMs: clock.now() + 1_000, expiresAtSeconds: clock.now() / 1000 + 3_600 }, clock.now());
    clock.advance(1_001);

    const batch = await idempotency.load([orderRecord(1, 'A-1')]);
    await expect(batch.execute(orderRecord(1, 'A-1'), () => 'sent')).resolves.toMatchObject({ status: 'executed', result: 'sent' });
    expect(batch.summary().locksTakenOver).toBe(1);
  });

  it('runs the handler again once a completed key has expired', async () => {
    const { idempotency, clock } = setup({ expiresAfterSeconds: 60 });
    await runOnce(idempotency, orderRecord(1, 'A-1'), () => 'first');
    clock.advance(61_000);

    const batch = await idempotency.load([orderRecord(1, 'A-1')]);
    await expect(batch.execute(orderRecord(1, 'A-1'), () => 'second')).resolves.toMatchObject({ status: 'executed', result: 'second' });
    expect(batch.summary().expiredItemsRerun).toBe(1);
  });

  it('still replays a completed key before it expires', async () => {
    const { idempotency, clock } = setup({ expiresAfterSeconds: 60 });
    await runOnce(idempotency, orderRecord(1, 'A-1'), () => 'first');
    clock.advance(59_000);
    await expect(runOnce(idempotency, orderRecord(1, 'A-1'), () => 'second')).resolves.toMatchObject({ status: 'replayed', result: 'first' });
  });

  it('releases the key when the handler fails, rethrowing its error, so a retry runs', async () => {
    const { idempotency } = setup();
    const failure = new Error('smtp down');
    const batch = await idempotency.load([orderRecord(1, 'A-1')]);
    await expect(batch.execute(orderRecord(1, 'A-1'), () => Promise.reject(failure))).rejects.toBe(failure);
    expect(batch.summary().failures).toBe(1);

    await expect(runOnce(idempotency, orderRecord(1, 'A-1'), () => 'sent')).resolves.toMatchObject({ status: 'executed', result: 'sent' });
  });

  it('keeps the keys of two consumer groups apart', async () => {
    const { store, clock } = setup();
    const handler = counted(() => 'done');
    for (const groupId of ['email', 'analytics', 'audit']) {
      const idempotency = new BusinessKeyIdempotency<TestRecord>({ groupId, key: 'order.id', store, now: clock.now });
      await expect(runOnce(idempotency, orderRecord(1, 'A-1'), handler)).resolves.toMatchObject({ status: 'executed' });
    }
    expect(handler.calls).toBe(3);
  });

  it('keeps the keys of two functions in one group apart', async () => {
    const { store } = setup();
    const make = (functionName: string) => new BusinessKeyIdempotency<TestRecord>({ groupId: 'email', functionName, key: 'order.id', store });
    await runOnce(make('send'), orderRecord(1, 'A-1'), () => 1);
    await expect(runOnce(make('archive'), orderRecord(1, 'A-1'), () => 2)).resolves.toMatchObject({ status: 'executed', result: 2 });
  });

  it('stores bigint values in results as strings and an absent result as undefined', async () => {
    const { idempotency } = setup();
    await runOnce(idempotency, orderRecord(1, 'A-1'), () => ({ offset: 2n ** 63n - 1n }));
    await runOnce(idempotency, orderRecord(2, 'B-2'), () => undefined);
    await expect(runOnce(idempotency, orderRecord(3, 'A-1'), () => null)).resolves.toMatchObject({ result: { offset: '9223372036854775807' } });
    await expect(runOnce(idempotency, orderRecord(4, 'B-2'), () => 'x')).resolves.toEqual({ status: 'replayed', key: 'B-2', result: undefined });
  });

  it('completes the key without a result when the result cannot be stored as JSON', async () => {
    const { idempotency } = setup();
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await expect(runOnce(idempotency, orderRecord(1, 'A-1'), () => circular)).rejects.toThrow(IdempotencyResultNotSerializableError);
    const handler = counted(() => undefined);
    await expect(runOnce(idempotency, orderRecord(2, 'A-1'), handler)).resolves.toMatchObject({ status: 'replayed', result: undefined });
    expect(handler.calls).toBe(0);
  });

  it('reads the keys of a batch in one request per 100 keys and writes twice per execution', async () => {
    const { idempotency, store } = setup();
    const records = Array.from({ length: 250 }, (_, index) => orderRecord(index, `K-${index}`));
    const batch = await idempotency.load(records);
    for (const r of records) await batch.execute(r, () => 'ok');
    expect(store.requestCounts).toEqual({ BatchGetItem: 3, UpdateItem: 0, PutItem: 500, DeleteItem: 0 });
  });

  it('fails only the record whose key is missing', async () => {
    const { idempotency } = setup();
    const broken = record(5, JSON.stringify({ customer: 'c-1' }));
    const batch = await idempotency.load([broken, orderRecord(6, 'A-1')]);

    await expect(batch.execute(broken, () => 'x')).rejects.toThrow(IdempotencyKeyError);
    await expect(batch.execute(broken, () => 'x')).rejects.toThrow(/"order.id" is missing from record orders-0@5/);
    await expect(batch.execute(orderRecord(6, 'A-1'), () => 'ok')).resolves.toMatchObject({ status: 'executed' });
  });

  it('takes the key from a function', async () => {
    const { store } = setup();
    const idempotency = new BusinessKeyIdempotency<TestRecord>({ groupId: 'email', key: (r) => `offset-${r.offset}`, store });
    await expect(runOnce(idempotency, record(3, null), () => 1)).resolves.toMatchObject({ key: 'offset-3' });
  });

  it('rejects invalid options naming the field', () => {
    const store = new InMemoryIdempotencyStore();
    expect(() => new BusinessKeyIdempotency<TestRecord>({ groupId: 'g', key: 'order..id', store })).toThrow(IdempotencyConfigError);
    expect(() => new BusinessKeyIdempotency<TestRecord>({ groupId: 'g', key: 'order..id', store })).toThrow(/key: must be a dotted path/);
    expect(() => new BusinessKeyIdempotency<TestRecord>({ groupId: 'g', key: 'id', store, expiresAfterSeconds: 0 })).toThrow(/expiresAfterSeconds/);
    expect(() => new BusinessKeyIdempotency<TestRecord>({ groupId: 'g', key: 'id', store, expiresAfterSecond: 5 } as never)).toThrow(
      /unknown option "expiresAfterSecond"/,
    );
    expect(() => new BusinessKeyIdempotency<TestRecord>({ groupId: 'g', key: (r) => String(r.offset), store, decodeValue: () => ({}) })).toThrow(
      /decodeValue: only applies when key is a dotted path/,
    );
  });
});
