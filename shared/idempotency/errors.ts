import { ServerlessConsumerGroupsError } from '../errors/index.ts';
import { IDEMPOTENCY_ERROR_CODES } from './constants.ts';

/**
 * Base class of every error thrown by the idempotency module.
 *
 * @example
 * try {
 *   await batch.execute(record, handler);
 * } catch (error) {
 *   if (error instanceof IdempotencyError && error.retriable) reportForRetry(record);
 *   else throw error;
 * }
 */
export class IdempotencyError extends ServerlessConsumerGroupsError {}

/** Options rejected at construction time; the message names the offending field. */
export class IdempotencyConfigError extends IdempotencyError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { code: IDEMPOTENCY_ERROR_CODES.config, retriable: false, cause: options.cause });
  }
}

/** The API was called out of order, e.g. a partition that `load` did not read. */
export class IdempotencyUsageError extends IdempotencyError {
  constructor(message: string) {
    super(message, { code: IDEMPOTENCY_ERROR_CODES.usage, retriable: false });
  }
}

/**
 * No business key could be taken from a record (missing path, tombstone, value not JSON,
 * key function threw). Not retriable: the same record yields the same failure.
 */
export class IdempotencyKeyError extends IdempotencyError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { code: IDEMPOTENCY_ERROR_CODES.keyMissing, retriable: false, cause: options.cause });
  }
}

/**
 * Another invocation holds the key and has not finished. Retriable: once it completes the
 * retry replays its result; if it crashed, its lock expires and the retry takes over.
 */
export class IdempotencyInProgressError extends IdempotencyError {
  /** The business key (as returned by the key function or path, before scoping). */
  readonly key: string;
  /** When the other holder's lock expires (epoch ms), if known. */
  readonly lockExpiresAtMs: number | undefined;

  constructor(message: string, options: { key: string; lockExpiresAtMs: number | undefined }) {
    super(message, { code: IDEMPOTENCY_ERROR_CODES.inProgress, retriable: true });
    this.key = options.key;
    this.lockExpiresAtMs = options.lockExpiresAtMs;
  }
}

/**
 * The handler succeeded but its result cannot be stored as JSON (e.g. a circular object).
 * The key is marked completed without a result, so nothing repeats the effect; not
 * retriable, because the same handler yields the same result.
 */
export class IdempotencyResultNotSerializableError extends IdempotencyError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { code: IDEMPOTENCY_ERROR_CODES.resultNotSerializable, retriable: false, cause: options.cause });
  }
}

/**
 * A store request failed. `retriable` follows the cause: throttling, 5xx and network
 * failures are retriable; validation errors, a missing table or denied access are not.
 */
export class IdempotencyStoreError extends IdempotencyError {
  /** The store operation that failed, e.g. `BatchGetItem`. */
  readonly operation: string;

  constructor(message: string, options: { operation: string; retriable: boolean; cause?: unknown }) {
    super(message, { code: IDEMPOTENCY_ERROR_CODES.store, retriable: options.retriable, cause: options.cause });
    this.operation = options.operation;
  }
}
