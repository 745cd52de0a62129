import { LAG_DEFAULTS, TIME_LAG_QUALITY } from './constants.ts';
import type { TimeLagQuality } from './constants.ts';
import type { OffsetTimePoint } from './types.ts';

/**
 * Time lag the kafka-lag-exporter way: each cycle adds a (log end offset, time) sample to
 * the partition's table; the time a committed offset was produced is read off the table
 * by interpolation, and time lag = now − that time.
 * (https://github.com/seglo/kafka-lag-exporter#estimate-consumer-group-time-lag)
 */

/** Options of the sample table and the lookup. */
export interface TimeLagOptions {
  /** Samples kept per partition; the oldest are dropped. @default 60 */
  readonly maxPoints?: number;
  /**
   * How far before the oldest sample a lookup may extrapolate, as a multiple of the
   * table's own time span (newest − oldest sample time). With 60 one-minute samples and
   * the default 1, at most one hour before the oldest sample. Beyond it the time lag is
   * reported at the bound and flagged `lower-bound`: the true lag is larger, and an
   * alarm on it still fires, but no absurd value is invented from a slope.
   * @default 1
   */
  readonly maxExtrapolationRatio?: number;
}

/** Why {@link addSample} did or did not keep a point. */
export type AddSampleOutcome = 'appended' | 'extended-flat-run' | 'rejected-backwards' | 'rejected-stale-time' | 'reset';

/**
 * Adds a sample to a table (oldest first) and returns the new table.
 *
 * - Flat runs collapse: when the last two samples already have this offset, the newest
 *   replaces the last one, so a run is kept as its first sample (when the offset was
 *   reached) and its latest one (it is still there).
 * - Samples that go backwards in offset are rejected: a log end offset never decreases,
 *   so such a sample is a stale read from a lagging replica. If it is below even the
 *   oldest sample, the log was replaced (topic deleted and re-created, or truncated) and
 *   the table restarts from this sample.
 * - Samples not newer than the last one are rejected (retried invocation, clock skew).
 *
 * @example
 * let table: OffsetTimePoint[] = [];
 * ({ table } = addSample(table, { offset: 10n, timeMs: 1_000 }));
 */
export function addSample(
  table: readonly OffsetTimePoint[],
  point: OffsetTimePoint,
  maxPoints: number = LAG_DEFAULTS.timeLagMaxPoints,
): { table: OffsetTimePoint[]; outcome: AddSampleOutcome } {
  const length = table.length;
  if (length === 0) return { table: [point], outcome: 'appended' };
  const last = table[length - 1]!;
  if (point.timeMs <= last.timeMs) return { table: table.slice(), outcome: 'rejected-stale-time' };
  if (point.offset < last.offset) {
    if (point.offset < table[0]!.offset) return { table: [point], outcome: 'reset' };
    return { table: table.slice(), outcome: 'rejected-backwards' };
  }
  if (point.offset === last.offset && length >= 2 && table[length - 2]!.offset === last.offset) {
    const next = table.slice(0, -1);
    next.push(point);
    return { table: next, outcome: 'extended-flat-run' };
  }
  // The table plus the point, minus the oldest beyond maxPoints (`slice(length + 1 - maxPoints)`
  // of the longer table), without building the longer table first.
  const drop = length + 1 > maxPoints ? length + 1 - maxPoints : 0;
  if (drop >= length + 1) return { table: [], outcome: 'appended' };
  const next = table.slice(drop);
  next.push(point);
  return { table: next, outcome: 'appended' };
}

/** A time lag and how it was obtained. */
export interface TimeLag {
  /** Seconds, ≥ 0; `null` when unknown. */
  readonly seconds: number | null;
  readonly quality: TimeLagQuality;
}

/**
 * Time lag of a committed offset against a partition's sample table.
 *
 * The lookup finds when the log end offset was equal to the committed offset, i.e. when
 * the record just before the first unconsumed one was appended: an upper bound on the age
 * of the oldest unconsumed record, off by at most one sampling interval at light load.
 *
 * - committed ≥ log end: 0 (`caught-up`).
 * - fewer than two samples: unknown (`null`), never 0.
 * - inside the table: linear interpolation between the bracketing samples; an offset that
 *   equals a flat run's offset takes the run's first time.
 * - after the newest sample (it was rejected): interpolation towards (log end, now).
 * - before the oldest sample: extrapolation along the table's average rate, bounded by
 *   `maxExtrapolationRatio` (see {@link TimeLagOptions}).
 *
 * @example
 * const table = [{ offset: 0n, timeMs: 0 }, { offset: 100n, timeMs: 100_000 }];
 * timeLag(table, 50n, 100n, 100_000); // { seconds: 50, quality: 'interpolated' }
 */
export function timeLag(
  table: readonly OffsetTimePoint[],
  committedOffset: bigint,
  logEndOffset: bigint,
  nowMs: number,
  options: TimeLagOptions = {},
): TimeLag {
  return timeLagIn(table, false, committedOffset, logEndOffset, nowMs, options.maxExtrapolationRatio ?? LAG_DEFAULTS.maxExtrapolationRatio);
}

/**
 * Whether a table's offsets and times never decrease. Every table {@link addSample} builds
 * from an ordered one is ordered (it rejects samples that go back, and restarts the table
 * on a reset), so this holds for every table the monitor keeps; it is checked, once per
 * table and cycle, rather than assumed.
 */
export function isOrderedTable(table: readonly OffsetTimePoint[]): boolean {
  for (let k = 1; k < table.length; k++) {
    const before = table[k - 1]!;
    const point = table[k]!;
    if (point.offset < before.offset || point.timeMs < before.timeMs) return false;
  }
  return true;
}

/**
 * {@link timeLag}, for the evaluation loop. In an ordered table (see {@link isOrderedTable})
 * the first sample at or above the committed offset is found by binary search: the same
 * sample the linear scan finds, in ~6 reads instead of up to 60. This runs for every
 * partition of every group, and the tables' samples were allocated over the last hour of
 * cycles, scattered in the heap: the reads, not the comparisons, are the cost.
 */
export function timeLagIn(
  table: readonly OffsetTimePoint[],
  ordered: boolean,
  committedOffset: bigint,
  logEndOffset: bigint,
  nowMs: number,
  maxExtrapolationRatio: number,
): TimeLag {
  const out: TimeLagSlot = { seconds: null, quality: TIME_LAG_QUALITY.unknown };
  timeLagInto(out, table, ordered, committedOffset, logEndOffset, nowMs, maxExtrapolationRatio);
  return out;
}

/** Where {@link timeLagInto} writes a time lag: one per evaluation, reused for every partition. */
export interface TimeLagSlot {
  seconds: number | null;
  quality: TimeLagQuality;
}

/**
 * {@link timeLagIn} writing into `out` instead of allocating a result per partition (the
 * evaluation loop reads the two fields right away).
 */
export function timeLagInto(
  out: TimeLagSlot,
  table: readonly OffsetTimePoint[],
  ordered: boolean,
  committedOffset: bigint,
  logEndOffset: bigint,
  nowMs: number,
  maxExtrapolationRatio: number,
): void {
  if (committedOffset >= logEndOffset) return set(out, 0, TIME_LAG_QUALITY.caughtUp);
  const length = table.length;
  if (length < 2) return set(out, null, TIME_LAG_QUALITY.unknown);
  const first = table[0]!;
  const last = table[length - 1]!;

  if (committedOffset > last.offset) {
    // The newest sample is older than the log end we read now (it was rejected or the
    // table was not updated): the record was appended between the two.
    return lagSince(out, nowMs, interpolate(last.offset, last.timeMs, logEndOffset, nowMs, committedOffset), TIME_LAG_QUALITY.interpolated);
  }
  if (committedOffset >= first.offset) {
    const k = ordered ? firstAtOrAbove(table, committedOffset) : firstAtOrAboveScan(table, committedOffset);
    if (k < length) {
      const point = table[k]!;
      if (point.offset === committedOffset || k === 0) return lagSince(out, nowMs, point.timeMs, TIME_LAG_QUALITY.interpolated);
      const before = table[k - 1]!;
      return lagSince(out, nowMs, interpolate(before.offset, before.timeMs, point.offset, point.timeMs, committedOffset), TIME_LAG_QUALITY.interpolated);
    }
  }

  // Before the oldest sample: extrapolate backwards along the table's average rate.
  const spanMs = last.timeMs - first.timeMs;
  const boundMs = first.timeMs - maxExtrapolationRatio * spanMs;
  const offsets = Number(last.offset - first.offset);
  if (offsets <= 0 || spanMs <= 0) return lagSince(out, nowMs, boundMs, TIME_LAG_QUALITY.lowerBound);
  const predictedMs = first.timeMs - (Number(first.offset - committedOffset) * spanMs) / offsets;
  if (predictedMs < boundMs) return lagSince(out, nowMs, boundMs, TIME_LAG_QUALITY.lowerBound);
  return lagSince(out, nowMs, predictedMs, TIME_LAG_QUALITY.extrapolated);
}

function set(out: TimeLagSlot, seconds: number | null, quality: TimeLagQuality): void {
  out.seconds = seconds;
  out.quality = quality;
}

/** Index of the first sample whose offset is ≥ `offset` (the table's length if none). */
function firstAtOrAboveScan(table: readonly OffsetTimePoint[], offset: bigint): number {
  let k = 0;
  while (k < table.length && table[k]!.offset < offset) k++;
  return k;
}

/** {@link firstAtOrAboveScan} for a table whose offsets never decrease. */
function firstAtOrAbove(table: readonly OffsetTimePoint[], offset: bigint): number {
  let low = 0;
  let high = table.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (table[middle]!.offset < offset) low = middle + 1;
    else high = middle;
  }
  return low;
}

function lagSince(out: TimeLagSlot, nowMs: number, producedAtMs: number, quality: TimeLagQuality): void {
  set(out, Math.max(0, (nowMs - producedAtMs) / 1000), quality);
}

function interpolate(beforeOffset: bigint, beforeTimeMs: number, afterOffset: bigint, afterTimeMs: number, offset: bigint): number {
  const range = afterOffset - beforeOffset;
  if (range <= 0n) return beforeTimeMs;
  // Offsets can exceed 2^53, their differences within a table do not in practice; the
  // subtraction happens in bigint first so precision is lost only on the small numbers.
  const fraction = Number(offset - beforeOffset) / Number(range);
  return beforeTimeMs + fraction * (afterTimeMs - beforeTimeMs);
}
