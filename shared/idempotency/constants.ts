/** Status of a business-key item. `as const` instead of an enum (erasable syntax only). */
export const KEY_STATUS = {
  inProgress: 'IN_PROGRESS',
  completed: 'COMPLETED',
} as const;

/** `IN_PROGRESS` while a handler holds the key, `COMPLETED` once its result is stored. */
export type KeyStatus = (typeof KEY_STATUS)[keyof typeof KEY_STATUS];

/** Stable error codes of this module (`error.code`). */
export const IDEMPOTENCY_ERROR_CODES = {
  config: 'IDEMPOTENCY_CONFIG_INVALID',
  usage: 'IDEMPOTENCY_USAGE',
  keyMissing: 'IDEMPOTENCY_KEY_MISSING',
  inProgress: 'IDEMPOTENCY_IN_PROGRESS',
  resultNotSerializable: 'IDEMPOTENCY_RESULT_NOT_SERIALIZABLE',
  store: 'IDEMPOTENCY_STORE_FAILED',
  effectsInvalid: 'IDEMPOTENCY_EFFECTS_INVALID',
  lockLost: 'IDEMPOTENCY_LOCK_LOST',
  effectsNotCommitted: 'IDEMPOTENCY_EFFECTS_NOT_COMMITTED',
} as const;

/**
 * How long a business key is remembered after it was first claimed, in seconds: 1 hour,
 * the same default as Powertools' idempotency utility. Duplicates from Kafka come from
 * producer retries, Lambda retries of a failed batch and rebalances: seconds to minutes.
 * Raise it when a record can be re-delivered later than that after it succeeded (whole
 * batches retried behind a poison record for up to `MaximumRecordAgeInSeconds`).
 */
export const DEFAULT_EXPIRES_AFTER_SECONDS = 3_600;

/**
 * Lock duration when the caller does not pass the invocation's remaining time: 900 s is
 * Lambda's maximum timeout, so no invocation can still be running when the lock frees.
 */
export const DEFAULT_LOCK_TIMEOUT_MS = 900_000;

/** BatchGetItem takes at most 100 keys per request. */
export const BATCH_GET_MAX_KEYS = 100;

/** Attempts of one BatchGetItem chunk while DynamoDB keeps returning `UnprocessedKeys`. */
export const DEFAULT_BATCH_GET_MAX_ATTEMPTS = 8;

/** First back-off between BatchGetItem attempts, doubled each time (with full jitter). */
export const DEFAULT_BATCH_GET_RETRY_BASE_DELAY_MS = 50;

/**
 * Upper bound on a partition key we build, in UTF-8 bytes. DynamoDB allows 2,048; half of
 * that leaves room for the prefix and catches a key function returning a whole payload.
 */
export const MAX_PARTITION_KEY_BYTES = 1_024;

/** Prefixes of the `pk` attribute: one table serves both modes. */
export const PK_PREFIX = {
  watermark: 'wm',
  key: 'key',
} as const;

/**
 * TransactWriteItems takes at most 100 items
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html).
 */
export const TRANSACTION_MAX_ITEMS = 100;

/**
 * Effects one record may return: a transaction also carries its idempotency item (the
 * business key's COMPLETED marker or the partition's watermark), so 99 are left.
 */
export const MAX_EFFECTS_PER_RECORD = TRANSACTION_MAX_ITEMS - 1;

/**
 * Attempts of one TransactWriteItems while DynamoDB cancels it for a transient reason
 * (`TransactionConflict`, throttling). A cancelled transaction applied nothing, so sending it
 * again is safe. Effects that many records share (a counter) make conflicts likely when
 * partitions commit at the same time.
 */
export const DEFAULT_TRANSACTION_MAX_ATTEMPTS = 8;

/** First back-off between TransactWriteItems attempts, doubled each time (with full jitter). */
export const DEFAULT_TRANSACTION_RETRY_BASE_DELAY_MS = 50;
