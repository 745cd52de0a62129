import { ConditionalCheckFailedException, DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { BatchGetItemCommandInput, TransactWriteItemsCommandInput, UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';
import { DynamoDbIdempotencyStore, IdempotencyConfigError, IdempotencyStoreError } from '../../../shared/idempotency/index.ts';

// No service here: a middleware at the `initialize` step answers every command, so the
// store's own logic (chunking, UnprocessedKeys retries, error mapping) is what runs.
type Responder = (commandName: string, input: Record<string, unknown>) => Record<string, unknown>;

function stubbedClient(respond: Responder): { client: DynamoDBClient; inputs: Array<{ commandName: string; input: Record<string, unknown> }> } {
  const client = new DynamoDBClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  const inputs: Array<{ commandName: string; input: Record<string, unknown> }> = [];
  client.middlewareStack.add(
    (_next, context) => async (args) => {
      const commandName = context.commandName ?? '';
      const input = args.input as Record<string, unknown>;
      inputs.push({ commandName, input });
      return { output: { $metadata: {}, ...respond(commandName, input) }, response: {} } as never;
    },
    { step: 'initialize', name: 'respondWithoutService' },
  );
  return { client, inputs };
}

function commandNameOf(respond: (input: Record<string, unknown>) => Record<string, unknown>): Responder {
  return (_name, input) => respond(input);
}

const partitions = (count: number) => Array.from({ length: count }, (_, partition) => ({ topic: 'orders', partition }));
const keysOf = (input: Record<string, unknown>) => (input as unknown as BatchGetItemCommandInput).RequestItems?.table?.Keys ?? [];

describe('DynamoDbIdempotencyStore', () => {
  it('splits reads into BatchGetItem requests of at most 100 keys', async () => {
    const { client, inputs } = stubbedClient(commandNameOf(() => ({ Responses: { table: [] } })));
    const store = new DynamoDbIdempotencyStore({ tableName: 'table', client });

    await store.getWatermarks('email', partitions(250));

    expect(inputs.map(({ input }) => keysOf(input).length)).toEqual([100, 100, 50]);
    expect(store.requestCounts.BatchGetItem).toBe(3);
  });

  it('retries UnprocessedKeys until every key is read, counting each request', async () => {
    let call = 0;
    const { client, inputs } = stubbedClient(
      commandNameOf((input) => {
        const keys = keysOf(input);
        call += 1;
        // First answer: only the first key; the rest come back unprocessed.
        const answered = call === 1 ? keys.slice(0, 1) : keys;
        const rest = call === 1 ? keys.slice(1) : [];
        return {
          Responses: { table: answered.map((key) => ({ ...key, watermark: { N: '12' } })) },
          UnprocessedKeys: rest.length === 0 ? {} : { table: { Keys: rest, ConsistentRead: true } },
        };
      }),
    );
    const store = new DynamoDbIdempotencyStore({ tableName: 'table', client, batchGetRetryBaseDelayMs: 1 });

    const watermarks = await store.getWatermarks('email', partitions(3));

    expect([...watermarks.keys()].sort()).toEqual(['orders-0', 'orders-1', 'orders-2']);
    expect(inputs.map(({ input }) => keysOf(input).length)).toEqual([3, 2]);
    expect(store.requestCount).toBe(2);
  });

  it('gives up with a retriable store error when keys stay unprocessed', async () => {
    const { client } = stubbedClient(commandNameOf((input) => ({ Responses: {}, UnprocessedKeys: { table: { Keys: keysOf(input) } } })));
    const store = new DynamoDbIdempotencyStore({ tableName: 'table', client, batchGetMaxAttempts: 3, batchGetRetryBaseDelayMs: 0 });

    const read = store.getKeys({ groupId: 'email' }, ['A-1', 'A-2']);
    await expect(read).rejects.toThrow(IdempotencyStoreError);
    await expect(read).rejects.toMatchObject({ retriable: true, operation: 'BatchGetItem' });
    await expect(read).rejects.toThrow(/table "table" for group "email" keys A-1, A-2 left 2 keys unprocessed after 3 attempts/);
    expect(store.requestCount).toBe(3);
  });

  it('writes offsets as exact decimal numbers with a forward-only condition', async () => {
    const { client, inputs } = stubbedClient(commandNameOf(() => ({})));
    const store = new DynamoDbIdempotencyStore({ tableName: 'table', client });

    await expect(store.advanceWatermark('email', { topic: 'orders', partition: 3 }, 2n ** 63n - 1n)).resolves.toEqual({ advanced: true });

    const update = inputs[0]?.input as unknown as UpdateItemCommandInput;
    expect(update.Key).toEqual({ pk: { S: 'wm#email#orders#3' } });
    expect(update.ExpressionAttributeValues?.[':new']).toEqual({ N: '9223372036854775807' });
    expect(update.ConditionExpression).toBe('attribute_not_exists(#pk) OR #watermark < :new');
  });

  it('reports a failed forward-only condition as superseded with the stored watermark', async () => {
    const { client } = stubbedClient(() => {
      throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {}, Item: { watermark: { N: '99' } } });
    });
    const store = new DynamoDbIdempotencyStore({ tableName: 'table', client });
    await expect(store.advanceWatermark('email', { topic: 'orders', partition: 0 }, 50n)).resolves.toEqual({ advanced: false, storedWatermark: 99n });
  });

  it('marks throttling retriable and a missing table not retriable, naming the partition', async () => {
    const failWith = (name: string) =>
      stubbedClient(() => {
        throw Object.assign(new Error(`${name} happened`), { name });
      }).client;
    const throttled = new DynamoDbIdempotencyStore({ tableName: 'table', client: failWith('ProvisionedThroughputExceededException') });
    const missing = new DynamoDbIdempotencyStore({ tableName: 'table', client: failWith('ResourceNotFoundException') });
    const partition = { topic: 'orders', partition: 2 };

    await expect(throttled.advanceWatermark('email', partition, 5n)).rejects.toMatchObject({ retriable: true, code: 'IDEMPOTENCY_STORE_FAILED' });
    await expect(throttled.advanceWatermark('email', partition, 5n)).rejects.toThrow(/group "email" partition orders-2 offset 5/);
    await expect(missing.advanceWatermark('email', partition, 5n)).rejects.toMatchObject({ retriable: false });
  });

  it('percent-encodes pk components so a # in a group id or key cannot collide', async () => {
    const { client, inputs } = stubbedClient(commandNameOf(() => ({})));
    const store = new DynamoDbIdempotencyStore({ tableName: 'table', client });
    await store.completeKey({ groupId: 'a#b', functionName: 'send' }, 'c#d', { resultJson: '1', expiresAtSeconds: 10 });
    expect(inputs[0]?.input).toMatchObject({ Item: { pk: { S: 'key#a%23b#send#c%23d' }, status: { S: 'COMPLETED' }, result: { S: '1' } } });
  });

  it('rejects invalid options naming the field', () => {
    expect(() => new DynamoDbIdempotencyStore({ tableName: 'x' })).toThrow(IdempotencyConfigError);
    expect(() => new DynamoDbIdempotencyStore({ tableName: 'x' })).toThrow(/tableName/);
    expect(() => new DynamoDbIdempotencyStore({ tableName: 'table', batchGetMaxAttempts: 0 })).toThrow(/batchGetMaxAttempts/);
  });
});

describe('DynamoDbIdempotencyStore transactions', () => {
  const cancelled = (codes: Array<string | { Code: string; Item?: Record<string, unknown> }>) =>
    new TransactionCanceledException({
      message: 'Transaction cancelled',
      $metadata: {},
      CancellationReasons: codes.map((code) => (typeof code === 'string' ? { Code: code } : code)) as never,
    });
  const effect = { Update: { TableName: 'sink', Key: { pk: { S: 'c' } }, UpdateExpression: 'ADD #n :one', ExpressionAttributeNames: { '#n': 'n' }, ExpressionAttributeValues: { ':one': { N: '1' } } } };
  const transaction = { effects: [effect, effect], watermark: 9n, from: 7n };

  it('sends the effects first and the watermark update last, conditioned on the watermark being below the first record', async () => {
    const { client, inputs } = stubbedClient(() => ({}));
    const store = new DynamoDbIdempotencyStore({ tableName: 'table', client });

    await expect(store.commitWatermarkEffects('email', { topic: 'orders', partition: 3 }, transaction)).resolves.toEqual({ committed: true });

    const items = (inputs[0]?.input as unknown as TransactWriteItemsCommandInput).TransactItems ?? [];
    expect(items.slice(0, 2)).toEqual([effect, effect]);
    expect(items[2]?.Update).toMatchObject({
      TableName: 'table',
      Key: { pk: { S: 'wm#email#orders#3' } },
      ConditionExpression: 'attribute_not_exists(#pk) OR #watermark < :from',
      ExpressionAttributeValues: { ':new': { N: '9' }, ':from': { N: '7' } },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    expect(store.requestCounts).toEqual({ BatchGetItem: 0, UpdateItem: 0, PutItem: 0, DeleteItem: 0, TransactWriteItems: 1 });
  });

  it('puts the COMPLETED item on condition of the lock token', async () => {
    const { client, inputs } = stubbedClient(() => ({}));
    const store = new DynamoDbIdempotencyStore({ tableName: 'table', client });

    await store.completeKeyWithEffects({ groupId: 'email' }, 'A-1', { resultJson: 'null', expiresAtSeconds: 99 }, 'token-1', [effect]);

    const items = (inputs[0]?.input as unknown as TransactWriteItemsCommandInput).TransactItems ?? [];
    expect(items[1]?.Put).toMatchObject({
      Item: { pk: { S: 'key#email#A-1' }, status: { S: 'COMPLETED' }, result: { S: 'null' } },
      ConditionExpression: '#lockToken = :lockToken',
      ExpressionAttributeValues: { ':lockToken': { S: 'token-1' } },
    });
  });

  it('sends a transaction again while it is cancelled for transient reasons, counting each attempt', async () => {
    let attempts = 0;
    const { client } = stubbedClient(() => {
      attempts += 1;
      if (attempts < 3) throw cancelled(['None', 'TransactionConflict', 'None']);
      return {};
    });
    const store = new DynamoDbIdempotencyStore({ tableName: 'table', client, transactionRetryBaseDelayMs: 0 });

    await expect(store.commitWatermarkEffects('email', { topic: 'orders', partition: 0 }, transaction)).resolves.toEqual({ committed: true });
    expect(store.requestCounts.TransactWriteItems).toBe(3);
  });

  it('gives up on transient cancellations after transactionMaxAttempts with a retriable store error', async () => {
    const { client } = stubbedClient(() => {
      throw cancelled(['ThrottlingError', 'None', 'None']);
    });
    const store = new DynamoDbIdempotencyStore({ tableName: 'table', client, transactionMaxAttempts: 2, transactionRetryBaseDelayMs: 0 });

    const commit = store.commitWatermarkEffects('email', { topic: 'orders', partition: 0 }, transaction);
    await expect(commit).rejects.toMatchObject({ retriable: true, operation: 'TransactWriteItems' });
    await expect(commit).rejects.toThrow(/cancelled 2 times for transient reasons \(ThrottlingError, None, None\)/);
  });

  it('tells a failed idempotency condition from a rejected effect, reading the stored item', async () => {
    const responses = [
      cancelled(['None', 'None', { Code: 'ConditionalCheckFailed', Item: { pk: { S: 'wm' }, watermark: { N: '12' } } }]),
      cancelled(['None', { Code: 'ConditionalCheckFailed' }, 'None']),
      cancelled([{ Code: 'ConditionalCheckFailed', Item: { pk: { S: 'k' }, status: { S: 'IN_PROGRESS' }, expiresAt: { N: '5' }, lockToken: { S: 'other' } } }]),
    ];
    const { client } = stubbedClient(() => {
      throw responses.shift();
    });
    const store = new DynamoDbIdempotencyStore({ tableName: 'table', client });
    const partition = { topic: 'orders', partition: 0 };

    await expect(store.commitWatermarkEffects('email', partition, transaction)).resolves.toEqual({ committed: false, reason: 'superseded', storedWatermark: 12n });
    await expect(store.commitWatermarkEffects('email', partition, transaction)).resolves.toMatchObject({ committed: false, reason: 'effect', effectIndex: 1, code: 'ConditionalCheckFailed' });
    await expect(store.completeKeyWithEffects({ groupId: 'email' }, 'A-1', { resultJson: undefined, expiresAtSeconds: 9 }, 'mine', [])).resolves.toMatchObject({
      committed: false,
      reason: 'lockLost',
      current: { status: 'IN_PROGRESS', lockToken: 'other' },
    });
  });

  it('reports a refused request as invalid and an unknown cancellation as a retriable store failure', async () => {
    const responses: Error[] = [
      Object.assign(new Error('Transaction request cannot include multiple operations on one item'), { name: 'ValidationException' }),
      cancelled(['ResourceNotFoundException', 'None', 'None']),
    ];
    const { client } = stubbedClient(() => {
      throw responses.shift();
    });
    const store = new DynamoDbIdempotencyStore({ tableName: 'table', client });
    const partition = { topic: 'orders', partition: 0 };

    await expect(store.commitWatermarkEffects('email', partition, transaction)).resolves.toEqual({
      committed: false,
      reason: 'invalid',
      message: 'Transaction request cannot include multiple operations on one item',
    });
    await expect(store.commitWatermarkEffects('email', partition, transaction)).rejects.toMatchObject({ name: 'IdempotencyStoreError', retriable: true });
  });
});
