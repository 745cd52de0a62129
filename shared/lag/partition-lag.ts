import { OFFSET_STATUS } from './constants.ts';
import type { OffsetStatus } from './constants.ts';

/** Offsets of one partition, as read this cycle. */
export interface PartitionOffsets {
  /** `null` (or negative, Kafka's "none") when the group has not committed this partition. */
  readonly committedOffset: bigint | null;
  readonly logStartOffset: bigint | null;
  readonly logEndOffset: bigint | null;
}

/** Lag of one partition. */
export interface PartitionLag {
  /** `null` when unknown: never 0 for "unknown", so sums and alarms stay honest. */
  readonly lag: bigint | null;
  /** The offset lag counts from: the committed offset, or the log start when the commit fell off the log. */
  readonly effectiveOffset: bigint | null;
  readonly offsetStatus: OffsetStatus;
}

/**
 * Lag of a partition: `max(0, log end − committed)`.
 *
 * - Clamped at 0: end offsets and committed offsets are read by separate requests, so a
 *   consumer can commit past the end offset we read.
 * - A committed offset below the log start (retention deleted those records) would
 *   inflate lag with records that no longer exist: lag counts from the log start and the
 *   partition is flagged `CLAMPED_TO_LOG_START` (kafka-consumer-groups.sh clamps resets
 *   the same way).
 * - No committed offset: lag `null`, flagged `NO_COMMITTED_OFFSET`.
 *
 * @example
 * partitionLag({ committedOffset: 5n, logStartOffset: 10n, logEndOffset: 30n });
 * // { lag: 20n, effectiveOffset: 10n, offsetStatus: 'CLAMPED_TO_LOG_START' }
 */
export function partitionLag(offsets: PartitionOffsets): PartitionLag {
  const offsetStatus = offsetStatusOf(offsets);
  const effectiveOffset = effectiveOffsetOf(offsets, offsetStatus);
  return { lag: lagOf(effectiveOffset, offsets.logEndOffset), effectiveOffset, offsetStatus };
}

// `partitionLag` in three parts, so that the evaluation loop (it runs per partition per
// cycle) gets the same values without allocating a result object per partition.

/** The `offsetStatus` of {@link partitionLag}. */
export function offsetStatusOf(offsets: PartitionOffsets): OffsetStatus {
  const { committedOffset, logStartOffset } = offsets;
  if (committedOffset === null || committedOffset < 0n) return OFFSET_STATUS.noCommittedOffset;
  if (offsets.logEndOffset === null) return OFFSET_STATUS.logOffsetsUnavailable;
  return logStartOffset !== null && committedOffset < logStartOffset ? OFFSET_STATUS.clampedToLogStart : OFFSET_STATUS.committed;
}

/** The `effectiveOffset` of {@link partitionLag}, given its `offsetStatus`. */
export function effectiveOffsetOf(offsets: PartitionOffsets, offsetStatus: OffsetStatus): bigint | null {
  if (offsetStatus === OFFSET_STATUS.noCommittedOffset) return null;
  return offsetStatus === OFFSET_STATUS.clampedToLogStart ? offsets.logStartOffset : offsets.committedOffset;
}

/** The `lag` of {@link partitionLag}: `null` when either offset is unknown, else clamped at 0. */
export function lagOf(effectiveOffset: bigint | null, logEndOffset: bigint | null): bigint | null {
  if (effectiveOffset === null || logEndOffset === null) return null;
  return logEndOffset > effectiveOffset ? logEndOffset - effectiveOffset : 0n;
}

/** Sum and maximum of lags that may be unknown; unknown values are counted, never added. */
export interface LagSum {
  readonly sum: bigint;
  /** `null` when no value is known. */
  readonly max: bigint | null;
  readonly known: number;
  readonly unknown: number;
}

/**
 * Sums lags, skipping unknown ones (and counting them), so one partition without a commit
 * never turns a group's total into NaN or a fake 0.
 *
 * @example
 * sumLags([3n, null, 4n]); // { sum: 7n, max: 4n, known: 2, unknown: 1 }
 */
export function sumLags(lags: Iterable<bigint | null>): LagSum {
  let sum = 0n;
  let max: bigint | null = null;
  let known = 0;
  let unknown = 0;
  for (const lag of lags) {
    if (lag === null) {
      unknown++;
      continue;
    }
    known++;
    sum += lag;
    if (max === null || lag > max) max = lag;
  }
  return { sum, max, known, unknown };
}

/**
 * Largest of numbers that may be unknown (`null`) or not finite; `null` when none is known.
 *
 * @example
 * maxKnown([null, 2, Number.NaN, 5]); // 5
 */
export function maxKnown(values: Iterable<number | null>): number | null {
  let max: number | null = null;
  for (const value of values) {
    if (value === null || !Number.isFinite(value)) continue;
    if (max === null || value > max) max = value;
  }
  return max;
}
