import { CreateTableCommand, DeleteTableCommand, DynamoDBClient, ScanCommand, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { DynamoDbIdempotencyStore, ensureIdempotencyTable } from '../../../shared/idempotency/index.ts';
import { freshName } from '../support/kafka.ts';

/**
 * A fresh idempotency table per test (random name), deleted afterwards. Clients use the
 * default resolution, so they reach the emulator through `AWS_ENDPOINT_URL` exactly as
 * the functions will.
 */
export function idempotencyTablePerTest(): { readonly tableName: string; readonly client: DynamoDBClient; store(): DynamoDbIdempotencyStore } {
  const state = { tableName: '', client: undefined as DynamoDBClient | undefined };

  beforeEach(async () => {
    if (!process.env.AWS_ENDPOINT_URL && !process.env.SCG_USE_REAL_AWS) {
      throw new Error('AWS_ENDPOINT_URL is not set: run through `npm run test:integration` (it starts moto)');
    }
    state.client = new DynamoDBClient({});
    state.tableName = freshName('idempotency');
    await ensureIdempotencyTable(state.client, state.tableName);
  });
  afterEach(async () => {
    await state.client?.send(new DeleteTableCommand({ TableName: state.tableName }));
    state.client?.destroy();
  });

  return {
    get tableName() {
      return state.tableName;
    },
    get client() {
      if (state.client === undefined) throw new Error('the table exists only inside a test');
      return state.client;
    },
    // A new store (and client) each call, like a separate Lambda invocation environment.
    store: () => new DynamoDbIdempotencyStore({ tableName: state.tableName }),
  };
}

export function record(offset: number | bigint, value?: unknown, partition = 0, topic = 'orders') {
  return { topic, partition, offset: BigInt(offset), value };
}

/**
 * Sink tables for transactional effects (`pk` String), fresh per test and deleted after it:
 * `names.counters` is the real name of the table the test calls `counters`.
 */
export function sinkTablesPerTest<K extends string>(...prefixes: K[]): { readonly names: Record<K, string>; items(table: string): Promise<Array<Record<string, AttributeValue>>>; counts(table: string): Promise<Map<string, number>> } {
  const state = { client: undefined as DynamoDBClient | undefined, names: {} as Record<K, string> };
  beforeEach(async () => {
    state.client = new DynamoDBClient({});
    for (const prefix of prefixes) {
      const name = freshName(prefix);
      await state.client.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        }),
      );
      await waitUntilTableExists({ client: state.client, maxWaitTime: 30, minDelay: 1, maxDelay: 2 }, { TableName: name });
      state.names[prefix] = name;
    }
  });
  afterEach(async () => {
    for (const name of Object.values<string>(state.names)) await state.client?.send(new DeleteTableCommand({ TableName: name })).catch(() => undefined);
    state.client?.destroy();
  });
  const items = async (table: string) => {
    const found: Array<Record<string, AttributeValue>> = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await (state.client as DynamoDBClient).send(new ScanCommand({ TableName: table, ConsistentRead: true, ...(start === undefined ? {} : { ExclusiveStartKey: start }) }));
      found.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return found;
  };
  return {
    get names() {
      return state.names;
    },
    items,
    async counts(table) {
      return new Map((await items(table)).map((item) => [item.pk?.S ?? '', Number(item.count?.N ?? 'NaN')]));
    },
  };
}

/** A client whose TransactWriteItems requests fail from the `nth` on, as if the process died there (`before` sending). */
export function clientDyingAtTransaction(nth: number): DynamoDBClient {
  const client = new DynamoDBClient({});
  let transactions = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'TransactWriteItemsCommand' && ++transactions >= nth) throw Object.assign(new Error('the process was killed'), { name: 'ProcessKilled' });
      return next(args);
    },
    { step: 'initialize', name: 'dieAtTransaction' },
  );
  return client;
}
