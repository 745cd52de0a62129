import { DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { BusinessKeyIdempotency, IdempotencyInProgressError, KEY_STATUS, ensureIdempotencyTable } from '../../../shared/idempotency/index.ts';
import type { IdempotencyKeyStore } from '../../../shared/idempotency/index.ts';
import { idempotencyTablePerTest, record } from './support.ts';

type OrderRecord = ReturnType<typeof record>;
const order = (offset: number, id: string, partition = 0): OrderRecord => record(offset, JSON.stringify({ order: { id } }), partition);
const idempotencyOn = (store: IdempotencyKeyStore, groupId = 'email') => new BusinessKeyIdempotency<OrderRecord>({ groupId, key: 'order.id', store });

async function runOnce(idempotency: BusinessKeyIdempotency<OrderRecord>, r: OrderRecord, handler: (r: OrderRecord) => unknown) {
  return (await idempotency.load([r], { remainingTimeMs: () => 60_000 })).execute(r, handler);
}

describe('business keys on DynamoDB', () => {
  const table = idempotencyTablePerTest();

  it('runs the handler once and replays the stored result for a duplicate', async () => {
    let calls = 0;
    const handler = () => ({ emailId: `e-${++calls}` });

    await expect(runOnce(idempotencyOn(table.store()), order(1, 'A-1'), handler)).resolves.toEqual({ status: 'executed', key: 'A-1', result: { emailId: 'e-1' } });
    await expect(runOnce(idempotencyOn(table.store()), order(2, 'A-1'), handler)).resolves.toEqual({ status: 'replayed', key: 'A-1', result: { emailId: 'e-1' } });
    expect(calls).toBe(1);
  });

  it('applies the conditional put: absent, held, expired lock, completed, expired item', async () => {
    const store = table.store();
    const scope = { groupId: 'email' };
    const t0 = 1_750_000_000_000;
    const lock = (token: string, nowMs: number) => ({ lockToken: token, lockExpiresAtMs: nowMs + 1_000, expiresAtSeconds: nowMs / 1000 + 60 });

    await expect(store.acquireKey(scope, 'K', lock('a', t0), t0)).resolves.toEqual({ acquired: true, previous: undefined });
    const held = await store.acquireKey(scope, 'K', lock('b', t0 + 999), t0 + 999);
    expect(held).toMatchObject({ acquired: false, current: { status: KEY_STATUS.inProgress, lockToken: 'a', lockExpiresAtMs: t0 + 1_000 } });
    const takenOver = await store.acquireKey(scope, 'K', lock('c', t0 + 1_001), t0 + 1_001);
    expect(takenOver).toMatchObject({ acquired: true, previous: { lockToken: 'a' } });

    await store.releaseKey(scope, 'K', 'a'); // not the holder any more: no effect
    expect((await store.getKeys(scope, ['K'])).get('K')).toMatchObject({ lockToken: 'c' });

    await store.completeKey(scope, 'K', { resultJson: '"done"', expiresAtSeconds: t0 / 1000 + 60 });
    await expect(store.acquireKey(scope, 'K', lock('d', t0 + 30_000), t0 + 30_000)).resolves.toMatchObject({
      acquired: false,
      current: { status: KEY_STATUS.completed, resultJson: '"done"' },
    });
    await expect(store.acquireKey(scope, 'K', lock('e', t0 + 61_000), t0 + 61_000)).resolves.toMatchObject({
      acquired: true,
      previous: { status: KEY_STATUS.completed },
    });
  });

  it('lets exactly one of two concurrent invocations run the handler', async () => {
    let calls = 0;
    const slowHandler = async () => {
      calls += 1;
      await new Promise((resolve) => setTimeout(resolve, 300));
      return 'sent';
    };
    // Two stores, two clients: like two Lambda environments racing on one key.
    const results = await Promise.allSettled([
      runOnce(idempotencyOn(table.store()), order(1, 'A-1'), slowHandler),
      runOnce(idempotencyOn(table.store()), order(1, 'A-1', 1), slowHandler),
    ]);

    expect(calls).toBe(1);
    expect(results.filter((result) => result.status === 'fulfilled')).toEqual([
      { status: 'fulfilled', value: { status: 'executed', key: 'A-1', result: 'sent' } },
    ]);
    const [rejected] = results.filter((result) => result.status === 'rejected');
    expect(rejected?.reason).toBeInstanceOf(IdempotencyInProgressError);
    expect(rejected?.reason).toMatchObject({ retriable: true });
    // The retry of the loser gets the winner's result.
    await expect(runOnce(idempotencyOn(table.store()), order(1, 'A-1', 1), slowHandler)).resolves.toMatchObject({ status: 'replayed', result: 'sent' });
  });

  it('releases the key when the handler fails, so the retry runs it', async () => {
    const failure = new Error('smtp down');
    await expect(runOnce(idempotencyOn(table.store()), order(1, 'A-1'), () => Promise.reject(failure))).rejects.toBe(failure);
    await expect(runOnce(idempotencyOn(table.store()), order(1, 'A-1'), () => 'sent')).resolves.toMatchObject({ status: 'executed' });
  });

  it('keeps the keys of the email, analytics and audit groups apart', async () => {
    const store = table.store();
    const outcomes = [];
    for (const groupId of ['email', 'analytics', 'audit']) outcomes.push((await runOnce(idempotencyOn(store, groupId), order(1, 'A-1'), () => groupId)).status);
    expect(outcomes).toEqual(['executed', 'executed', 'executed']);
  });

  it('reads a 1,000-record batch in 10 BatchGetItems and writes twice per record', async () => {
    const records = Array.from({ length: 1_000 }, (_, index) => order(Math.floor(index / 6), `order-${index}`, index % 6));
    const store = table.store();
    const batch = await idempotencyOn(store).load(records);
    // Partitions in parallel, each in offset order, as the batch module processes them.
    await Promise.all(
      [0, 1, 2, 3, 4, 5].map(async (partition) => {
        for (const r of records.filter((candidate) => candidate.partition === partition)) await batch.execute(r, () => r.offset);
      }),
    );
    expect(store.requestCounts).toEqual({ BatchGetItem: 10, UpdateItem: 0, PutItem: 2_000, DeleteItem: 0 });

    const replayStore = table.store();
    const replay = await idempotencyOn(replayStore).load(records);
    for (const r of records) await replay.execute(r, () => 'never');
    expect(replay.summary()).toMatchObject({ executed: 0, duplicatesSkipped: 1_000 });
    expect(replayStore.requestCounts).toEqual({ BatchGetItem: 10, UpdateItem: 0, PutItem: 0, DeleteItem: 0 });
  });

  it('creates the table idempotently, with TTL on expiresAt', async () => {
    await ensureIdempotencyTable(table.client, table.tableName);
    const { TimeToLiveDescription } = await table.client.send(new DescribeTimeToLiveCommand({ TableName: table.tableName }));
    expect(TimeToLiveDescription).toMatchObject({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });
  });
});
