import { TopicCommitWindows } from './commit-windows.ts';
import { GROUP_STATUS, LAG_DEFAULTS, PARTITION_STATUS } from './constants.ts';
import type { GroupStatus, PartitionStatus } from './constants.ts';
import type { CommitObservation, OffsetTimePoint } from './types.ts';

/**
 * Burrow's consumer lag evaluation rules
 * (https://github.com/linkedin/Burrow/wiki/Consumer-Lag-Evaluation-Rules, and
 * `core/internal/evaluator/caching.go`), adapted to a monitor that polls.
 *
 * Burrow reads every commit from `__consumer_offsets`; we read the committed offset once
 * per cycle with OffsetFetch, which returns neither the commit time nor whether the same
 * offset was committed again. So the window holds one observation per cycle, and:
 * - "time of the last commit" is when the current offset was first observed;
 * - Burrow's STALL (the consumer keeps committing the same offset) and STOP (it stopped
 *   committing) look identical through OffsetFetch. Group membership tells them apart:
 *   a partition assigned to a live member that does not move is STALL (the consumer is
 *   there but stuck, e.g. a Lambda batch failing over and over); a partition nobody owns
 *   (group Empty, mapping disabled) is STOP.
 */

/** Options of the commit window. */
export interface CommitWindowOptions {
  /** Observations kept per partition (Burrow's `intervals`). @default 10 */
  readonly size?: number;
  /** An observation closer than this to the previous one replaces it (Burrow's `min-distance`). @default 1000 */
  readonly minDistanceMs?: number;
}

/**
 * Appends an observation to a commit window (oldest first), merging it into the last one
 * when closer than `minDistanceMs`, and dropping the oldest beyond `size`. Observations
 * older than the last one are ignored (a retried invocation with an old clock).
 *
 * @example
 * const window = recordObservation([], { offset: 10n, lag: 5n, timeMs: 60_000 });
 */
export function recordObservation(
  window: readonly CommitObservation[],
  observation: CommitObservation,
  options: CommitWindowOptions = {},
): CommitObservation[] {
  const size = options.size ?? LAG_DEFAULTS.burrowWindow;
  const minDistanceMs = options.minDistanceMs ?? LAG_DEFAULTS.minCommitDistanceMs;
  const length = window.length;
  const last = length === 0 ? undefined : window[length - 1]!;
  if (last !== undefined && observation.timeMs < last.timeMs) return window.slice();
  const merge = last !== undefined && observation.timeMs - last.timeMs < minDistanceMs;
  if (!Number.isInteger(size) || size < 1) {
    // Not a window size the config allows: keep the original slicing, whatever it does with it.
    const next = merge ? [...window.slice(0, -1), observation] : [...window, observation];
    return next.length > size ? next.slice(next.length - size) : next;
  }
  // The kept observations and the new one, in one array of the final size (this runs per
  // partition per cycle, and the windows are kept until the next one).
  const kept = merge ? length - 1 : length;
  const first = kept + 1 > size ? kept + 1 - size : 0;
  const out = new Array<CommitObservation>(kept - first + 1);
  for (let i = first; i < kept; i++) out[i - first] = window[i]!;
  out[kept - first] = observation;
  return out;
}

/** Input of {@link evaluatePartitionStatus}. */
export interface PartitionStatusInput {
  /** Observations, oldest first; the newest is this cycle's. */
  readonly window: readonly CommitObservation[];
  /** Lag now (computed at evaluation time, so a stopped consumer's lag keeps growing). `null` = unknown. */
  readonly currentLag: bigint | null;
  readonly nowMs: number;
  /**
   * Whether a live member owns the partition (see the module comment); `null` when the
   * group could not be described this cycle: then neither STOP nor STALL is claimed.
   */
  readonly consumerActive: boolean | null;
  /** Recent log end offset samples of the partition (Burrow's broker offsets). */
  readonly recentLogEndOffsets: readonly OffsetTimePoint[];
  /** Current lag at or below which the partition is OK. @default 0n */
  readonly allowedLag?: bigint;
  /** Window size, for `complete`. @default 10 */
  readonly windowSize?: number;
}

/** A partition's Burrow status. */
export interface PartitionStatusResult {
  readonly status: PartitionStatus;
  /** Observations in the window / window size, in [0, 1]. */
  readonly complete: number;
}

/**
 * Burrow's partition rules, in Burrow's order:
 * 1. current lag ≤ allowed lag → OK;
 * 2. STOP: the time since the last commit is greater than the window's span (last −
 *    first commit), the consumer was not caught up recently (no recent log end offset ≤
 *    the last commit), and nobody owns the partition;
 * 3. only if every observation in the window had lag:
 *    REWIND if the offset went backwards and has not recovered (it is still below the
 *    highest offset committed before the drop), STALL if the offset never moved while a
 *    member owns the partition, WARN if the lag never decreased;
 * 4. otherwise OK.
 * STALL and WARN need two observations: one proves no trend (Burrow calls a single
 * commit with lag STALL, which would alarm on every cold start).
 * A window holding values no int64 does (Kafka offsets are int64) counts as no window.
 *
 * @example
 * evaluatePartitionStatus({ window, currentLag: 120n, nowMs, consumerActive: false, recentLogEndOffsets: [] });
 */
export function evaluatePartitionStatus(input: PartitionStatusInput): PartitionStatusResult {
  const windowSize = input.windowSize ?? LAG_DEFAULTS.burrowWindow;
  return {
    status: partitionStatusOf(
      TopicCommitWindows.of(new Map([[0, input.window]]), Math.max(1, input.window.length)),
      0,
      input.currentLag,
      input.nowMs,
      input.consumerActive,
      input.recentLogEndOffsets,
      false,
      input.allowedLag ?? LAG_DEFAULTS.allowedLag,
    ),
    complete: Math.min(1, input.window.length / windowSize),
  };
}

/**
 * {@link evaluatePartitionStatus} on the evaluation's columns (it runs per partition per
 * cycle): `partition`'s window in `windows`, without input and result objects.
 * `logEndsOrdered`: the samples' times never decrease (`isOrderedTable`), so the recent
 * ones can be read from the end.
 */
export function partitionStatusOf(
  windows: TopicCommitWindows,
  partition: number,
  currentLag: bigint | null,
  nowMs: number,
  consumerActive: boolean | null,
  recentLogEndOffsets: readonly OffsetTimePoint[],
  logEndsOrdered: boolean,
  allowedLag: bigint,
): PartitionStatus {
  const length = windows.length(partition);
  if (length === 0 || currentLag === null) return PARTITION_STATUS.ok;
  if (currentLag <= allowedLag) return PARTITION_STATUS.ok;

  if (consumerActive === false && isStopped(windows, partition, length, nowMs) && !wasRecentlyCaughtUp(windows, partition, length, recentLogEndOffsets, logEndsOrdered)) {
    return PARTITION_STATUS.stop;
  }
  if (isLagAlwaysNonZero(windows, partition, length)) {
    if (hasUnrecoveredRewind(windows, partition, length)) return PARTITION_STATUS.rewind;
    if (length >= 2 && consumerActive === true && neverMoved(windows, partition, length)) return PARTITION_STATUS.stall;
    if (length >= 2 && lagNeverDecreased(windows, partition, length)) return PARTITION_STATUS.warn;
  }
  return PARTITION_STATUS.ok;
}

/** When the newest committed offset was first observed (start of the final run of equal offsets). */
export function lastCommitTimeMs(window: readonly CommitObservation[]): number {
  let index = window.length - 1;
  const offset = window[index]!.offset;
  while (index > 0 && window[index - 1]!.offset === offset) index--;
  return window[index]!.timeMs;
}

function isStopped(w: TopicCommitWindows, p: number, length: number, nowMs: number): boolean {
  const first = w.timeAt(p, 0);
  // `lastCommitTimeMs` on the columns.
  let index = length - 1;
  const offset = w.offsetAt(p, index);
  while (index > 0 && w.offsetAt(p, index - 1) === offset) index--;
  const last = w.timeAt(p, index);
  return nowMs - last > last - first;
}

function wasRecentlyCaughtUp(w: TopicCommitWindows, p: number, length: number, logEnds: readonly OffsetTimePoint[], ordered: boolean): boolean {
  // Burrow looks at the broker offsets it kept for the window's period.
  const since = w.timeAt(p, 0);
  const lastOffset = w.offsetAt(p, length - 1);
  // Newest first: in a table ordered by time the samples of the period are its tail.
  for (let i = logEnds.length - 1; i >= 0; i--) {
    const sample = logEnds[i]!;
    if (sample.timeMs >= since) {
      if (sample.offset <= lastOffset) return true;
    } else if (ordered) return false;
  }
  return false;
}

function isLagAlwaysNonZero(w: TopicCommitWindows, p: number, length: number): boolean {
  // As Burrow: an observation with unknown lag does not count as "caught up".
  for (let i = 0; i < length; i++) if (w.caughtUpAt(p, i)) return false;
  return true;
}

function hasUnrecoveredRewind(w: TopicCommitWindows, p: number, length: number): boolean {
  let highest = w.offsetAt(p, 0);
  let before = highest;
  let peakBeforeLastDrop: bigint | null = null;
  for (let i = 1; i < length; i++) {
    const offset = w.offsetAt(p, i);
    if (offset < before) peakBeforeLastDrop = highest;
    if (offset > highest) highest = offset;
    before = offset;
  }
  return peakBeforeLastDrop !== null && before < peakBeforeLastDrop;
}

function neverMoved(w: TopicCommitWindows, p: number, length: number): boolean {
  const first = w.offsetAt(p, 0);
  for (let i = 1; i < length; i++) if (w.offsetAt(p, i) !== first) return false;
  return true;
}

function lagNeverDecreased(w: TopicCommitWindows, p: number, length: number): boolean {
  let previous: bigint | null = null;
  for (let i = 0; i < length; i++) {
    const lag = w.lagAt(p, i);
    if (lag === null) continue;
    if (previous !== null && lag < previous) return false;
    previous = lag;
  }
  return true;
}

const GROUP_RANK: Record<GroupStatus, number> = { OK: 0, WARN: 1, ERR: 2, NOTFOUND: 3 };

/**
 * Group status = worst partition: OK < WARN < ERR, where STOP, STALL and REWIND count as
 * ERR (Burrow's group rule).
 *
 * @example
 * groupStatusOf(['OK', 'STALL']); // 'ERR'
 */
export function groupStatusOf(statuses: Iterable<PartitionStatus>): GroupStatus {
  let worst: GroupStatus = GROUP_STATUS.ok;
  for (const status of statuses) worst = worseGroupStatus(worst, status);
  return worst;
}

/** The group status after folding one more partition status into `worst` (see {@link groupStatusOf}). */
export function worseGroupStatus(worst: GroupStatus, status: PartitionStatus): GroupStatus {
  const asGroup: GroupStatus = status === PARTITION_STATUS.ok ? GROUP_STATUS.ok : status === PARTITION_STATUS.warn ? GROUP_STATUS.warn : GROUP_STATUS.err;
  return GROUP_RANK[asGroup] > GROUP_RANK[worst] ? asGroup : worst;
}
