import { evaluatePartitionStatus, groupStatusOf, recordObservation } from './burrow.ts';
import { GROUP_STATUS, LAG_DEFAULTS, TIME_LAG_QUALITY } from './constants.ts';
import { hotPartitions, rebalancesBetween } from './group-health.ts';
import { maxKnown, partitionLag, sumLags } from './partition-lag.ts';
import { addSample, timeLag } from './time-lag.ts';
import type {
  CollectedGroup,
  CommitObservation,
  GroupEvaluation,
  GroupLagState,
  LagCollection,
  LoadedLagState,
  OffsetTimePoint,
  PartitionEvaluation,
  TopicLagAggregate,
  TopicLagState,
} from './types.ts';

/** Options of {@link evaluateCycle}; see `LAG_DEFAULTS` for the defaults. */
export interface EvaluateOptions {
  /** Burrow window (observations per partition). @default 10 */
  readonly burrowWindow?: number;
  /** Burrow min-distance between observations. @default 1000 */
  readonly minCommitDistanceMs?: number;
  /** Lag at or below which a partition is OK. @default 0n */
  readonly allowedLag?: bigint;
  /** Samples per partition in the time-lag table. @default 60 */
  readonly timeLagMaxPoints?: number;
  /** Backward extrapolation bound, × the table span. @default 1 */
  readonly maxExtrapolationRatio?: number;
  /** Hot partition factor (× mean lag of the other partitions). @default 3 */
  readonly hotPartitionFactor?: number;
  /** Hot partition minimum lag. @default 100n */
  readonly hotPartitionMinLag?: bigint;
}

/** Result of {@link evaluateCycle}. */
export interface CycleEvaluation {
  readonly groups: GroupEvaluation[];
  /** State to persist: groups evaluated this cycle and topics sampled this cycle. */
  readonly groupStates: GroupLagState[];
  readonly topicStates: TopicLagState[];
}

/**
 * Turns one collection plus the remembered state into statuses, lags and the next state.
 * Pure: the same inputs give the same outputs (the clock is `nowMs`).
 *
 * Groups whose committed offsets could not be read are reported with their errors and no
 * lag, and their state is left as it was. Groups known from earlier cycles but no longer
 * listed are reported `NOTFOUND`.
 *
 * @example
 * const { groups, groupStates, topicStates } = evaluateCycle(collection, loaded, Date.now());
 */
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
