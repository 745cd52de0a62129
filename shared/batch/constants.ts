/** Partitions processed at the same time when `concurrency` is not set. */
export const DEFAULT_CONCURRENCY = 4;

/** Records per chunk when `chunkSize` is not set (the seed's batch-of-100 pattern). */
export const DEFAULT_CHUNK_SIZE = 100;

/** Largest `chunkSize`: the event source mapping's own `BatchSize` maximum. */
export const MAX_CHUNK_SIZE = 10_000;

/** What happened to a record whose handler failed. */
export const FAILURE_DISPOSITIONS = {
  /** Written to the dead-letter sink; the partition moved on. */
  DEAD_LETTERED: 'dead-lettered',
  /** Reported as failed (partial batch response, or the invocation error); the partition stopped. */
  REPORTED: 'reported',
} as const;

/** Final state of a partition within one invocation. */
export const PARTITION_STATUSES = {
  COMPLETED: 'completed',
  FAILED: 'failed',
} as const;

/** Stable error codes of the batch module. */
export const BATCH_ERROR_CODES = {
  INVALID_OPTIONS: 'BATCH_INVALID_OPTIONS',
  FAILED: 'BATCH_FAILED',
  POISON_RECORD: 'BATCH_POISON_RECORD',
  CHUNK_RECORD_FAILED: 'BATCH_CHUNK_RECORD_FAILED',
  DEAD_LETTER_FAILED: 'BATCH_DEAD_LETTER_FAILED',
  INVALID_RESPONSE: 'BATCH_INVALID_RESPONSE',
} as const;
