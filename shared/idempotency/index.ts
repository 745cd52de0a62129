// Public surface of the idempotency module: at-least-once delivery, exactly-once effect.
// Two modes: offset watermarks (O(partitions) requests per batch) and business keys
// (batched reads, two writes per executed record). Table layout: dynamodb-store.ts.
export { OffsetWatermark, WatermarkBatch } from './watermark.ts';
export type { OffsetWatermarkOptions, PartitionSplit, WatermarkAdvance, WatermarkSummary } from './watermark.ts';
export { BusinessKeyIdempotency, BusinessKeyBatch } from './business-key.ts';
export type { BusinessKeyIdempotencyOptions, BusinessKeyOutcome, BusinessKeySummary } from './business-key.ts';
export { decodeJsonValue, keyFromPath } from './key-extraction.ts';
export type { ValueDecoder } from './key-extraction.ts';
export { InMemoryIdempotencyStore } from './in-memory-store.ts';
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
} from './errors.ts';
export { KEY_STATUS, IDEMPOTENCY_ERROR_CODES, DEFAULT_EXPIRES_AFTER_SECONDS, DEFAULT_LOCK_TIMEOUT_MS } from './constants.ts';
export type { KeyStatus } from './constants.ts';
export type {
  AcquireResult,
  AdvanceResult,
  IdempotencyKeyItem,
  IdempotencyKeyStore,
  IdempotencyStore,
  KeyFunction,
  KeyLock,
  KeyScope,
  KeyedRecord,
  OffsetRecord,
  RequestCounting,
  StoreOperation,
  TopicPartition,
  WatermarkStore,
} from './types.ts';
