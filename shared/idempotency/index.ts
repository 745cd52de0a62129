// Public surface of the idempotency module: at-least-once delivery, exactly-once effect.
// Two modes: offset watermarks (O(partitions) requests per batch) and business keys
// (batched reads, two writes per executed record). Table layout: dynamodb-store.ts.
// Transactional effects (exactly once for DynamoDB sinks): a handler returns its writes as
// `TransactWriteItem`s, committed atomically with the idempotency write
// (`BusinessKeyBatch.executeWithEffects`, `WatermarkBatch.addEffects`).
export { OffsetWatermark, WatermarkBatch } from './watermark.ts';
export type { OffsetWatermarkOptions, PartitionSplit, WatermarkAdvance, WatermarkSummary } from './watermark.ts';
export { BusinessKeyIdempotency, BusinessKeyBatch } from './business-key.ts';
export type { BusinessKeyIdempotencyOptions, BusinessKeyOutcome, BusinessKeySummary } from './business-key.ts';
export { checkEffects, isTransactionalEffects } from './effects.ts';
export type { TransactionalEffects, TransactWriteItem } from './effects.ts';
export { decodeJsonValue, keyFromPath } from './key-extraction.ts';
export type { ValueDecoder } from './key-extraction.ts';
export { InMemoryIdempotencyStore } from './in-memory-store.ts';
export type { InMemoryIdempotencyStoreOptions } from './in-memory-store.ts';
export type { InMemoryTable } from './in-memory-tables.ts';
export { DynamoDbIdempotencyStore } from './dynamodb-store.ts';
export type { DynamoDbIdempotencyStoreOptions } from './dynamodb-store.ts';
export { ensureIdempotencyTable } from './dynamodb-table.ts';
export type { EnsureIdempotencyTableOptions } from './dynamodb-table.ts';
export { topicPartitionKey } from './partition-keys.ts';
export {
  IdempotencyError,
  IdempotencyConfigError,
  IdempotencyUsageError,
  IdempotencyKeyError,
  IdempotencyInProgressError,
  IdempotencyResultNotSerializableError,
  IdempotencyStoreError,
  IdempotencyEffectsError,
  IdempotencyLockLostError,
  IdempotencyEffectsNotCommittedError,
} from './errors.ts';
export type { EffectsNotCommittedReason } from './errors.ts';
export {
  KEY_STATUS,
  IDEMPOTENCY_ERROR_CODES,
  DEFAULT_EXPIRES_AFTER_SECONDS,
  DEFAULT_LOCK_TIMEOUT_MS,
  MAX_EFFECTS_PER_RECORD,
  TRANSACTION_MAX_ITEMS,
} from './constants.ts';
export type { KeyStatus } from './constants.ts';
export type {
  AcquireResult,
  AdvanceResult,
  EffectRejection,
  IdempotencyKeyItem,
  IdempotencyKeyStore,
  IdempotencyStore,
  InvalidTransaction,
  KeyCompletion,
  KeyEffectsResult,
  KeyFunction,
  KeyLock,
  KeyScope,
  KeyedRecord,
  OffsetRecord,
  RequestCounting,
  RequestCounts,
  StoreOperation,
  TopicPartition,
  TransactionOperation,
  WatermarkEffectsResult,
  WatermarkStore,
  WatermarkTransaction,
} from './types.ts';
