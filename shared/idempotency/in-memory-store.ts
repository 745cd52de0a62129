import { BATCH_GET_MAX_KEYS, KEY_STATUS } from './constants.ts';
import { canAcquire } from './key-item.ts';
import { businessKeyPk, topicPartitionKey, watermarkPk } from './partition-keys.ts';
import { RequestCounter } from './request-counter.ts';
import type {
  AcquireResult,
  AdvanceResult,
  IdempotencyKeyItem,
  IdempotencyStore,
  KeyLock,
  KeyScope,
  StoreOperation,
  TopicPartition,
} from './types.ts';

/**
 * An `IdempotencyStore` in a `Map`, for unit tests and single-process tools. It applies
 * the same conditions as the DynamoDB store and counts requests the same way (one per
 * 100 keys read, one per write), so request-count assertions carry over.
 *
 * @example
 * const store = new InMemoryIdempotencyStore();
 * const watermarks = new OffsetWatermark({ groupId: 'email', store });
 */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  readonly #watermarks = new Map<string, bigint>();
  readonly #keys = new Map<string, IdempotencyKeyItem>();
  readonly #counter = new RequestCounter();

  get requestCount(): number {
    return this.#counter.requestCount;
  }

  get requestCounts(): Readonly<Record<StoreOperation, number>> {
    return this.#counter.requestCounts;
  }

  async getWatermarks(groupId: string, partitions: readonly TopicPartition[]): Promise<ReadonlyMap<string, bigint>> {
    const unique = new Map(partitions.map((partition) => [topicPartitionKey(partition), partition]));
    this.#countBatchGets(unique.size);
    const found = new Map<string, bigint>();
    for (const [id, partition] of unique) {
      const watermark = this.#watermarks.get(watermarkPk(groupId, partition));
      if (watermark !== undefined) found.set(id, watermark);
    }
    return found;
  }

  async advanceWatermark(groupId: string, partition: TopicPartition, offset: bigint): Promise<AdvanceResult> {
    this.#counter.count('UpdateItem');
    const pk = watermarkPk(groupId, partition);
    const stored = this.#watermarks.get(pk);
    if (stored !== undefined && stored >= offset) return { advanced: false, storedWatermark: stored };
    this.#watermarks.set(pk, offset);
    return { advanced: true };
  }

  async getKeys(scope: KeyScope, keys: readonly string[]): Promise<ReadonlyMap<string, IdempotencyKeyItem>> {
    const unique = new Set(keys);
    this.#countBatchGets(unique.size);
    const found = new Map<string, IdempotencyKeyItem>();
    for (const key of unique) {
      const item = this.#keys.get(businessKeyPk(scope, key));
      if (item !== undefined) found.set(key, item);
    }
    return found;
  }

  async acquireKey(scope: KeyScope, key: string, lock: KeyLock, nowMs: number): Promise<AcquireResult> {
    this.#counter.count('PutItem');
    const pk = businessKeyPk(scope, key);
    const current = this.#keys.get(pk);
    if (!canAcquire(current, nowMs)) return { acquired: false, current };
    this.#keys.set(pk, { status: KEY_STATUS.inProgress, ...lock });
    return { acquired: true, previous: current };
  }

  async completeKey(
    scope: KeyScope,
    key: string,
    completion: { readonly resultJson: string | undefined; readonly expiresAtSeconds: number },
  ): Promise<void> {
    this.#counter.count('PutItem');
    this.#keys.set(businessKeyPk(scope, key), { status: KEY_STATUS.completed, ...completion });
  }

  async releaseKey(scope: KeyScope, key: string, lockToken: string): Promise<void> {
    this.#counter.count('DeleteItem');
    const pk = businessKeyPk(scope, key);
    if (this.#keys.get(pk)?.lockToken === lockToken) this.#keys.delete(pk);
  }

  #countBatchGets(keyCount: number): void {
    for (let chunk = 0; chunk < Math.ceil(keyCount / BATCH_GET_MAX_KEYS); chunk++) this.#counter.count('BatchGetItem');
  }
}
