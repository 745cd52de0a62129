// Batch processing of Kafka events with per-partition ordering and partial batch responses.
//
// Semantics
// - Partitions run concurrently (`concurrency`, default 4); records within a partition run
//   strictly in offset order, one at a time (`recordHandler`) or in chunks (`chunkHandler`,
//   `chunkSize` default 100).
// - A failed record stops its partition: later records of that partition are not touched in
//   this invocation (Lambda redelivers from the failed offset); other partitions carry on.
// - Poison (non-retriable) failures go to `deadLetter.sink` and count as handled, so the
//   partition moves on. A sink failure is retriable: the record is reported as failed. With no
//   sink configured, poison is reported like any failure: nothing is ever dropped silently.
// - With `reportBatchItemFailures`, the result's `response` names the first failed record of
//   each failed partition (Kafka shape: see item-identifier.ts). Without it, any failure throws
//   `BatchProcessingError` so Lambda retries or bisects the whole batch.
//
// Partition guard (the idempotency module's extension point)
//   partitionGuard: {
//     before?(partition) => { skipUpTo?: bigint } | void   // may be async
//     after?(partition, outcome) => void                   // may be async
//   }
// - `before` runs once per partition before any handler call. Records with
//   `offset <= skipUpTo` are skipped: no handler call, counted in `skippedCount`, part of the
//   handled prefix. If `before` throws, the partition is reported failed at its first record
//   (never dead-lettered: the record is not at fault) and `hooks.onGuardError` is told.
// - `after` runs once per partition with its `PartitionOutcome`, whatever happened, including
//   when `before` threw. `outcome.lastHandledOffset` is the end of the contiguous handled prefix
//   (processed, skipped or dead-lettered): the safe watermark to store. If `after` throws, the
//   batch result is unchanged (the records were handled; Kafka's commit still protects them)
//   and `hooks.onGuardError` is told.
//
// Dead-letter sink implementations (Kafka topic, SQS, S3) live in `./dead-letter/index.ts`, a
// separate entry point so functions without a sink do not load the AWS SDK or a Kafka client.
export { isPoison } from './classify.ts';
export {
  BATCH_ERROR_CODES,
  DEFAULT_CHUNK_SIZE,
  DEFAULT_CONCURRENCY,
  FAILURE_DISPOSITIONS,
  MAX_CHUNK_SIZE,
  PARTITION_STATUSES,
} from './constants.ts';
export { describeError, toDeadLetterEntry } from './dead-letter/entry.ts';
export type { DeadLetterContext, DeadLetterEntry, DeadLetterHeader, DeadLetterSink } from './dead-letter/types.ts';
export {
  BatchError,
  BatchOptionsError,
  BatchProcessingError,
  BatchResponseError,
  ChunkRecordError,
  DeadLetterError,
  PoisonRecordError,
} from './errors.ts';
export { buildBatchResponse, parseBatchResponse, toItemIdentifier } from './item-identifier.ts';
export type {
  KafkaBatchItemFailure,
  KafkaBatchResponse,
  KafkaItemIdentifier,
  ParsedBatchResponse,
  RecordCoordinates,
  ReportedFailure,
} from './item-identifier.ts';
export { createBatchProcessor, processBatch } from './process-batch.ts';
export type {
  BatchHooks,
  BatchInput,
  BatchProcessor,
  BatchProcessorOptions,
  BatchResult,
  ChunkHandler,
  DeadLetterOptions,
  InvocationInfo,
  PartitionGuard,
  PartitionGuardDecision,
  PartitionOutcome,
  RecordFailure,
  RecordHandler,
} from './types.ts';
