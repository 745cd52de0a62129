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
  const last = table.at(-1);
  if (last === undefined) return { table: [point], outcome: 'appended' };
  if (point.timeMs <= last.timeMs) return { table: [...table], outcome: 'rejected-stale-time' };
  if (point.offset < last.offset) {
    if (point.offset < table[0]!.offset) return { table: [point], outcome: 'reset' };
    return { table: [...table], outcome: 'rejected-backwards' };
  }
  const beforeLast = table.at(-2);
  if (point.offset === last.offset && beforeLast !== undefined && beforeLast.offset === last.offset) {
    return { table: [...table.slice(0, -1), point], outcome: 'extended-flat-run' };
  }
  const next = [...table, point];
  return { table: next.length > maxPoints ? next.slice(next.length - maxPoints) : next, outcome: 'appended' };
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
  if (committedOffset >= logEndOffset) return { seconds: 0, quality: TIME_LAG_QUALITY.caughtUp };
  if (table.length < 2) return { seconds: null, quality: TIME_LAG_QUALITY.unknown };
  const first = table[0]!;
  const last = table.at(-1)!;
  const toLag = (producedAtMs: number, quality: TimeLagQuality): TimeLag => ({
    seconds: Math.max(0, (nowMs - producedAtMs) / 1000),
    quality,
  });

  if (committedOffset > last.offset) {
    // The newest sample is older than the log end we read now (it was rejected or the
    // table was not updated): the record was appended between the two.
    return toLag(interpolate(last, { offset: logEndOffset, timeMs: nowMs }, committedOffset), TIME_LAG_QUALITY.interpolated);
  }
  if (committedOffset >= first.offset) {
    for (let k = 0; k < table.length; k++) {
      const point = table[k]!;
      if (point.offset < committedOffset) continue;
      if (point.offset === committedOffset || k === 0) return toLag(point.timeMs, TIME_LAG_QUALITY.interpolated);
      return toLag(interpolate(table[k - 1]!, point, committedOffset), TIME_LAG_QUALITY.interpolated);
    }
  }

  // Before the oldest sample: extrapolate backwards along the table's average rate.
  const spanMs = last.timeMs - first.timeMs;
  const ratio = options.maxExtrapolationRatio ?? LAG_DEFAULTS.maxExtrapolationRatio;
  const boundMs = first.timeMs - ratio * spanMs;
  const offsets = Number(last.offset - first.offset);
  if (offsets <= 0 || spanMs <= 0) return toLag(boundMs, TIME_LAG_QUALITY.lowerBound);
  const predictedMs = first.timeMs - (Number(first.offset - committedOffset) * spanMs) / offsets;
  if (predictedMs < boundMs) return toLag(boundMs, TIME_LAG_QUALITY.lowerBound);
  return toLag(predictedMs, TIME_LAG_QUALITY.extrapolated);
}

function interpolate(before: OffsetTimePoint, after: OffsetTimePoint, offset: bigint): number {
  const range = after.offset - before.offset;
  if (range <= 0n) return before.timeMs;
  // Offsets can exceed 2^53, their differences within a table do not in practice; the
  // subtraction happens in bigint first so precision is lost only on the small numbers.
  const fraction = Number(offset - before.offset) / Number(range);
  return before.timeMs + fraction * (after.timeMs - before.timeMs);
}
