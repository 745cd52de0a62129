import fc from 'fast-check';
import { checkEffects, IdempotencyEffectsError, InMemoryIdempotencyStore, isTransactionalEffects, MAX_EFFECTS_PER_RECORD } from '../../../shared/idempotency/index.ts';
import type { TransactWriteItem } from '../../../shared/idempotency/index.ts';
import { planTransactions } from '../../../shared/idempotency/transaction-plan.ts';
import { addCount, putItem } from './support.ts';

const orders0 = { topic: 'orders', partition: 0 };

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('checkEffects', () => {
  it('accepts up to 99 effects and names the record when there are more', () => {
    const effects = Array.from({ length: 100 }, (_, index) => putItem('audit', `a-${index}`));
    expect(checkEffects(effects.slice(0, MAX_EFFECTS_PER_RECORD), 'record orders-0@7')).toHaveLength(99);

    const tooMany = () => checkEffects(effects, 'record orders-0@7');
    expect(tooMany).toThrow(IdempotencyEffectsError);
    expect(tooMany).toThrow(/record orders-0@7 returned 100 effects; at most 99 fit one transaction/);
    expect(thrownBy(tooMany)).toMatchObject({ retriable: false, code: 'IDEMPOTENCY_EFFECTS_INVALID' });
  });

  it('rejects effects that are not TransactWriteItems, naming the item', () => {
    expect(() => checkEffects('put it', 'record orders-0@1')).toThrow(/record orders-0@1 returned effects that are not an array/);
    expect(() => checkEffects([{ Put: {} }], 'record orders-0@1')).toThrow(/effects\[0\] \.Put\.TableName must be a table name/);
    expect(() => checkEffects([{ Put: { TableName: 't', Item: {} }, Delete: { TableName: 't', Key: {} } }], 'r')).toThrow(/exactly one of ConditionCheck, Put, Delete, Update \(has Put, Delete\)/);
    expect(() => checkEffects([{ Upsert: {} }], 'r')).toThrow(/unknown field "Upsert"/);
    expect(() => checkEffects([addCount('c', 'x'), { Update: { TableName: 'c', Key: { pk: { S: 'y' } } } }], 'r')).toThrow(/effects\[1\] \.Update\.UpdateExpression/);
  });

  it('rejects two effects on one item unless both are ADD-only updates', () => {
    const setStatus: TransactWriteItem = {
      Update: { TableName: 'counters', Key: { pk: { S: 'x' } }, UpdateExpression: 'SET #s = :s', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': { S: 'ok' } } },
    };
    expect(checkEffects([addCount('counters', 'x'), addCount('counters', 'x', 2)], 'r')).toHaveLength(2);
    expect(() => checkEffects([addCount('counters', 'x'), setStatus], 'record orders-0@3')).toThrow(/record orders-0@3 returned two effects on one item \(effects\[1\], Update on table "counters" \{"pk":"x"\}\)/);
  });

  it('tells a handler return value with effects from any other', () => {
    expect(isTransactionalEffects({ effects: [] })).toBe(true);
    expect(isTransactionalEffects({ effects: undefined, result: 1 })).toBe(true);
    expect(isTransactionalEffects({ result: 1 })).toBe(false);
    expect(isTransactionalEffects([{ effects: [] }])).toBe(false);
    expect(isTransactionalEffects(null)).toBe(false);
  });
});

describe('planTransactions', () => {
  it('merges ADD-only updates of one item, so a shared counter costs one item per transaction', () => {
    const units = Array.from({ length: 150 }, (_, index) => ({ effects: [addCount('counters', 'orders'), putItem('audit', `a-${index}`)] }));
    const plan = planTransactions(units);

    // 98 audit puts + 1 merged counter per transaction: 150 records in 2 transactions.
    expect(plan.map((tx) => tx.units.length)).toEqual([98, 52]);
    const counter = plan[0]?.packer.items().find((item) => item.Update !== undefined);
    expect(counter?.Update?.UpdateExpression).toBe('ADD #e0 :e0');
    expect(counter?.Update?.ExpressionAttributeValues).toEqual({ ':e0': { N: '98' } });
  });

  it('merges ADDs of sets into their union, so a bucket item can record which offsets it counted', () => {
    const bucket = (offset: number): TransactWriteItem => ({
      Update: {
        TableName: 'buckets',
        Key: { pk: { S: 'orders-0#0' } },
        UpdateExpression: 'ADD #n :one, #offsets :offset',
        ExpressionAttributeNames: { '#n': 'n', '#offsets': 'offsets' },
        ExpressionAttributeValues: { ':one': { N: '1' }, ':offset': { NS: [String(offset)] } },
      },
    });
    const plan = planTransactions(Array.from({ length: 5 }, (_, offset) => ({ effects: [bucket(offset)] })));

    expect(plan).toHaveLength(1);
    expect(plan[0]?.packer.items()).toEqual([
      {
        Update: {
          TableName: 'buckets',
          Key: { pk: { S: 'orders-0#0' } },
          UpdateExpression: 'ADD #e0 :e0, #e1 :e1',
          ExpressionAttributeNames: { '#e0': 'n', '#e1': 'offsets' },
          ExpressionAttributeValues: { ':e0': { N: '5' }, ':e1': { NS: ['0', '1', '2', '3', '4'] } },
        },
      },
    ]);
  });

  it('does not merge ADDs of a number and a set into one attribute', () => {
    const addSet: TransactWriteItem = {
      Update: { TableName: 'c', Key: { pk: { S: 'x' } }, UpdateExpression: 'ADD #count :s', ExpressionAttributeNames: { '#count': 'count' }, ExpressionAttributeValues: { ':s': { SS: ['a'] } } },
    };
    expect(planTransactions([{ effects: [addCount('c', 'x')] }, { effects: [addSet] }]).map((tx) => tx.units.length)).toEqual([1, 1]);
    expect(() => checkEffects([addCount('c', 'x'), addSet], 'record orders-0@2')).toThrow(/two effects on one item/);
  });

  it('starts a new transaction when a record writes an item the open one already writes', () => {
    const units = [{ effects: [putItem('t', 'a'), addCount('c', 'x')] }, { effects: [{ Delete: { TableName: 'c', Key: { pk: { S: 'x' } } } }] }];
    expect(planTransactions(units).map((tx) => tx.units.length)).toEqual([1, 1]);
  });

  it('packs consecutive records greedily into at most 99 effects, keeping requests O(items / 99)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 99 }), { minLength: 1, maxLength: 60 }), (sizes) => {
        let next = 0;
        const units = sizes.map((size) => ({ effects: Array.from({ length: size }, () => putItem('audit', `p-${next++}`)) }));
        const plan = planTransactions(units);
        const total = sizes.reduce((sum, size) => sum + size, 0);
        expect(plan.flatMap((tx) => tx.units)).toEqual(units);
        expect(plan.every((tx) => tx.packer.size <= 99)).toBe(true);
        // Two neighbouring transactions never fit one: each pair holds more than 99 items.
        for (let index = 1; index < plan.length; index++) expect((plan[index - 1]?.packer.size ?? 0) + (plan[index]?.packer.size ?? 0)).toBeGreaterThan(99);
        expect(plan.length).toBeLessThanOrEqual(Math.ceil((2 * total) / 99) + 1);
      }),
    );
  });
});

describe('InMemoryIdempotencyStore effects', () => {
  const commit = (store: InMemoryIdempotencyStore, effects: TransactWriteItem[], from = 0n, watermark = from) =>
    store.commitWatermarkEffects('g', orders0, { effects, watermark, from });

  it('applies every effect of a transaction at once, or none of them', async () => {
    const store = new InMemoryIdempotencyStore();
    await expect(commit(store, [putItem('audit', 'a-1'), addCount('counters', 'x', 5)])).resolves.toEqual({ committed: true });

    const failed = await commit(store, [addCount('counters', 'x'), putItem('audit', 'a-1', true)], 1n);

    expect(failed).toMatchObject({ committed: false, reason: 'effect', effectIndex: 1, code: 'ConditionalCheckFailed' });
    expect(store.tables.get('counters')?.get({ pk: { S: 'x' } })?.count).toEqual({ N: '5' });
    expect(await store.getWatermarks('g', [orders0])).toEqual(new Map([['orders-0', 0n]]));
  });

  it('commits only while the watermark is below the first record of the transaction', async () => {
    const store = new InMemoryIdempotencyStore();
    await commit(store, [addCount('c', 'x')], 0n, 4n);
    await expect(commit(store, [addCount('c', 'x')], 3n, 6n)).resolves.toEqual({ committed: false, reason: 'superseded', storedWatermark: 4n });
    await expect(commit(store, [addCount('c', 'x')], 5n, 6n)).resolves.toEqual({ committed: true });
    expect(store.tables.get('c')?.get({ pk: { S: 'x' } })?.count).toEqual({ N: '2' });
  });

  it('refuses a transaction writing one item twice, like DynamoDB', async () => {
    const store = new InMemoryIdempotencyStore();
    await expect(commit(store, [putItem('audit', 'a'), putItem('audit', 'a')])).resolves.toMatchObject({
      committed: false,
      reason: 'invalid',
      message: 'Transaction request cannot include multiple operations on one item',
    });
    expect(store.tables.get('audit')?.size ?? 0).toBe(0);
  });

  it('evaluates SET, REMOVE, if_not_exists, nested paths and conditions', async () => {
    const store = new InMemoryIdempotencyStore({ tableKeys: { orders: ['id'] } });
    const key = { id: { S: 'o-1' } };
    await commit(store, [{ Put: { TableName: 'orders', Item: { ...key, total: { N: '10' }, meta: { M: { tags: { L: [{ S: 'a' }] } } }, note: { S: 'x' } } } }]);
    await commit(
      store,
      [
        {
          Update: {
            TableName: 'orders',
            Key: key,
            UpdateExpression: 'SET #t = #t + :d, #m.#tags = list_append(#m.#tags, :more), seen = if_not_exists(seen, :zero) REMOVE note ADD tags :set',
            ConditionExpression: '#t BETWEEN :low AND :high AND NOT attribute_exists(deleted) AND begins_with(id, :prefix)',
            ExpressionAttributeNames: { '#t': 'total', '#m': 'meta', '#tags': 'tags' },
            ExpressionAttributeValues: { ':d': { N: '2.5' }, ':more': { L: [{ S: 'b' }] }, ':zero': { N: '0' }, ':set': { SS: ['x'] }, ':low': { N: '1' }, ':high': { N: '10' }, ':prefix': { S: 'o-' } },
          },
        },
      ],
      1n,
    );
    expect(store.tables.get('orders')?.get(key)).toEqual({
      ...key,
      total: { N: '12.5' },
      meta: { M: { tags: { L: [{ S: 'a' }, { S: 'b' }] } } },
      seen: { N: '0' },
      tags: { SS: ['x'] },
    });
  });

  it('keeps counters exact beyond 2^53', async () => {
    const store = new InMemoryIdempotencyStore();
    await commit(store, [addCount('c', 'x', 2n ** 62n)]);
    await commit(store, [addCount('c', 'x', 2n ** 62n)], 1n);
    expect(store.tables.get('c')?.get({ pk: { S: 'x' } })?.count).toEqual({ N: (2n ** 63n).toString() });
    expect(store.requestCounts).toEqual({ BatchGetItem: 0, UpdateItem: 0, PutItem: 0, DeleteItem: 0, TransactWriteItems: 2 });
  });
});
