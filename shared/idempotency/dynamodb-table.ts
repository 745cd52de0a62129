import {
  CreateTableCommand,
  DescribeTimeToLiveCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { storeError } from './dynamodb-errors.ts';
import { ATTRIBUTE } from './dynamodb-items.ts';

/** Options of {@link ensureIdempotencyTable}. */
export interface EnsureIdempotencyTableOptions {
  /** How long to wait for the table to become ACTIVE, in seconds. @default 60 */
  readonly maxWaitSeconds?: number;
  /** Enable TTL on `expiresAt`, so expired business keys get deleted. @default true */
  readonly timeToLive?: boolean;
}

/**
 * Creates the idempotency table if it does not exist (on-demand, `pk` String HASH), waits
 * until it is ACTIVE and enables TTL on `expiresAt`. For tests and the local sandbox; in
 * AWS the CDK stack owns the table. Its requests are not counted by any store.
 *
 * @example
 * await ensureIdempotencyTable(new DynamoDBClient({}), 'idempotency');
 */
export async function ensureIdempotencyTable(
  client: DynamoDBClient,
  tableName: string,
  options: EnsureIdempotencyTableOptions = {},
): Promise<void> {
  const subject = 'the idempotency table';
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: ATTRIBUTE.pk, AttributeType: 'S' }],
        KeySchema: [{ AttributeName: ATTRIBUTE.pk, KeyType: 'HASH' }],
      }),
    );
  } catch (error) {
    // Already there (or being created by someone else): wait for it like for our own.
    if (!(error instanceof ResourceInUseException)) throw storeError('CreateTable', tableName, subject, error);
  }
  try {
    // The waiter's default minDelay is 20 s; an emulator is ACTIVE at once, AWS in seconds.
    await waitUntilTableExists({ client, maxWaitTime: options.maxWaitSeconds ?? 60, minDelay: 1, maxDelay: 5 }, { TableName: tableName });
  } catch (error) {
    throw storeError('DescribeTable', tableName, subject, error);
  }
  if (options.timeToLive === false) return;
  try {
    const { TimeToLiveDescription: ttl } = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    // UpdateTimeToLive fails with a ValidationException when TTL is already enabled.
    if (ttl?.TimeToLiveStatus === 'ENABLED' || ttl?.TimeToLiveStatus === 'ENABLING') return;
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: ATTRIBUTE.expiresAt, Enabled: true },
      }),
    );
  } catch (error) {
    throw storeError('UpdateTimeToLive', tableName, subject, error);
  }
}
