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

/**
 * Effects a handler returned cannot be applied: not an array of `TransactWriteItem`s, more
 * than fit one transaction, two of them on one item, or DynamoDB rejected one of them (its
 * own condition failed, a validation error). The message names the record. Not retriable by
 * default: the same record yields the same effects. Nothing of them was applied.
 */
export class IdempotencyEffectsError extends IdempotencyError {
  constructor(message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, { code: IDEMPOTENCY_ERROR_CODES.effectsInvalid, retriable: options.retriable ?? false, cause: options.cause });
  }
}

/**
 * Business-key mode: the lock was lost before the handler's effects were committed (it
 * expired and another invocation took the key over). Nothing was applied; retriable: the
 * retry replays the other invocation's result or, if that one crashed too, runs again.
 */
export class IdempotencyLockLostError extends IdempotencyError {
  /** The business key. */
  readonly key: string;

  constructor(message: string, options: { key: string }) {
    super(message, { code: IDEMPOTENCY_ERROR_CODES.lockLost, retriable: true });
    this.key = options.key;
  }
}

/** Why a watermark transaction was not committed. */
export type EffectsNotCommittedReason =
  /** Another invocation moved the watermark past records of this transaction first. */
  | 'conflict'
  /** DynamoDB rejected one of the effects (its own condition failed, or a validation error). */
  | 'rejected'
  /** The request failed (throttled, network, access denied, ...). */
  | 'store';

/**
 * Watermark mode: a transaction of buffered effects was not committed. Records up to
 * `committedWatermark` have their effects applied; none after it do. Retriable: the
 * partition must be redelivered from the first record above `committedWatermark` (the
 * watermark then skips what was committed), which is why the consumer reports that record.
 */
export class IdempotencyEffectsNotCommittedError extends IdempotencyError {
  readonly topic: string;
  readonly partition: number;
  /** The watermark as committed (every record at or below it is applied), `undefined` if never advanced. */
  readonly committedWatermark: bigint | undefined;
  readonly reason: EffectsNotCommittedReason;

  constructor(
    message: string,
    options: { topic: string; partition: number; committedWatermark: bigint | undefined; reason: EffectsNotCommittedReason; cause?: unknown },
  ) {
    super(message, { code: IDEMPOTENCY_ERROR_CODES.effectsNotCommitted, retriable: true, cause: options.cause });
    this.topic = options.topic;
    this.partition = options.partition;
    this.committedWatermark = options.committedWatermark;
    this.reason = options.reason;
  }
}
