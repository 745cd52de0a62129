import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { KeyStatus } from './constants.ts';

/** One partition of a topic. */
export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** The fields the watermark mode needs from a record. Offsets are `bigint`. */
export interface OffsetRecord extends TopicPartition {
  readonly offset: bigint;
}

/**
 * The fields the business-key mode needs from a record: `value` is the record's value as
 * the pipeline holds it (parsed JSON, JSON text, UTF-8 bytes; `null`/absent for a
 * tombstone). Raw MSK values are base64: pass `decodeValue` for those.
 */
export interface KeyedRecord extends OffsetRecord {
  readonly value?: unknown;
}

/** Takes the business key from a record. Must return a non-empty string. */
export type KeyFunction<R> = (record: R) => string;

/**
 * Whose keys these are. Two consumer groups reading the same topic (email, analytics,
 * audit) each process every record, so the group is part of the key; `functionName`
 * separates two handlers inside one group.
 */
export interface KeyScope {
  readonly groupId: string;
  readonly functionName?: string | undefined;
}

/** A business-key item as the stores hold it. */
export interface IdempotencyKeyItem {
  readonly status: KeyStatus;
  /** Epoch seconds after which the item counts as absent (and DynamoDB TTL removes it). */
  readonly expiresAtSeconds: number;
  /** Epoch ms after which an `IN_PROGRESS` lock may be taken over. */
  readonly lockExpiresAtMs?: number | undefined;
  /** Identifies the holder of an `IN_PROGRESS` lock, so only it releases the key. */
  readonly lockToken?: string | undefined;
  /** The handler's result as JSON (`COMPLETED` only; absent when it returned nothing). */
  readonly resultJson?: string | undefined;
}

/** What `acquireKey` writes. */
export interface KeyLock {
  readonly lockToken: string;
  readonly lockExpiresAtMs: number;
  readonly expiresAtSeconds: number;
}

/** Outcome of `acquireKey`: either the caller now holds the key, or the item that won. */
export type AcquireResult =
  | { readonly acquired: true; readonly previous: IdempotencyKeyItem | undefined }
  | { readonly acquired: false; readonly current: IdempotencyKeyItem | undefined };

/** Outcome of a conditional watermark write. */
export type AdvanceResult =
  | { readonly advanced: true }
  | { readonly advanced: false; readonly storedWatermark: bigint | undefined };

/** The store requests made, by DynamoDB operation name. */
export type StoreOperation = 'BatchGetItem' | 'UpdateItem' | 'PutItem' | 'DeleteItem';

/** The request of transactional effects, counted apart (see `RequestCounts`). */
export type TransactionOperation = 'TransactWriteItems';

/**
 * Requests by operation. `TransactWriteItems` appears once a store has made one (stores that
 * never commit effects keep the four-operation shape).
 */
export type RequestCounts = Readonly<Record<StoreOperation, number>> & { readonly TransactWriteItems?: number };

/** Every store counts the requests it makes (one DynamoDB request each). */
export interface RequestCounting {
  /** Requests made since the store was created, retries of `UnprocessedKeys` and cancelled transactions included. */
  readonly requestCount: number;
  /** The same, split by operation. */
  readonly requestCounts: RequestCounts;
}

/** Why a transaction of effects was not committed because of an effect (nothing was applied). */
export interface EffectRejection {
  readonly committed: false;
  /** `effect`: DynamoDB cancelled the transaction because of `effects[effectIndex]` (its condition failed, a validation error). */
  readonly reason: 'effect';
  readonly effectIndex: number;
  /** The cancellation reason code, e.g. `ConditionalCheckFailed`, `ValidationError`. */
  readonly code: string;
  readonly message: string | undefined;
}

/** DynamoDB refused the whole request (a ValidationException: an item written twice, a malformed expression). */
export interface InvalidTransaction {
  readonly committed: false;
  readonly reason: 'invalid';
  readonly message: string;
}

/** Outcome of `completeKeyWithEffects`. Unless `committed`, nothing was applied. */
export type KeyEffectsResult =
  | { readonly committed: true }
  /** The item is no longer ours (our lock expired and another invocation took the key): `current` is what holds it. */
  | { readonly committed: false; readonly reason: 'lockLost'; readonly current: IdempotencyKeyItem | undefined }
  | EffectRejection
  | InvalidTransaction;

/** Outcome of `commitWatermarkEffects`. Unless `committed`, nothing was applied. */
export type WatermarkEffectsResult =
  | { readonly committed: true }
  /** The stored watermark had already reached the transaction's first record: another invocation ran it. */
  | { readonly committed: false; readonly reason: 'superseded'; readonly storedWatermark: bigint | undefined }
  | EffectRejection
  | InvalidTransaction;

/** One watermark transaction: effects plus the advance they complete. */
export interface WatermarkTransaction {
  /** Applied in the same transaction as the advance, at most 99. */
  readonly effects: readonly TransactWriteItem[];
  /** The watermark after the transaction. */
  readonly watermark: bigint;
  /**
   * Offset of the first record whose effects the transaction carries: it commits only while
   * the stored watermark is below it (`attribute_not_exists(pk) OR watermark < :from`), so no
   * record's effects are applied twice, even by two invocations running the same partition.
   */
  readonly from: bigint;
}

/** What completing a business key stores. */
export interface KeyCompletion {
  readonly resultJson: string | undefined;
  readonly expiresAtSeconds: number;
}

/** Persists, per consumer group and partition, the highest offset fully processed. */
export interface WatermarkStore extends RequestCounting {
  /**
   * Reads the watermarks of many partitions (one BatchGetItem per 100 partitions).
   * Keyed by `topicPartitionKey`; partitions never advanced are absent.
   */
  getWatermarks(groupId: string, partitions: readonly TopicPartition[]): Promise<ReadonlyMap<string, bigint>>;
  /** Moves the watermark to `offset` only if that is forward; one conditional write. */
  advanceWatermark(groupId: string, partition: TopicPartition, offset: bigint): Promise<AdvanceResult>;
  /**
   * Applies `transaction.effects` and moves the watermark in one TransactWriteItems (retried
   * while DynamoDB cancels it for a transient reason). Optional: a store without it cannot
   * take transactional effects.
   */
  commitWatermarkEffects?(groupId: string, partition: TopicPartition, transaction: WatermarkTransaction): Promise<WatermarkEffectsResult>;
}

/** Persists business keys with their status, lock and result. */
export interface IdempotencyKeyStore extends RequestCounting {
  /** Reads many keys (one BatchGetItem per 100 keys); absent keys are absent. */
  getKeys(scope: KeyScope, keys: readonly string[]): Promise<ReadonlyMap<string, IdempotencyKeyItem>>;
  /**
   * Claims the key with an `IN_PROGRESS` item if it is absent, its lock expired, or the
   * item expired (all judged at `nowMs`); one conditional write.
   */
  acquireKey(scope: KeyScope, key: string, lock: KeyLock, nowMs: number): Promise<AcquireResult>;
  /** Replaces the item with a `COMPLETED` one holding the result. */
  completeKey(scope: KeyScope, key: string, completion: KeyCompletion): Promise<void>;
  /**
   * Writes the `COMPLETED` item, on condition that `lockToken` still holds the key, and
   * applies `effects` in the same TransactWriteItems (retried while DynamoDB cancels it for a
   * transient reason). Optional: a store without it cannot take transactional effects.
   */
  completeKeyWithEffects?(scope: KeyScope, key: string, completion: KeyCompletion, lockToken: string, effects: readonly TransactWriteItem[]): Promise<KeyEffectsResult>;
  /** Deletes the item if `lockToken` still holds it, so a retry can run the handler. */
  releaseKey(scope: KeyScope, key: string, lockToken: string): Promise<void>;
}

/** One table, both modes. */
export type IdempotencyStore = WatermarkStore & IdempotencyKeyStore;
