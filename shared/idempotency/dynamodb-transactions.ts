import { TransactionCanceledException, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import type { CancellationReason, DynamoDBClient, TransactWriteItem, Update } from '@aws-sdk/client-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { storeError } from './dynamodb-errors.ts';
import { ATTRIBUTE, numberValue, stringValue } from './dynamodb-items.ts';
import type { DynamoItem } from './dynamodb-items.ts';
import { IdempotencyStoreError } from './errors.ts';
import { watermarkPk } from './partition-keys.ts';
import type { RequestCounter } from './request-counter.ts';
import type { EffectRejection, InvalidTransaction, TopicPartition } from './types.ts';

// Cancellation reasons that say nothing about the request itself: another transaction held
// one of the items, or capacity ran out. The transaction applied nothing, so it is sent again.
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html#API_TransactWriteItems_Errors
const TRANSIENT = new Set(['None', 'TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded', 'RequestLimitExceeded']);

// Cancellation reasons that blame one effect: the same request fails the same way again.
// Any other code (moto reports a missing table as `ResourceNotFoundException` here, where
// DynamoDB fails the whole request) is a store failure: retriable, never poison.
const REJECTED = new Set(['ConditionalCheckFailed', 'ValidationError', 'ItemCollectionSizeLimitExceeded']);

/** How a store sends transactions. */
export interface TransactionSettings {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly counter: RequestCounter;
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
}

/** Outcome of one transaction whose last item is the idempotency item (the "marker"). */
export type TransactionOutcome =
  | { readonly committed: true }
  /** The marker's condition failed: `item` is the marker as stored (ALL_OLD), if any. */
  | { readonly committed: false; readonly reason: 'marker'; readonly item: DynamoItem | undefined }
  | EffectRejection
  | InvalidTransaction;

/**
 * Sends `[...effects, marker]` as one TransactWriteItems, again while DynamoDB cancels it for
 * a transient reason. The SDK fills `ClientRequestToken`, so its own retries of a request
 * whose answer was lost are idempotent for 10 minutes; on an emulator without tokens such a
 * retry fails the marker's condition instead, which callers treat as "not ours": safe either way.
 */
export async function sendTransaction(
  settings: TransactionSettings,
  effects: readonly TransactWriteItem[],
  marker: TransactWriteItem,
  subject: string,
): Promise<TransactionOutcome> {
  const items = [...effects, marker];
  const markerIndex = effects.length;
  for (let attempt = 1; ; attempt++) {
    settings.counter.count('TransactWriteItems');
    try {
      await settings.client.send(new TransactWriteItemsCommand({ TransactItems: items }));
      return { committed: true };
    } catch (error) {
      if (isNamed(error, 'ValidationException')) {
        return { committed: false, reason: 'invalid', message: error instanceof Error ? error.message : String(error) };
      }
      if (!(error instanceof TransactionCanceledException)) throw storeError('TransactWriteItems', settings.tableName, subject, error);
      const outcome = classify(error.CancellationReasons ?? [], markerIndex);
      if (outcome === 'unknown') throw storeError('TransactWriteItems', settings.tableName, `${subject} (cancelled: ${reasonCodes(error.CancellationReasons)})`, error);
      if (outcome !== undefined) return outcome;
      if (attempt >= settings.maxAttempts) {
        throw new IdempotencyStoreError(
          `TransactWriteItems on table "${settings.tableName}" for ${subject} was cancelled ${attempt} times for transient reasons (${reasonCodes(error.CancellationReasons)})`,
          { operation: 'TransactWriteItems', retriable: true, cause: error },
        );
      }
      await sleep(Math.random() * settings.baseDelayMs * 2 ** (attempt - 1));
    }
  }
}

/** A final outcome from the cancellation reasons, `undefined` when they are all transient, `unknown` for codes we do not know. */
function classify(reasons: readonly CancellationReason[], markerIndex: number): TransactionOutcome | 'unknown' | undefined {
  const markerReason = reasons[markerIndex];
  if (markerReason?.Code === 'ConditionalCheckFailed') return { committed: false, reason: 'marker', item: markerReason.Item };
  const index = reasons.findIndex((reason) => reason.Code !== undefined && !TRANSIENT.has(reason.Code));
  if (index === -1) return undefined;
  if (!REJECTED.has(reasons[index]?.Code ?? '')) return 'unknown';
  const reason = reasons[index] as CancellationReason;
  if (index >= markerIndex) {
    // The marker is ours and well-formed; anything else wrong with it is the request's fault.
    return { committed: false, reason: 'invalid', message: `the idempotency item was rejected: ${reason.Code}${reason.Message ? ` (${reason.Message})` : ''}` };
  }
  return { committed: false, reason: 'effect', effectIndex: index, code: reason.Code ?? 'Unknown', message: reason.Message };
}

function reasonCodes(reasons: readonly CancellationReason[] | undefined): string {
  return (reasons ?? []).map((reason) => reason.Code ?? 'None').join(', ') || 'none given';
}

function isNamed(error: unknown, name: string): error is Error {
  return error instanceof Error && error.name === name;
}

/**
 * The watermark update, alone (UpdateItem: forward only, `from` omitted) or inside a
 * transaction: moves the watermark to `watermark` only while the stored one is below `from`.
 * Numbers compare numerically, so offsets beyond 2^53 order correctly.
 */
export function watermarkUpdate(tableName: string, groupId: string, partition: TopicPartition, watermark: bigint, from?: bigint): Update {
  return {
    TableName: tableName,
    Key: { [ATTRIBUTE.pk]: stringValue(watermarkPk(groupId, partition)) },
    UpdateExpression: 'SET #watermark = :new, #groupId = :groupId, #topic = :topic, #partition = :partition, #updatedAt = :updatedAt',
    ConditionExpression: from === undefined ? 'attribute_not_exists(#pk) OR #watermark < :new' : 'attribute_not_exists(#pk) OR #watermark < :from',
    ExpressionAttributeNames: {
      '#pk': ATTRIBUTE.pk,
      '#watermark': ATTRIBUTE.watermark,
      '#groupId': ATTRIBUTE.groupId,
      '#topic': ATTRIBUTE.topic,
      '#partition': ATTRIBUTE.partition,
      '#updatedAt': ATTRIBUTE.updatedAt,
    },
    ExpressionAttributeValues: {
      ':new': numberValue(watermark),
      ...(from === undefined ? {} : { ':from': numberValue(from) }),
      ':groupId': stringValue(groupId),
      ':topic': stringValue(partition.topic),
      ':partition': numberValue(partition.partition),
      ':updatedAt': numberValue(Date.now()),
    },
    // Tells who moved further without another read.
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  };
}
