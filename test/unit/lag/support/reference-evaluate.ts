// The lag evaluation as it was before it was optimized for CPU time, kept verbatim (bar
// imports, exports and names) as the oracle of the equivalence tests: the optimized code
// must give the same statuses, lags, time lags, hot partitions and state on any input.
// Not for production use.
import { createHash } from 'node:crypto';
import { GROUP_STATUS, LAG_DEFAULTS, OFFSET_STATUS, PARTITION_STATUS, REBALANCING_STATES, TIME_LAG_QUALITY } from '../../../../shared/lag/constants.ts';
import type { GroupStatus, PartitionStatus, TimeLagQuality } from '../../../../shared/lag/constants.ts';
import type { EvaluateOptions, CycleEvaluation } from '../../../../shared/lag/evaluate.ts';
import type { CommitWindowOptions, PartitionStatusInput, PartitionStatusResult } from '../../../../shared/lag/burrow.ts';
import type { HotPartitionOptions, PreviousGroupShape, CurrentGroupShape } from '../../../../shared/lag/group-health.ts';
import type { PartitionOffsets, PartitionLag, LagSum } from '../../../../shared/lag/partition-lag.ts';
import type { AddSampleOutcome, TimeLag, TimeLagOptions } from '../../../../shared/lag/time-lag.ts';
import type {
  CollectedGroup,
  CommitObservation,
  GroupEvaluation,
  GroupLagState,
  GroupMemberInfo,
  LagCollection,
  LoadedLagState,
  OffsetTimePoint,
  PartitionEvaluation,
  TopicLagAggregate,
  TopicLagState,
} from '../../../../shared/lag/types.ts';

export function evaluateCycle(collection: LagCollection, loaded: LoadedLagState, nowMs: number, options: EvaluateOptions = {}): CycleEvaluation {
  const topicStates: TopicLagState[] = [];
  const samples = new Map<string, ReadonlyMap<number, readonly OffsetTimePoint[]>>();
  for (const topic of collection.topics.values()) {
    const previous = loaded.topics.get(topic.topic)?.samples ?? new Map<number, readonly OffsetTimePoint[]>();
    const next = new Map<number, readonly OffsetTimePoint[]>();
    for (let partition = 0; partition < topic.partitionCount; partition++) {
      const table = previous.get(partition) ?? [];
      const logEnd = topic.logEndOffsets[partition] ?? null;
      next.set(partition, logEnd === null ? table : addSample(table, { offset: logEnd, timeMs: nowMs }, options.timeLagMaxPoints ?? LAG_DEFAULTS.timeLagMaxPoints).table);
    }
    samples.set(topic.topic, next);
    topicStates.push({ topic: topic.topic, lastSeenMs: nowMs, samples: next });
  }

  const groups: GroupEvaluation[] = [];
  const groupStates: GroupLagState[] = [];
  for (const group of collection.groups) {
    const { evaluation, state } = evaluateGroup(group, loaded.groups.get(group.groupId), samples, nowMs, options);
    groups.push(evaluation);
    if (state !== undefined) groupStates.push(state);
  }
  for (const groupId of collection.vanishedGroups) {
    const previous = loaded.groups.get(groupId);
    groups.push({
      groupId,
      type: previous?.type ?? 'classic',
      state: 'Dead',
      members: [],
      generation: null,
      status: GROUP_STATUS.notFound,
      totalLag: 0n,
      maxLagPartition: null,
      complete: 0,
      rebalances: 0,
      topics: [],
      partitions: [],
      errors: [],
      evaluated: false,
    });
  }
  return { groups, groupStates, topicStates };
}

function evaluateGroup(
  group: CollectedGroup,
  previous: GroupLagState | undefined,
  samples: ReadonlyMap<string, ReadonlyMap<number, readonly OffsetTimePoint[]>>,
  nowMs: number,
  options: EvaluateOptions,
): { evaluation: GroupEvaluation; state: GroupLagState | undefined } {
  const windowOptions = { size: options.burrowWindow ?? LAG_DEFAULTS.burrowWindow, minDistanceMs: options.minCommitDistanceMs ?? LAG_DEFAULTS.minCommitDistanceMs };
  const shape = rebalancesBetween(
    previous === undefined ? undefined : { state: previous.lastState, generation: previous.generation, membersFingerprint: previous.membersFingerprint },
    group,
  );
  // Not described this cycle: membership is unknown, so neither count a rebalance nor forget the last shape.
  const rebalances = group.described ? shape.rebalances : 0;
  if (!group.offsetsAvailable) {
    return {
      evaluation: {
        groupId: group.groupId,
        type: group.type,
        state: group.state,
        members: group.members,
        generation: group.generation,
        status: GROUP_STATUS.ok,
        totalLag: 0n,
        maxLagPartition: null,
        complete: 0,
        rebalances: 0,
        topics: [],
        partitions: [],
        errors: group.errors,
        evaluated: false,
      },
      state: undefined,
    };
  }

  // Members whose assignment could not be decoded (a non-standard protocol) still consume:
  // then any member counts as the owner of every partition.
  const assignmentsKnown = group.members.some((m) => m.assignment.size > 0);
  const windows = new Map<string, Map<number, readonly CommitObservation[]>>();
  const evaluated: PartitionEvaluation[] = [];
  for (const p of group.partitions) {
    const { lag, effectiveOffset, offsetStatus } = partitionLag(p);
    const table = samples.get(p.topic)?.get(p.partition) ?? [];
    let window: readonly CommitObservation[] = previous?.windows.get(p.topic)?.get(p.partition) ?? [];
    if (p.committedOffset !== null) {
      // The raw committed offset, not the clamped one: retention moving the log start
      // past a stuck consumer must not look like progress.
      window = recordObservation(window, { offset: p.committedOffset, lag, timeMs: nowMs }, windowOptions);
      const perTopic = windows.get(p.topic) ?? new Map<number, readonly CommitObservation[]>();
      perTopic.set(p.partition, window);
      windows.set(p.topic, perTopic);
    }
    const consumerActive = !group.described ? null : p.owner !== null || (!assignmentsKnown && group.members.length > 0);
    const { status, complete } =
      p.committedOffset === null
        ? { status: 'OK' as const, complete: 0 }
        : evaluatePartitionStatus({
            window,
            currentLag: lag,
            nowMs,
            consumerActive,
            recentLogEndOffsets: table,
            windowSize: windowOptions.size,
            ...(options.allowedLag !== undefined ? { allowedLag: options.allowedLag } : {}),
          });
    const time =
      lag === null || effectiveOffset === null || p.logEndOffset === null
        ? { seconds: null, quality: TIME_LAG_QUALITY.unknown }
        : timeLag(table, effectiveOffset, p.logEndOffset, nowMs, options.maxExtrapolationRatio !== undefined ? { maxExtrapolationRatio: options.maxExtrapolationRatio } : {});
    evaluated.push({
      topic: p.topic,
      partition: p.partition,
      committedOffset: p.committedOffset,
      logStartOffset: p.logStartOffset,
      logEndOffset: p.logEndOffset,
      lag,
      offsetStatus,
      timeLagSeconds: time.seconds,
      timeLagQuality: time.quality,
      status,
      complete,
      hot: false,
      owner: p.owner,
    });
  }

  const partitions = markHotPartitions(evaluated, options);
  const topics = aggregateTopics(partitions);
  const total = sumLags(partitions.map((p) => p.lag));
  let maxLagPartition: PartitionEvaluation | null = null;
  for (const p of partitions) if (p.lag !== null && (maxLagPartition === null || p.lag > maxLagPartition.lag!)) maxLagPartition = p;
  const committedPartitions = partitions.filter((p) => p.committedOffset !== null);
  const complete = committedPartitions.length === 0 ? 0 : committedPartitions.filter((p) => p.complete >= 1).length / committedPartitions.length;
  const status = group.state === 'Dead' ? GROUP_STATUS.notFound : groupStatusOf(partitions.map((p) => p.status));

  return {
    evaluation: {
      groupId: group.groupId,
      type: group.type,
      state: group.state,
      members: group.members,
      generation: group.generation,
      status,
      totalLag: total.sum,
      maxLagPartition,
      complete,
      rebalances,
      topics,
      partitions,
      errors: group.errors,
      evaluated: true,
    },
    state: {
      groupId: group.groupId,
      type: group.type,
      lastState: group.described ? group.state : (previous?.lastState ?? null),
      generation: group.described ? group.generation : (previous?.generation ?? null),
      membersFingerprint: group.described ? shape.fingerprint : (previous?.membersFingerprint ?? null),
      lastSeenMs: nowMs,
      windows,
      scaling: previous?.scaling ?? null,
    },
  };
}

function markHotPartitions(partitions: PartitionEvaluation[], options: EvaluateOptions): PartitionEvaluation[] {
  const hot = new Set<PartitionEvaluation>();
  const hotOptions = {
    ...(options.hotPartitionFactor !== undefined ? { factor: options.hotPartitionFactor } : {}),
    ...(options.hotPartitionMinLag !== undefined ? { minLag: options.hotPartitionMinLag } : {}),
  };
  for (const topicPartitions of byTopic(partitions).values()) {
    for (const index of hotPartitions(topicPartitions.map((p) => p.lag), hotOptions)) hot.add(topicPartitions[index]!);
  }
  return partitions.map((p) => (hot.has(p) ? { ...p, hot: true } : p));
}

function aggregateTopics(partitions: readonly PartitionEvaluation[]): TopicLagAggregate[] {
  return [...byTopic(partitions).entries()].map(([topic, list]) => {
    const lags = sumLags(list.map((p) => p.lag));
    return {
      topic,
      sumLag: lags.sum,
      maxLag: lags.max,
      maxTimeLagSeconds: maxKnown(list.map((p) => p.timeLagSeconds)),
      partitions: list.length,
      partitionsWithUnknownLag: lags.unknown,
    };
  });
}

function byTopic(partitions: readonly PartitionEvaluation[]): Map<string, PartitionEvaluation[]> {
  const out = new Map<string, PartitionEvaluation[]>();
  for (const p of partitions) {
    const list = out.get(p.topic);
    if (list === undefined) out.set(p.topic, [p]);
    else list.push(p);
  }
  return out;
}

export function recordObservation(
  window: readonly CommitObservation[],
  observation: CommitObservation,
  options: CommitWindowOptions = {},
): CommitObservation[] {
  const size = options.size ?? LAG_DEFAULTS.burrowWindow;
  const minDistanceMs = options.minDistanceMs ?? LAG_DEFAULTS.minCommitDistanceMs;
  const last = window.at(-1);
  if (last !== undefined && observation.timeMs < last.timeMs) return [...window];
  const next = last !== undefined && observation.timeMs - last.timeMs < minDistanceMs ? [...window.slice(0, -1), observation] : [...window, observation];
  return next.length > size ? next.slice(next.length - size) : next;
}


export function evaluatePartitionStatus(input: PartitionStatusInput): PartitionStatusResult {
  const { window, currentLag, nowMs, consumerActive } = input;
  const windowSize = input.windowSize ?? LAG_DEFAULTS.burrowWindow;
  const complete = Math.min(1, window.length / windowSize);
  const ok = { status: PARTITION_STATUS.ok, complete };
  if (window.length === 0 || currentLag === null) return ok;
  if (currentLag <= (input.allowedLag ?? LAG_DEFAULTS.allowedLag)) return ok;

  if (consumerActive === false && isStopped(window, nowMs) && !wasRecentlyCaughtUp(window, input.recentLogEndOffsets)) {
    return { status: PARTITION_STATUS.stop, complete };
  }
  if (isLagAlwaysNonZero(window)) {
    if (hasUnrecoveredRewind(window)) return { status: PARTITION_STATUS.rewind, complete };
    if (window.length >= 2 && consumerActive === true && neverMoved(window)) return { status: PARTITION_STATUS.stall, complete };
    if (window.length >= 2 && lagNeverDecreased(window)) return { status: PARTITION_STATUS.warn, complete };
  }
  return ok;
}

/** When the newest committed offset was first observed (start of the final run of equal offsets). */
export function lastCommitTimeMs(window: readonly CommitObservation[]): number {
  let index = window.length - 1;
  const offset = window[index]!.offset;
  while (index > 0 && window[index - 1]!.offset === offset) index--;
  return window[index]!.timeMs;
}

function isStopped(window: readonly CommitObservation[], nowMs: number): boolean {
  const first = window[0]!.timeMs;
  const last = lastCommitTimeMs(window);
  return nowMs - last > last - first;
}

function wasRecentlyCaughtUp(window: readonly CommitObservation[], logEnds: readonly OffsetTimePoint[]): boolean {
  // Burrow looks at the broker offsets it kept for the window's period.
  const since = window[0]!.timeMs;
  const lastOffset = window.at(-1)!.offset;
  return logEnds.some((sample) => sample.timeMs >= since && sample.offset <= lastOffset);
}

function isLagAlwaysNonZero(window: readonly CommitObservation[]): boolean {
  // As Burrow: an observation with unknown lag does not count as "caught up".
  return window.every((observation) => observation.lag === null || observation.lag > 0n);
}

function hasUnrecoveredRewind(window: readonly CommitObservation[]): boolean {
  let highest = window[0]!.offset;
  let peakBeforeLastDrop: bigint | null = null;
  for (let i = 1; i < window.length; i++) {
    const { offset } = window[i]!;
    if (offset < window[i - 1]!.offset) peakBeforeLastDrop = highest;
    if (offset > highest) highest = offset;
  }
  return peakBeforeLastDrop !== null && window.at(-1)!.offset < peakBeforeLastDrop;
}

function neverMoved(window: readonly CommitObservation[]): boolean {
  return window.every((observation) => observation.offset === window[0]!.offset);
}

function lagNeverDecreased(window: readonly CommitObservation[]): boolean {
  let previous: bigint | null = null;
  for (const { lag } of window) {
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
  for (const status of statuses) {
    const asGroup: GroupStatus = status === PARTITION_STATUS.ok ? GROUP_STATUS.ok : status === PARTITION_STATUS.warn ? GROUP_STATUS.warn : GROUP_STATUS.err;
    if (GROUP_RANK[asGroup] > GROUP_RANK[worst]) worst = asGroup;
  }
  return worst;
}

export function hotPartitions(lags: ReadonlyArray<bigint | null>, options: HotPartitionOptions = {}): number[] {
  const factor = options.factor ?? LAG_DEFAULTS.hotPartitionFactor;
  const minLag = options.minLag ?? LAG_DEFAULTS.hotPartitionMinLag;
  const known = lags.flatMap((lag, index) => (lag === null ? [] : [{ lag, index }]));
  if (known.length < 2) return [];
  const total = known.reduce((sum, { lag }) => sum + lag, 0n);
  const others = known.length - 1;
  return known
    .filter(({ lag }) => {
      if (lag < minLag) return false;
      // lag > factor × (total − lag) / others, in exact arithmetic: lag × others > factor × (total − lag).
      // factor may be fractional: scale by 1000.
      const scaledFactor = BigInt(Math.round(factor * 1000));
      return lag * BigInt(others) * 1000n > scaledFactor * (total - lag);
    })
    .map(({ index }) => index);
}


export function rebalancesBetween(previous: PreviousGroupShape | undefined, current: CurrentGroupShape): { rebalances: number; fingerprint: string } {
  const fingerprint = membersFingerprint(current.members);
  if (previous === undefined || previous.state === null) return { rebalances: 0, fingerprint };
  if (current.generation !== null && previous.generation !== null) {
    if (current.generation >= previous.generation) return { rebalances: current.generation - previous.generation, fingerprint };
    return { rebalances: 1, fingerprint }; // the group was deleted and re-created
  }
  const wasRebalancing = REBALANCING_STATES.has(previous.state);
  const isRebalancing = REBALANCING_STATES.has(current.state);
  if (isRebalancing && !wasRebalancing) return { rebalances: 1, fingerprint };
  if (!wasRebalancing && previous.membersFingerprint !== null && previous.membersFingerprint !== fingerprint) return { rebalances: 1, fingerprint };
  return { rebalances: 0, fingerprint };
}

/** A short hash of the members and their assignment; stable across member order. */
export function membersFingerprint(members: readonly GroupMemberInfo[]): string {
  if (members.length === 0) return '';
  const canonical = members
    .map((member) => {
      const topics = [...member.assignment.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `${member.memberId}=${topics.map(([topic, partitions]) => `${topic}:${[...partitions].sort((a, b) => a - b).join(',')}`).join('|')}`;
    })
    .sort()
    .join('\n');
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 16);
}

export function partitionLag(offsets: PartitionOffsets): PartitionLag {
  const { committedOffset, logStartOffset, logEndOffset } = offsets;
  if (committedOffset === null || committedOffset < 0n) {
    return { lag: null, effectiveOffset: null, offsetStatus: OFFSET_STATUS.noCommittedOffset };
  }
  if (logEndOffset === null) {
    return { lag: null, effectiveOffset: committedOffset, offsetStatus: OFFSET_STATUS.logOffsetsUnavailable };
  }
  const clamped = logStartOffset !== null && committedOffset < logStartOffset;
  const effectiveOffset = clamped ? logStartOffset : committedOffset;
  const lag = logEndOffset > effectiveOffset ? logEndOffset - effectiveOffset : 0n;
  return { lag, effectiveOffset, offsetStatus: clamped ? OFFSET_STATUS.clampedToLogStart : OFFSET_STATUS.committed };
}


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


export function maxKnown(values: Iterable<number | null>): number | null {
  let max: number | null = null;
  for (const value of values) {
    if (value === null || !Number.isFinite(value)) continue;
    if (max === null || value > max) max = value;
  }
  return max;
}

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
