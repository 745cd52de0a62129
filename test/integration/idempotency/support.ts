import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
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
