import type { DecodedKafkaEvent, KafkaEvent, KafkaPartitionBatch, KafkaRecord } from '../events/index.ts';
import type { FAILURE_DISPOSITIONS, PARTITION_STATUSES } from './constants.ts';
import type { DeadLetterEntry, DeadLetterSink } from './dead-letter/types.ts';
import type { KafkaBatchResponse } from './item-identifier.ts';

/** Handles one record. Throw to fail it; resolve to succeed. */
export type RecordHandler = (record: KafkaRecord) => unknown;

/**
 * Handles a chunk of consecutive records of one partition. Throw `ChunkRecordError` to name the
 * record that failed; any other throw fails the chunk's first record.
 */
export type ChunkHandler = (records: readonly KafkaRecord[]) => unknown;

/**
 * What a processor accepts: the raw event (validated and decoded), a decoded event, or partitions
 * built by the caller (trusted as given: offset order is not re-checked).
 */
export type BatchInput = KafkaEvent | DecodedKafkaEvent | readonly KafkaPartitionBatch[] | unknown;

/** Per-invocation facts recorded with dead-lettered records. */
export interface InvocationInfo {
  /** Lambda's `context.awsRequestId`. */
  readonly requestId?: string;
  /** Lambda's `context.functionName`. */
  readonly functionName?: string;
  readonly attempt?: number;
}

/** What the guard lets the processor skip in one partition. */
export interface PartitionGuardDecision {
  /** Records with `offset <= skipUpTo` are skipped (counted as handled, handler not called). */
  readonly skipUpTo?: bigint;
}

/**
 * Extension point for the idempotency module: consulted before a partition is processed, told
 * the outcome after. See `shared/batch/index.ts` for the contract.
 *
 * @example
 * const guard: PartitionGuard = {
 *   before: async (p) => ({ skipUpTo: await watermarks.get(p.key) }),
 *   after: async (p, outcome) => { if (outcome.lastHandledOffset !== undefined) await watermarks.set(p.key, outcome.lastHandledOffset); },
 * };
 */
export interface PartitionGuard {
  before?(partition: KafkaPartitionBatch): PartitionGuardDecision | void | Promise<PartitionGuardDecision | void>;
  after?(partition: KafkaPartitionBatch, outcome: PartitionOutcome): void | Promise<void>;
}

/** A handler failure, as told to `hooks.onRecordFailed`. */
export interface RecordFailure {
  readonly record: KafkaRecord;
  readonly error: unknown;
  /** `dead-lettered` (partition moved on) or `reported` (partition stopped here). */
  readonly disposition: (typeof FAILURE_DISPOSITIONS)[keyof typeof FAILURE_DISPOSITIONS];
}

/**
 * Callbacks for logging and metrics. They run synchronously on the processing path: keep them
 * cheap. A hook that throws (or rejects) is ignored: observability never fails a record.
 */
export interface BatchHooks {
  onRecordFailed?(failure: RecordFailure): void;
  onDeadLettered?(entries: readonly DeadLetterEntry[]): void;
  onPartitionComplete?(outcome: PartitionOutcome): void;
  onBatchComplete?(result: BatchResult): void;
  /** The partition guard threw: in `before` the partition fails at its first record; in `after` nothing else happens. */
  onGuardError?(details: { partition: KafkaPartitionBatch; phase: 'before' | 'after'; error: unknown }): void;
}

/** Where poison records go, and what to record with them. */
export interface DeadLetterOptions {
  readonly sink: DeadLetterSink;
  /** Consumer group, recorded in each entry. @default omitted */
  readonly groupId?: string;
}

interface CommonOptions {
  /**
   * Partitions processed at the same time; records within a partition are always sequential.
   * @default 4
   */
  readonly concurrency?: number;
  /**
   * Return a partial batch response (Kafka `batchItemFailures`) instead of failing the
   * invocation. Turn on only when the mapping has `FunctionResponseTypes: ["ReportBatchItemFailures"]`:
   * without it Lambda ignores the response and commits the failed records.
   * @default false (failures throw `BatchProcessingError`)
   */
  readonly reportBatchItemFailures?: boolean;
  /** @default none: poison records are reported like retriable failures, never dropped */
  readonly deadLetter?: DeadLetterOptions;
  /** @default none */
  readonly partitionGuard?: PartitionGuard;
  /** @default none */
  readonly hooks?: BatchHooks;
}

/** Options of `createBatchProcessor`: exactly one of `recordHandler` / `chunkHandler`. */
export type BatchProcessorOptions = CommonOptions &
  (
    | { readonly recordHandler: RecordHandler; readonly chunkHandler?: never; readonly chunkSize?: never }
    | {
        readonly chunkHandler: ChunkHandler;
        /** @default 100 */
        readonly chunkSize?: number;
        readonly recordHandler?: never;
      }
  );

/** What happened to one partition in this invocation. */
export interface PartitionOutcome {
  readonly topic: string;
  readonly partition: number;
  readonly key: string;
  readonly status: (typeof PARTITION_STATUSES)[keyof typeof PARTITION_STATUSES];
  readonly recordCount: number;
  /** Records whose handler succeeded. */
  readonly processedCount: number;
  /** Records the partition guard skipped. */
  readonly skippedCount: number;
  /** Poison records written to the dead-letter sink (they count as handled). */
  readonly deadLetteredOffsets: readonly bigint[];
  /** Last offset of the handled prefix (processed, skipped or dead-lettered). */
  readonly lastHandledOffset: bigint | undefined;
  /** First record that failed; it and every later record of the partition were left for retry. */
  readonly failedAtOffset: bigint | undefined;
  readonly error: unknown;
  /** Records from `failedAtOffset` on. */
  readonly unhandledCount: number;
}

/** What `process` returns. */
export interface BatchResult {
  /** Return this from the Lambda handler. */
  readonly response: KafkaBatchResponse;
  readonly partitions: readonly PartitionOutcome[];
  readonly recordCount: number;
  readonly processedCount: number;
  readonly skippedCount: number;
  readonly deadLetteredCount: number;
  readonly failedPartitionCount: number;
}

/** A processor built once (at cold start) and called per invocation. */
export interface BatchProcessor {
  process(input: BatchInput, invocation?: InvocationInfo): Promise<BatchResult>;
}
