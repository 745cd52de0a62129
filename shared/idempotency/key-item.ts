import { KEY_STATUS } from './constants.ts';
import type { IdempotencyKeyItem } from './types.ts';

// DynamoDB TTL deletes expired items lazily (typically within a few days), so reads and
// conditions must treat an item past `expiresAt` as absent themselves.
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/howitworks-ttl.html

/** Epoch seconds as DynamoDB TTL wants them. */
export function epochSeconds(nowMs: number): number {
  return Math.floor(nowMs / 1000);
}

/** True once the item's `expiresAt` (epoch seconds) lies in the past. */
export function isItemExpired(item: IdempotencyKeyItem, nowMs: number): boolean {
  return item.expiresAtSeconds < epochSeconds(nowMs);
}

/** True for an `IN_PROGRESS` item whose lock has run out (its holder crashed or timed out). */
export function isLockExpired(item: IdempotencyKeyItem, nowMs: number): boolean {
  return item.status === KEY_STATUS.inProgress && (item.lockExpiresAtMs ?? 0) < nowMs;
}

/**
 * The acquire condition, shared by both stores. In DynamoDB terms:
 * `attribute_not_exists(pk) OR (#status = IN_PROGRESS AND lockExpiresAt < :nowMs) OR expiresAt < :nowSeconds`.
 */
export function canAcquire(item: IdempotencyKeyItem | undefined, nowMs: number): boolean {
  return item === undefined || isLockExpired(item, nowMs) || isItemExpired(item, nowMs);
}

/** A stored result that may be replayed: `COMPLETED` and not expired. */
export function isReplayable(item: IdempotencyKeyItem, nowMs: number): boolean {
  return item.status === KEY_STATUS.completed && !isItemExpired(item, nowMs);
}
