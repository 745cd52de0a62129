import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { BATCH_GET_MAX_KEYS, KEY_STATUS } from './constants.ts';
import { InMemoryTables } from './in-memory-tables.ts';
import type { InMemoryTable } from './in-memory-tables.ts';
import { canAcquire } from './key-item.ts';
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

/** Options of {@link InMemoryIdempotencyStore}. */
export interface InMemoryIdempotencyStoreOptions {
  /**
   * Key attribute names of the tables effects write. Needed only for a table whose first
   * write is a `Put` with a key other than `pk` [+ `sk`]; a `Key` in an Update, Delete or
   * ConditionCheck tells the schema by itself. @default {}
   */
  readonly tableKeys?: Readonly<Record<string, readonly string[]>>;
}

/**
 * An `IdempotencyStore` in a `Map`, for unit tests and single-process tools. It applies
 * the same conditions as the DynamoDB store and counts requests the same way (one per
 * 100 keys read, one per write, one per transaction), so request-count assertions carry over.
 * Transactional effects are applied atomically to in-memory tables (`tables`), with the
 * DynamoDB expression subset of in-memory-expressions.ts.
 *
 * @example
 * const store = new InMemoryIdempotencyStore();
 * const watermarks = new OffsetWatermark({ groupId: 'email', store });
 * // after effects were committed:
 * store.tables.get('counters')?.get({ pk: { S: 'orders' } });
 */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  readonly #watermarks = new Map<string, bigint>();
  readonly #keys = new Map<string, IdempotencyKeyItem>();
  readonly #counter = new RequestCounter();
  readonly #tables: InMemoryTables;

  constructor(options: InMemoryIdempotencyStoreOptions = {}) {
    this.#tables = new InMemoryTables(options.tableKeys);
  }

  /** The tables transactional effects wrote, by name (a table appears with its first write). */
  get tables(): ReadonlyMap<string, InMemoryTable> {
    return this.#tables.view;
  }

  get requestCount(): number {
    return this.#counter.requestCount;
  }

  get requestCounts(): RequestCounts {
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

  async commitWatermarkEffects(groupId: string, partition: TopicPartition, transaction: WatermarkTransaction): Promise<WatermarkEffectsResult> {
    this.#counter.count('TransactWriteItems');
    const pk = watermarkPk(groupId, partition);
    const stored = this.#watermarks.get(pk);
    const outcome = this.#tables.transact(
      transaction.effects,
      () => stored === undefined || stored < transaction.from,
      () => this.#watermarks.set(pk, transaction.watermark),
    );
    if (outcome.committed || outcome.reason !== 'marker') return outcome;
    return { committed: false, reason: 'superseded', storedWatermark: stored };
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

  async completeKey(scope: KeyScope, key: string, completion: KeyCompletion): Promise<void> {
    this.#counter.count('PutItem');
    this.#keys.set(businessKeyPk(scope, key), { status: KEY_STATUS.completed, ...completion });
  }

  async completeKeyWithEffects(
    scope: KeyScope,
    key: string,
    completion: KeyCompletion,
    lockToken: string,
    effects: readonly TransactWriteItem[],
  ): Promise<KeyEffectsResult> {
    this.#counter.count('TransactWriteItems');
    const pk = businessKeyPk(scope, key);
    const current = this.#keys.get(pk);
    const outcome = this.#tables.transact(
      effects,
      () => current?.lockToken === lockToken,
      () => this.#keys.set(pk, { status: KEY_STATUS.completed, ...completion }),
    );
    if (outcome.committed || outcome.reason !== 'marker') return outcome;
    return { committed: false, reason: 'lockLost', current };
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
