/**
 * DynamoDB-backed idempotency store: one table serves both modes.
 *
 * Table layout (create it with `ensureIdempotencyTable`, or the CDK construct):
 * - key schema: `pk` (String, HASH); no sort key, no indexes; on-demand billing.
 * - TTL attribute: `expiresAt` (business-key items only; watermarks never expire).
 *
 * Watermark item, `pk = wm#<groupId>#<topic>#<partition>`:
 * | attribute   | type | meaning                                                |
 * |-------------|------|--------------------------------------------------------|
 * | `watermark` | N    | highest offset fully processed (int64, exact digits)   |
 * | `groupId`   | S    | for people reading the table                           |
 * | `topic`     | S    |                                                        |
 * | `partition` | N    |                                                        |
 * | `updatedAt` | N    | epoch ms of the last advance                           |
 *
 * Business-key item, `pk = key#<groupId>#<key>` or `key#<groupId>#<functionName>#<key>`:
 * | attribute       | type | meaning                                                    |
 * |-----------------|------|------------------------------------------------------------|
 * | `status`        | S    | `IN_PROGRESS` or `COMPLETED`                               |
 * | `expiresAt`     | N    | epoch **seconds**; the item counts as absent after it (TTL)|
 * | `lockExpiresAt` | N    | epoch **ms**; `IN_PROGRESS` only: when the lock frees      |
 * | `lockToken`     | S    | `IN_PROGRESS` only: the holder, so only it releases        |
 * | `result`        | S    | `COMPLETED` only: the handler's result as JSON, if any     |
 *
 * pk components are percent-encoded (`encodeURIComponent`), so `#` in a group id or key
 * cannot collide with the separators.
 *
 * Transactional effects (a handler returns `{ effects }`) are committed with TransactWriteItems:
 * the effects plus, last, the idempotency item: the COMPLETED put conditioned on the lock
 * token (business keys), or the watermark update conditioned on the watermark still being
 * below the transaction's first record (watermarks). See dynamodb-transactions.ts.
 */
import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { BatchGetItemCommandOutput, KeysAndAttributes, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { BATCH_GET_MAX_KEYS, KEY_STATUS } from './constants.ts';
import { storeError } from './dynamodb-errors.ts';
import { epochSeconds } from './key-item.ts';
import { ATTRIBUTE, numberValue, readKeyItem, readWatermark, stringValue, writeKeyItem } from './dynamodb-items.ts';
import type { DynamoItem } from './dynamodb-items.ts';
import { sendTransaction, watermarkUpdate } from './dynamodb-transactions.ts';
import type { TransactionSettings } from './dynamodb-transactions.ts';
import { IdempotencyStoreError } from './errors.ts';
import { dynamoDbStoreOptionsSchema, parseOptions } from './options.ts';
import { businessKeyPk, topicPartitionKey, watermarkPk } from './partition-keys.ts';
import { RequestCounter } from './request-counter.ts';
import type {
  AcquireResult,
  AdvanceResult,
  IdempotencyKeyItem,
  IdempotencyStore,
  KeyCompletion,
  KeyEffectsResult,
  KeyLock,
  KeyScope,
  RequestCounts,
  TopicPartition,
  WatermarkEffectsResult,
  WatermarkTransaction,
} from './types.ts';

/** Options of {@link DynamoDbIdempotencyStore}. */
export interface DynamoDbIdempotencyStoreOptions {
  /** The table (layout in this file's header). */
  readonly tableName: string;
  /**
   * The client. The default, `new DynamoDBClient({})`, resolves region, credentials and
   * endpoint the standard way, including `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_DYNAMODB`
   * (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html).
   * @default new DynamoDBClient({})
   */
  readonly client?: DynamoDBClient;
  /** Attempts of one BatchGetItem chunk while `UnprocessedKeys` remain. @default 8 */
  readonly batchGetMaxAttempts?: number;
  /** First back-off between those attempts, doubled each time, full jitter. @default 50 */
  readonly batchGetRetryBaseDelayMs?: number;
  /** Attempts of one TransactWriteItems (transactional effects) while cancelled for transient reasons (`TransactionConflict`, throttling). @default 8 */
  readonly transactionMaxAttempts?: number;
  /** First back-off between those attempts, doubled each time, full jitter. @default 50 */
  readonly transactionRetryBaseDelayMs?: number;
}

/**
 * `IdempotencyStore` on DynamoDB with the low-level client. Counts every request it makes
 * (`requestCount`, `requestCounts`).
 *
 * @example
 * const store = new DynamoDbIdempotencyStore({ tableName: process.env.IDEMPOTENCY_TABLE ?? 'idempotency' });
 * const watermarks = new OffsetWatermark({ groupId: 'email', store });
 */
export class DynamoDbIdempotencyStore implements IdempotencyStore {
  readonly #tableName: string;
  readonly #client: DynamoDBClient;
  readonly #maxAttempts: number;
  readonly #baseDelayMs: number;
  readonly #counter = new RequestCounter();
  readonly #transactions: TransactionSettings;

  constructor(options: DynamoDbIdempotencyStoreOptions) {
    const parsed = parseOptions(dynamoDbStoreOptionsSchema, options, 'DynamoDB idempotency store');
    this.#tableName = options.tableName;
    this.#client = options.client ?? new DynamoDBClient({});
    this.#maxAttempts = parsed.batchGetMaxAttempts;
    this.#baseDelayMs = parsed.batchGetRetryBaseDelayMs;
    this.#transactions = {
      client: this.#client,
      tableName: this.#tableName,
      counter: this.#counter,
      maxAttempts: parsed.transactionMaxAttempts,
      baseDelayMs: parsed.transactionRetryBaseDelayMs,
    };
  }

  get requestCount(): number {
    return this.#counter.requestCount;
  }

  get requestCounts(): RequestCounts {
    return this.#counter.requestCounts;
  }

  async getWatermarks(groupId: string, partitions: readonly TopicPartition[]): Promise<ReadonlyMap<string, bigint>> {
    const byPk = new Map(partitions.map((partition) => [watermarkPk(groupId, partition), topicPartitionKey(partition)]));
    const subject = `group "${groupId}" partitions ${summarize([...byPk.values()])}`;
    // Strongly consistent: a stale watermark would re-run records that already succeeded.
    const items = await this.#batchGet([...byPk.keys()], true, subject);
    const found = new Map<string, bigint>();
    for (const item of items) {
      const id = byPk.get(item[ATTRIBUTE.pk]?.S ?? '');
      const watermark = readWatermark(item);
      if (id !== undefined && watermark !== undefined) found.set(id, watermark);
    }
    return found;
  }

  async advanceWatermark(groupId: string, partition: TopicPartition, offset: bigint): Promise<AdvanceResult> {
    const subject = `group "${groupId}" partition ${topicPartitionKey(partition)} offset ${offset}`;
    const command = new UpdateItemCommand(watermarkUpdate(this.#tableName, groupId, partition, offset));
    try {
      await this.#request('UpdateItem', subject, () => this.#client.send(command));
      return { advanced: true };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return { advanced: false, storedWatermark: readWatermark(error.Item) };
    }
  }

  async commitWatermarkEffects(groupId: string, partition: TopicPartition, transaction: WatermarkTransaction): Promise<WatermarkEffectsResult> {
    const subject = `group "${groupId}" partition ${topicPartitionKey(partition)} watermark ${transaction.watermark}`;
    const marker = { Update: watermarkUpdate(this.#tableName, groupId, partition, transaction.watermark, transaction.from) };
    const outcome = await sendTransaction(this.#transactions, transaction.effects, marker, subject);
    if (outcome.committed || outcome.reason !== 'marker') return outcome;
    return { committed: false, reason: 'superseded', storedWatermark: readWatermark(outcome.item) };
  }

  async getKeys(scope: KeyScope, keys: readonly string[]): Promise<ReadonlyMap<string, IdempotencyKeyItem>> {
    const byPk = new Map(keys.map((key) => [businessKeyPk(scope, key), key]));
    const subject = `group "${scope.groupId}" keys ${summarize([...byPk.values()])}`;
    // Eventually consistent is enough here: the conditional PutItem decides, and a stale
    // read can only make us attempt a write that then returns the current item.
    const items = await this.#batchGet([...byPk.keys()], false, subject);
    const found = new Map<string, IdempotencyKeyItem>();
    for (const raw of items) {
      const key = byPk.get(raw[ATTRIBUTE.pk]?.S ?? '');
      const item = readKeyItem(raw);
      if (key !== undefined && item !== undefined) found.set(key, item);
    }
    return found;
  }

  async acquireKey(scope: KeyScope, key: string, lock: KeyLock, nowMs: number): Promise<AcquireResult> {
    const command = new PutItemCommand({
      TableName: this.#tableName,
      Item: writeKeyItem(businessKeyPk(scope, key), { status: KEY_STATUS.inProgress, ...lock }),
      // Same rule as `canAcquire` in key-item.ts. TTL deletion lags, hence `expiresAt < :now`.
      ConditionExpression:
        'attribute_not_exists(#pk) OR (#status = :inProgress AND #lockExpiresAt < :nowMs) OR #expiresAt < :nowSeconds',
      ExpressionAttributeNames: {
        '#pk': ATTRIBUTE.pk,
        '#status': ATTRIBUTE.status,
        '#lockExpiresAt': ATTRIBUTE.lockExpiresAt,
        '#expiresAt': ATTRIBUTE.expiresAt,
      },
      ExpressionAttributeValues: {
        ':inProgress': stringValue(KEY_STATUS.inProgress),
        ':nowMs': numberValue(nowMs),
        ':nowSeconds': numberValue(epochSeconds(nowMs)),
      },
      ReturnValues: 'ALL_OLD',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    try {
      const output = await this.#request('PutItem', describeKey(scope, key), () => this.#client.send(command));
      return { acquired: true, previous: readKeyItem(output.Attributes) };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return { acquired: false, current: readKeyItem(error.Item) };
    }
  }

  async completeKey(scope: KeyScope, key: string, completion: KeyCompletion): Promise<void> {
    // Unconditional: whoever completes last wins, and every completion is a real result.
    const command = new PutItemCommand({
      TableName: this.#tableName,
      Item: writeKeyItem(businessKeyPk(scope, key), { status: KEY_STATUS.completed, ...completion }),
    });
    await this.#request('PutItem', describeKey(scope, key), () => this.#client.send(command));
  }

  async completeKeyWithEffects(
    scope: KeyScope,
    key: string,
    completion: KeyCompletion,
    lockToken: string,
    effects: readonly TransactWriteItem[],
  ): Promise<KeyEffectsResult> {
    const marker: TransactWriteItem = {
      Put: {
        TableName: this.#tableName,
        Item: writeKeyItem(businessKeyPk(scope, key), { status: KEY_STATUS.completed, ...completion }),
        // Only while we hold the lock: if it expired and another invocation took the key,
        // that one runs the handler and commits the effects, not us.
        ConditionExpression: '#lockToken = :lockToken',
        ExpressionAttributeNames: { '#lockToken': ATTRIBUTE.lockToken },
        ExpressionAttributeValues: { ':lockToken': stringValue(lockToken) },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    };
    const outcome = await sendTransaction(this.#transactions, effects, marker, describeKey(scope, key));
    if (outcome.committed || outcome.reason !== 'marker') return outcome;
    return { committed: false, reason: 'lockLost', current: readKeyItem(outcome.item) };
  }

  async releaseKey(scope: KeyScope, key: string, lockToken: string): Promise<void> {
    const command = new DeleteItemCommand({
      TableName: this.#tableName,
      Key: { [ATTRIBUTE.pk]: stringValue(businessKeyPk(scope, key)) },
      // Only our own lock: after a takeover the key belongs to someone else.
      ConditionExpression: '#lockToken = :lockToken',
      ExpressionAttributeNames: { '#lockToken': ATTRIBUTE.lockToken },
      ExpressionAttributeValues: { ':lockToken': stringValue(lockToken) },
    });
    try {
      await this.#request('DeleteItem', describeKey(scope, key), () => this.#client.send(command));
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** BatchGetItem in chunks of 100 (in parallel), each retried while keys stay unprocessed. */
  async #batchGet(pks: readonly string[], consistentRead: boolean, subject: string): Promise<DynamoItem[]> {
    const chunks: string[][] = [];
    for (let start = 0; start < pks.length; start += BATCH_GET_MAX_KEYS) chunks.push(pks.slice(start, start + BATCH_GET_MAX_KEYS));
    const results = await Promise.all(chunks.map((chunk) => this.#batchGetChunk(chunk, consistentRead, subject)));
    return results.flat();
  }

  async #batchGetChunk(pks: readonly string[], consistentRead: boolean, subject: string): Promise<DynamoItem[]> {
    const items: DynamoItem[] = [];
    let pending: KeysAndAttributes | undefined = {
      Keys: pks.map((pk) => ({ [ATTRIBUTE.pk]: stringValue(pk) })),
      ConsistentRead: consistentRead,
    };
    for (let attempt = 1; pending?.Keys !== undefined && pending.Keys.length > 0; attempt++) {
      if (attempt > this.#maxAttempts) {
        throw new IdempotencyStoreError(
          `BatchGetItem on table "${this.#tableName}" for ${subject} left ${pending.Keys.length} keys unprocessed after ${this.#maxAttempts} attempts`,
          { operation: 'BatchGetItem', retriable: true },
        );
      }
      if (attempt > 1) await sleep(Math.random() * this.#baseDelayMs * 2 ** (attempt - 2));
      const command: BatchGetItemCommand = new BatchGetItemCommand({ RequestItems: { [this.#tableName]: pending } });
      const output: BatchGetItemCommandOutput = await this.#request('BatchGetItem', subject, () => this.#client.send(command));
      items.push(...(output.Responses?.[this.#tableName] ?? []));
      // Throttling or the 16 MB response limit leave keys unprocessed; retry them with
      // back-off. https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html
      pending = output.UnprocessedKeys?.[this.#tableName];
    }
    return items;
  }

  async #request<O>(operation: 'BatchGetItem' | 'UpdateItem' | 'PutItem' | 'DeleteItem', subject: string, send: () => Promise<O>): Promise<O> {
    this.#counter.count(operation);
    try {
      return await send();
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw error;
      throw storeError(operation, this.#tableName, subject, error);
    }
  }
}

function describeKey(scope: KeyScope, key: string): string {
  const fn = scope.functionName === undefined ? '' : ` function "${scope.functionName}"`;
  return `key "${key}" of group "${scope.groupId}"${fn}`;
}

function summarize(names: readonly string[]): string {
  const shown = names.slice(0, 5).join(', ');
  return names.length > 5 ? `${shown} (+${names.length - 5} more)` : shown;
}
