import { setTimeout as sleep } from 'node:timers/promises';
import { BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue, DynamoDBClient, WriteRequest } from '@aws-sdk/client-dynamodb';
import { ConsumerConfigError, ConsumerError } from '../errors.ts';

/** DynamoDB item in the low-level attribute-value form. */
export type DynamoItem = Record<string, AttributeValue>;

/**
 * Key attribute names of the example tables (on-demand, no indexes):
 * - `ORDERS_TABLE`: `pk` (S) = order id;
 * - `EMAIL_OUTBOX_TABLE`: `pk` (S) = message id (one item per e-mail requested);
 * - `ANALYTICS_TABLE`: `pk` (S) = event type, counter `count` (N);
 * - `AUDIT_TABLE`: `pk` (S) = `<topic>-<partition>`, `sk` (N) = offset.
 */
export const EXAMPLE_KEYS = { PARTITION_KEY: 'pk', SORT_KEY: 'sk' } as const;

/** BatchWriteItem takes at most 25 put/delete requests. */
export const BATCH_WRITE_MAX_ITEMS = 25;

/** A write the example functions could not complete; retriable (Lambda retries the record). */
export class ExampleStoreError extends ConsumerError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { code: 'CONSUMER_EXAMPLE_STORE_FAILED', retriable: true, cause: options.cause });
  }
}

/**
 * The table named by `variable`, read at cold start.
 *
 * @throws ConsumerConfigError naming the variable when it is missing or not a table name.
 * @example
 * const ordersTable = tableFromEnv(process.env, 'ORDERS_TABLE');
 */
export function tableFromEnv(env: Readonly<Record<string, string | undefined>>, variable: string): string {
  const value = env[variable];
  if (value === undefined || value === '') throw new ConsumerConfigError(variable, 'is required: the DynamoDB table this function writes to');
  if (!/^[a-zA-Z0-9_.-]{3,255}$/.test(value)) throw new ConsumerConfigError(variable, `must be a DynamoDB table name ([a-zA-Z0-9_.-], 3..255), got "${value}"`);
  return value;
}

/**
 * Puts `items` with BatchWriteItem, 25 per request, retrying `UnprocessedItems` with
 * exponential back-off and full jitter, as AWS asks
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html).
 * A request may not name one key twice: give at most one item per key. Resolves with the
 * number of requests made.
 *
 * @throws ExampleStoreError (retriable) when items stay unprocessed after `maxAttempts`.
 * @example
 * await batchWriteAll(client, 'orders', items);
 */
export async function batchWriteAll(
  client: DynamoDBClient,
  tableName: string,
  items: readonly DynamoItem[],
  options: { readonly maxAttempts?: number; readonly baseDelayMs?: number } = {},
): Promise<number> {
  const maxAttempts = options.maxAttempts ?? 8;
  const baseDelayMs = options.baseDelayMs ?? 50;
  let requests = 0;
  for (let start = 0; start < items.length; start += BATCH_WRITE_MAX_ITEMS) {
    let pending: WriteRequest[] = items.slice(start, start + BATCH_WRITE_MAX_ITEMS).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > maxAttempts) {
        throw new ExampleStoreError(`${pending.length} items stayed unprocessed in table ${tableName} after ${maxAttempts} BatchWriteItem attempts`);
      }
      if (attempt > 1) await sleep(Math.random() * baseDelayMs * 2 ** (attempt - 2));
      requests += 1;
      const output = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }));
      pending = output.UnprocessedItems?.[tableName] ?? [];
    }
  }
  return requests;
}
