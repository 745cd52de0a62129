import { isRetriable, ServerlessConsumerGroupsError } from '../errors/index.ts';
import { BATCH_ERROR_CODES } from './constants.ts';
import type { BatchResult } from './types.ts';

/**
 * Base of every error the batch module throws.
 *
 * @example
 * if (error instanceof BatchError && !error.retriable) alarm(error.code);
 */
export class BatchError extends ServerlessConsumerGroupsError {}

/** The options given to `createBatchProcessor` are invalid; `path` names the field. */
export class BatchOptionsError extends BatchError {
  readonly path: string;

  constructor(path: string, problem: string) {
    super(`invalid batch options at ${path === '' ? '<options>' : path}: ${problem}`, {
      code: BATCH_ERROR_CODES.INVALID_OPTIONS,
      retriable: false,
    });
    this.path = path;
  }
}

function summarise(result: BatchResult): string {
  const failed = result.partitions.filter((p) => p.failedAtOffset !== undefined);
  const shown = failed.slice(0, 5).map((p) => {
    const error = p.error instanceof Error ? `${p.error.name}: ${p.error.message}` : String(p.error);
    return `topic ${p.topic} partition ${p.partition} at offset ${String(p.failedAtOffset)} (${error})`;
  });
  const more = failed.length > shown.length ? `, and ${failed.length - shown.length} more` : '';
  return `${failed.length} of ${result.partitions.length} partitions failed: ${shown.join('; ')}${more}`;
}

/**
 * Thrown by the processor when records failed and partial batch responses are off: the
 * invocation fails, so Lambda retries (or bisects) the whole batch. Retriable by definition.
 * `result` still tells what happened to every partition.
 */
export class BatchProcessingError extends BatchError {
  readonly result: BatchResult;

  constructor(result: BatchResult) {
    const firstError = result.partitions.find((p) => p.failedAtOffset !== undefined)?.error;
    super(summarise(result), { code: BATCH_ERROR_CODES.FAILED, retriable: true, cause: firstError });
    this.result = result;
  }
}

/**
 * Throw it from a handler to say "this record can never succeed": it goes to the dead-letter
 * sink (when one is configured) instead of blocking its partition.
 *
 * @example
 * if (!isOrder(payload)) throw new PoisonRecordError(`offset ${record.offset} is not an order`);
 */
export class PoisonRecordError extends BatchError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { code: BATCH_ERROR_CODES.POISON_RECORD, retriable: false, cause: options.cause });
  }
}

/**
 * Thrown by a chunk handler to name the record that failed: records before it count as
 * processed, the record itself is handled according to `cause` (retried, or dead-lettered if
 * `cause` is poison), and processing resumes after it when it was dead-lettered.
 *
 * @example
 * for (const record of chunk) {
 *   try { await save(record); } catch (error) { throw new ChunkRecordError(record.offset, error); }
 * }
 */
export class ChunkRecordError extends BatchError {
  /** Offset of the failed record. */
  readonly offset: bigint;

  constructor(offset: bigint, cause: unknown) {
    const detail = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(`record at offset ${offset} of the chunk failed: ${detail}`, {
      code: BATCH_ERROR_CODES.CHUNK_RECORD_FAILED,
      retriable: isRetriable(cause),
      cause,
    });
    this.offset = offset;
  }
}

/** Writing to the dead-letter sink failed. Retriable: the record is reported as failed instead. */
export class DeadLetterError extends BatchError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { code: BATCH_ERROR_CODES.DEAD_LETTER_FAILED, retriable: true, cause: options.cause });
  }
}

/** A partial batch response does not have the Kafka shape (see `item-identifier.ts`). */
export class BatchResponseError extends BatchError {
  constructor(message: string) {
    super(message, { code: BATCH_ERROR_CODES.INVALID_RESPONSE, retriable: false });
  }
}
