import { MAX_PARTITION_KEY_BYTES, PK_PREFIX } from './constants.ts';
import { IdempotencyKeyError } from './errors.ts';
import type { KeyScope, TopicPartition } from './types.ts';

// Each component is percent-encoded so a `#` inside a group id or business key cannot
// make two different (group, key) pairs collide. Topic names ([a-zA-Z0-9._-]) and typical
// group ids come through unchanged, so the table stays readable.
const encode = (component: string): string => encodeURIComponent(component);

/**
 * Identifies a partition the way the MSK event keys its `records`: `<topic>-<partition>`.
 * Unambiguous because the partition is always the digits after the last `-`.
 *
 * @example
 * topicPartitionKey({ topic: 'orders', partition: 3 }); // 'orders-3'
 */
export function topicPartitionKey(partition: TopicPartition): string {
  return `${partition.topic}-${partition.partition}`;
}

/** `wm#<group>#<topic>#<partition>` */
export function watermarkPk(groupId: string, partition: TopicPartition): string {
  return checkLength(`${PK_PREFIX.watermark}#${encode(groupId)}#${encode(partition.topic)}#${partition.partition}`, () =>
    `group "${groupId}" topic "${partition.topic}"`,
  );
}

/** `key#<group>#<key>`, or `key#<group>#<function>#<key>` when a function name is set. */
export function businessKeyPk(scope: KeyScope, key: string): string {
  const scopePart = scope.functionName === undefined ? encode(scope.groupId) : `${encode(scope.groupId)}#${encode(scope.functionName)}`;
  return checkLength(`${PK_PREFIX.key}#${scopePart}#${encode(key)}`, () => `key "${key.slice(0, 64)}…" of group "${scope.groupId}"`);
}

function checkLength(pk: string, describe: () => string): string {
  const bytes = Buffer.byteLength(pk, 'utf8');
  if (bytes > MAX_PARTITION_KEY_BYTES) {
    throw new IdempotencyKeyError(
      `idempotency partition key for ${describe()} is ${bytes} bytes encoded; at most ${MAX_PARTITION_KEY_BYTES} are allowed (use a shorter business key)`,
    );
  }
  return pk;
}
