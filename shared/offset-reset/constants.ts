/** Stable error codes of the offset-reset module (`error.code`). */
export const OFFSET_RESET_ERROR_CODES = {
  input: 'OFFSET_RESET_INPUT_INVALID',
  plan: 'OFFSET_RESET_PLAN_FAILED',
  groupNotEmpty: 'OFFSET_RESET_GROUP_NOT_EMPTY',
  mappings: 'OFFSET_RESET_MAPPINGS_FAILED',
  timeout: 'OFFSET_RESET_TIMEOUT',
  write: 'OFFSET_RESET_WRITE_FAILED',
  audit: 'OFFSET_RESET_AUDIT_FAILED',
  config: 'OFFSET_RESET_CONFIG_INVALID',
} as const;

/** What an execution ended with. `as const` instead of an enum (erasable syntax only). */
export const RESET_OUTCOME = {
  /** Nothing written: `execute` was false. */
  dryRun: 'DRY_RUN',
  /** Every partition written and read back at its target; mappings resumed. */
  succeeded: 'SUCCEEDED',
  /** Nothing written: the group was not Empty (members outside Lambda), or a precondition failed. */
  refused: 'REFUSED',
  /** Something failed after the mappings were paused; see `written` / `notWritten` / `restored`. */
  failed: 'FAILED',
} as const;

/** `DRY_RUN` | `SUCCEEDED` | `REFUSED` | `FAILED`. */
export type ResetOutcome = (typeof RESET_OUTCOME)[keyof typeof RESET_OUTCOME];

/** Why a planned target differs from what the strategy asked for. */
export const PLAN_WARNING = {
  /** The requested offset was above the log end offset (`--to-offset`, `--shift-by`, `--from-file`, copy). */
  clampedToLogEnd: 'CLAMPED_TO_LOG_END',
  /** The requested offset was below the log start offset (retention deleted it). */
  clampedToLogStart: 'CLAMPED_TO_LOG_START',
  /** No record at or after the timestamp: the target falls back to the log end, like kafka-consumer-groups.sh. */
  noRecordAtTimestamp: 'NO_RECORD_AT_TIMESTAMP',
  /** `current` on a partition without a committed offset: the target is the log end, like kafka-consumer-groups.sh. */
  noCommittedOffset: 'NO_COMMITTED_OFFSET',
} as const;

/** One of {@link PLAN_WARNING}. */
export type PlanWarningCode = (typeof PLAN_WARNING)[keyof typeof PLAN_WARNING];

/**
 * Default budget for pausing: mappings Disabled and group Empty, in seconds. Lambda says an
 * UpdateEventSourceMapping "can take up to ~90 s" to take effect; twice that leaves room
 * for the pollers' session timeouts.
 */
export const DEFAULT_TIMEOUT_SECONDS = 180;

/** Longest pause budget accepted: a Lambda invocation lasts at most 900 s. */
export const MAX_TIMEOUT_SECONDS = 900;

/**
 * Budget for re-enabling mappings after the write, in seconds. A mapping still `Disabling`
 * rejects `Enabled: true` with ResourceConflictException until it reaches `Disabled`
 * (up to ~90 s), so restore retries for longer than one transition.
 */
export const RESTORE_TIMEOUT_SECONDS = 120;

/** How often GetEventSourceMapping and DescribeGroups are polled while waiting. */
export const DEFAULT_POLL_INTERVAL_MS = 2_000;

/** First delay before retrying an UpdateEventSourceMapping that met a transition; doubles up to the max. */
export const CONFLICT_RETRY_INITIAL_MS = 1_000;
export const CONFLICT_RETRY_MAX_MS = 10_000;

/** Kafka's ListOffsets sentinels (the `timestamp` field of a request). */
export const LIST_OFFSETS_LATEST = -1n;
export const LIST_OFFSETS_EARLIEST = -2n;

/** Largest offset Kafka can store (int64). */
export const MAX_OFFSET = 2n ** 63n - 1n;

/**
 * DynamoDB items are limited to 400 KB including attribute names; the audit record keeps
 * its detail document under this many bytes (compressed, then truncated if still larger).
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-items
 */
export const AUDIT_DETAIL_MAX_BYTES = 300_000;

/** Detail documents below this size are stored as readable JSON, above it gzip-compressed. */
export const AUDIT_INLINE_MAX_BYTES = 64_000;
