import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { KEY_STATUS } from './constants.ts';
import type { KeyStatus } from './constants.ts';
import type { IdempotencyKeyItem } from './types.ts';

// Marshalling by hand (`@aws-sdk/lib-dynamodb` is not a dependency). Attribute names are
// the table layout documented in dynamodb-store.ts; numbers travel as decimal strings,
// which is how a bigint offset keeps all its digits.

export type DynamoItem = Record<string, AttributeValue>;

/** Attribute names, one spelling each. */
export const ATTRIBUTE = {
  pk: 'pk',
  watermark: 'watermark',
  groupId: 'groupId',
  topic: 'topic',
  partition: 'partition',
  updatedAt: 'updatedAt',
  status: 'status',
  expiresAt: 'expiresAt',
  lockExpiresAt: 'lockExpiresAt',
  lockToken: 'lockToken',
  result: 'result',
} as const;

export const stringValue = (value: string): AttributeValue => ({ S: value });
export const numberValue = (value: number | bigint): AttributeValue => ({ N: value.toString() });

/** The watermark of a watermark item, or `undefined` when the item has none. */
export function readWatermark(item: DynamoItem | undefined): bigint | undefined {
  const value = item?.[ATTRIBUTE.watermark]?.N;
  return value === undefined ? undefined : BigInt(value);
}

/** A key item from DynamoDB, or `undefined` when it does not look like one. */
export function readKeyItem(item: DynamoItem | undefined): IdempotencyKeyItem | undefined {
  const status = item?.[ATTRIBUTE.status]?.S;
  const expiresAt = item?.[ATTRIBUTE.expiresAt]?.N;
  if (item === undefined || !isKeyStatus(status) || expiresAt === undefined) return undefined;
  const lockExpiresAt = item[ATTRIBUTE.lockExpiresAt]?.N;
  return {
    status,
    expiresAtSeconds: Number(expiresAt),
    lockExpiresAtMs: lockExpiresAt === undefined ? undefined : Number(lockExpiresAt),
    lockToken: item[ATTRIBUTE.lockToken]?.S,
    resultJson: item[ATTRIBUTE.result]?.S,
  };
}

/** The DynamoDB form of a key item (attributes that are `undefined` are left out). */
export function writeKeyItem(pk: string, item: IdempotencyKeyItem): DynamoItem {
  const written: DynamoItem = {
    [ATTRIBUTE.pk]: stringValue(pk),
    [ATTRIBUTE.status]: stringValue(item.status),
    [ATTRIBUTE.expiresAt]: numberValue(item.expiresAtSeconds),
  };
  if (item.lockExpiresAtMs !== undefined) written[ATTRIBUTE.lockExpiresAt] = numberValue(item.lockExpiresAtMs);
  if (item.lockToken !== undefined) written[ATTRIBUTE.lockToken] = stringValue(item.lockToken);
  if (item.resultJson !== undefined) written[ATTRIBUTE.result] = stringValue(item.resultJson);
  return written;
}

function isKeyStatus(value: string | undefined): value is KeyStatus {
  return value === KEY_STATUS.inProgress || value === KEY_STATUS.completed;
}
