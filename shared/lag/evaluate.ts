import { partitionStatusOf, worseGroupStatus } from './burrow.ts';
import { MAX_WINDOW_SIZE, TopicCommitWindows } from './commit-windows.ts';
import { LagConfigError } from './errors.ts';
import { GROUP_STATUS, LAG_DEFAULTS, PARTITION_STATUS, TIME_LAG_QUALITY } from './constants.ts';
import type { GroupStatus, PartitionStatus } from './constants.ts';
import { exceedsFairShare, rebalancesBetween, scaledHotFactor } from './group-health.ts';
import { effectiveOffsetOf, lagOf, offsetStatusOf } from './partition-lag.ts';
import { addSample, isOrderedTable, timeLagInto } from './time-lag.ts';
import type { TimeLagSlot } from './time-lag.ts';
import type {
  CollectedGroup,
  CollectedTopic,
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

/**
 * Throws a `LagConfigError` naming the option when `options` cannot be evaluated with:
 * the commit windows hold 1 to {@link MAX_WINDOW_SIZE} observations.
 */
export function checkEvaluateOptions(options: EvaluateOptions): void {
  const window = options.burrowWindow ?? LAG_DEFAULTS.burrowWindow;
  if (!Number.isInteger(window) || window < 1 || window > MAX_WINDOW_SIZE) {
    throw new LagConfigError('burrowWindow', `expected a whole number of observations from 1 to ${MAX_WINDOW_SIZE}, got ${window}`);
  }
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
  return new CycleEvaluator(loaded, nowMs, options).finish(collection);
}

/**
 * {@link evaluateCycle} one group at a time, so that a monitor can evaluate the groups
 * whose data is in while the brokers are still answering for the others
 * (`CollectLagOptions.onGroup`). `finish` evaluates the groups not added yet and returns
 * exactly what `evaluateCycle` returns for the same collection: a group's evaluation
 * depends only on the group, its state, its topics' samples, `nowMs` and the options.
 *
 * The caller's contract: a group added early, and the topics given with it, are the very
 * objects of the collection later passed to `finish`; its state and its topics' states are
 * in `loaded` when it is added (entries may be added to `loaded` later, for other groups).
 *
 * @example
 * const evaluator = new CycleEvaluator(loaded, nowMs, options);
 * await collectLag(admin, { onGroup: (group, topics) => evaluator.add(group, topics) });
 */
export class CycleEvaluator {
  readonly #loaded: LoadedLagState;
  readonly #nowMs: number;
  readonly #options: EvaluateOptions;
  readonly #maxPoints: number;
  /** Per topic, indexed by partition: an array read instead of a Map lookup per group partition. */
  readonly #samples = new Map<string, SampleTable[]>();
  readonly #topicStates = new Map<string, TopicLagState>();
  readonly #added = new Map<CollectedGroup, { evaluation: GroupEvaluation; state: GroupLagState | undefined }>();

  constructor(loaded: LoadedLagState, nowMs: number, options: EvaluateOptions = {}) {
    this.#loaded = loaded;
    this.#nowMs = nowMs;
    this.#options = options;
    this.#maxPoints = options.timeLagMaxPoints ?? LAG_DEFAULTS.timeLagMaxPoints;
    checkEvaluateOptions(options);
  }

  get nowMs(): number {
    return this.#nowMs;
  }

  /** Evaluates `group` now; `topics` holds (at least) every topic its partitions are on. */
  add(group: CollectedGroup, topics: ReadonlyMap<string, CollectedTopic>): void {
    let topic: string | undefined;
    for (const p of group.partitions) {
      if (p.topic === topic) continue;
      topic = p.topic;
      const collected = topics.get(topic);
      if (collected !== undefined) this.#sampleTables(collected);
    }
    this.#added.set(group, evaluateGroup(group, this.#loaded.groups.get(group.groupId), this.#samples, this.#nowMs, this.#options));
  }

  /** Evaluates the rest of `collection` and returns the whole cycle, in the collection's order. */
  finish(collection: LagCollection): CycleEvaluation {
    const topicStates: TopicLagState[] = [];
    for (const topic of collection.topics.values()) {
      this.#sampleTables(topic);
      topicStates.push(this.#topicStates.get(topic.topic)!);
    }
    const groups: GroupEvaluation[] = [];
    const groupStates: GroupLagState[] = [];
    for (const group of collection.groups) {
      const { evaluation, state } = this.#added.get(group) ?? evaluateGroup(group, this.#loaded.groups.get(group.groupId), this.#samples, this.#nowMs, this.#options);
      groups.push(evaluation);
      if (state !== undefined) groupStates.push(state);
    }
    for (const groupId of collection.vanishedGroups) groups.push(vanished(groupId, this.#loaded.groups.get(groupId)));
    return { groups, groupStates, topicStates };
  }

  /** This cycle's sample table of every partition of `topic` (once per topic), and the topic's next state. */
  #sampleTables(topic: CollectedTopic): void {
    if (this.#samples.has(topic.topic)) return;
    const nowMs = this.#nowMs;
    const previous = this.#loaded.topics.get(topic.topic)?.samples ?? new Map<number, readonly OffsetTimePoint[]>();
    const next = new Map<number, readonly OffsetTimePoint[]>();
    const tables: SampleTable[] = [];
    for (let partition = 0; partition < topic.partitionCount; partition++) {
      const table = previous.get(partition) ?? [];
      const logEnd = topic.logEndOffsets[partition] ?? null;
      const points = logEnd === null ? table : addSample(table, { offset: logEnd, timeMs: nowMs }, this.#maxPoints).table;
      next.set(partition, points);
      tables.push({ points, ordered: isOrdered(table, points) });
    }
    this.#samples.set(topic.topic, tables);
    this.#topicStates.set(topic.topic, { topic: topic.topic, lastSeenMs: nowMs, samples: next });
  }
}

/** A group known from earlier cycles and no longer listed. */
function vanished(groupId: string, previous: GroupLagState | undefined): GroupEvaluation {
  return notEvaluated({ groupId, type: previous?.type ?? 'classic', state: 'Dead', members: [], generation: null, status: GROUP_STATUS.notFound, errors: [] });
}

/** A group whose partitions were not evaluated: no lag, no topics, nothing complete. */
function notEvaluated(group: Pick<GroupEvaluation, 'groupId' | 'type' | 'state' | 'members' | 'generation' | 'status' | 'errors'>): GroupEvaluation {
  return { ...group, totalLag: 0n, maxLagPartition: null, complete: 0, rebalances: 0, topics: [], partitions: [], evaluated: false };
}

/**
 * Sample tables known to be ordered (`isOrderedTable`). `addSample` keeps an ordered table
 * ordered, so when last cycle's table is known ordered (the in-memory store hands back the
 * very arrays saved), this cycle's is too without reading its samples again: they were
 * allocated over the last hour of cycles and reading them is mostly cache misses. Tables
 * are never mutated once built (see `InMemoryLagStateStore`).
 */
const orderedTables = new WeakSet<readonly OffsetTimePoint[]>();

function isOrdered(previous: readonly OffsetTimePoint[], points: readonly OffsetTimePoint[]): boolean {
  // A short table is read faster than a WeakSet is looked up.
  if (points.length <= 8) return isOrderedTable(points);
  if (orderedTables.has(points) || (orderedTables.has(previous) && points !== previous)) {
    orderedTables.add(points);
    return true;
  }
  if (!isOrderedTable(points)) return false;
  orderedTables.add(points);
  return true;
}

/** Shared by partitions that have none: only ever read. */
const NO_POINTS: readonly never[] = [];

/** A partition's log end samples this cycle, and whether they are ordered (`isOrderedTable`), checked once for every group reading them. */
interface SampleTable {
  readonly points: readonly OffsetTimePoint[];
  readonly ordered: boolean;
}
const NO_SAMPLES: SampleTable = { points: NO_POINTS, ordered: true };

/** A partition evaluation still being built: `hot` is set once its topic is complete. */
type PartitionDraft = { -readonly [K in keyof PartitionEvaluation]: PartitionEvaluation[K] };

/** Running aggregates of one topic of a group (the `TopicLagAggregate` and hot partitions). */
interface TopicDraft {
  readonly topic: string;
  /** Its partitions (they are in the group's `partitions`, not copied: hot ones are rare, see below). */
  partitions: number;
  /** Sum, maximum and count of the known lags; partitions with an unknown one. */
  sum: bigint;
  max: bigint | null;
  known: number;
  unknown: number;
  maxTimeLagSeconds: number | null;
}

/**
 * One group, in one pass over its partitions (this runs for every partition of every group
 * each cycle): per-topic aggregates, the group's totals and status are folded in as the
 * partitions are evaluated, and hot partitions are flagged on the new evaluations once
 * their topic is complete, instead of collecting, grouping and copying them afterwards.
 */
function evaluateGroup(
  group: CollectedGroup,
  previous: GroupLagState | undefined,
  samples: ReadonlyMap<string, readonly SampleTable[]>,
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
      evaluation: notEvaluated({ groupId: group.groupId, type: group.type, state: group.state, members: group.members, generation: group.generation, status: GROUP_STATUS.ok, errors: group.errors }),
      state: undefined,
    };
  }

  const allowedLag = options.allowedLag ?? LAG_DEFAULTS.allowedLag;
  const maxExtrapolationRatio = options.maxExtrapolationRatio ?? LAG_DEFAULTS.maxExtrapolationRatio;
  // Members whose assignment could not be decoded (a non-standard protocol) still consume:
  // then any member counts as the owner of every partition.
  const assignmentsKnown = group.members.some((m) => m.assignment.size > 0);
  const anyMemberOwns = !assignmentsKnown && group.members.length > 0;
  const windows = new Map<string, TopicCommitWindows>();
  const partitions: PartitionDraft[] = [];
  const topicDrafts = new Map<string, TopicDraft>();
  let maxLagPartition: PartitionDraft | null = null;
  let committedPartitions = 0;
  let completePartitions = 0;
  let worst: GroupStatus = GROUP_STATUS.ok;
  // Each partition's time lag is written here and copied into its evaluation right away.
  const time: TimeLagSlot = { seconds: null, quality: TIME_LAG_QUALITY.unknown };

  // Partitions come grouped by topic: per-topic lookups happen once per run of a topic.
  let topic: string | undefined;
  let topicSamples: readonly SampleTable[] | undefined;
  let topicWindows: TopicCommitWindows | undefined;
  let draft: TopicDraft | undefined;
  for (const p of group.partitions) {
    if (p.topic !== topic || draft === undefined) {
      topic = p.topic;
      topicSamples = samples.get(topic);
      topicWindows = windows.get(topic);
      draft = topicDrafts.get(topic);
      if (draft === undefined) {
        draft = { topic, partitions: 0, sum: 0n, max: null, known: 0, unknown: 0, maxTimeLagSeconds: null };
        topicDrafts.set(topic, draft);
      }
    }
    // `partitionLag(p)`, without its result object.
    const offsetStatus = offsetStatusOf(p);
    const effectiveOffset = effectiveOffsetOf(p, offsetStatus);
    const lag = lagOf(effectiveOffset, p.logEndOffset);
    const table = topicSamples?.[p.partition] ?? NO_SAMPLES;
    let status: PartitionStatus = PARTITION_STATUS.ok;
    let complete = 0;
    if (p.committedOffset !== null) {
      // The raw committed offset, not the clamped one: retention moving the log start
      // past a stuck consumer must not look like progress.
      if (topicWindows === undefined) {
        topicWindows = TopicCommitWindows.after(previous?.windows.get(topic), { capacity: windowOptions.size, slots: topicSamples?.length ?? p.partition + 1 });
        windows.set(topic, topicWindows);
      }
      topicWindows.record(p.partition, p.committedOffset, lag, nowMs, windowOptions.minDistanceMs);
      const consumerActive = !group.described ? null : p.owner !== null || anyMemberOwns;
      status = partitionStatusOf(topicWindows, p.partition, lag, nowMs, consumerActive, table.points, table.ordered, allowedLag);
      complete = Math.min(1, topicWindows.length(p.partition) / windowOptions.size);
      committedPartitions++;
      if (complete >= 1) completePartitions++;
    }
    // A known lag implies both offsets are known.
    if (lag === null || effectiveOffset === null || p.logEndOffset === null) {
      time.seconds = null;
      time.quality = TIME_LAG_QUALITY.unknown;
    } else timeLagInto(time, table.points, table.ordered, effectiveOffset, p.logEndOffset, nowMs, maxExtrapolationRatio);
    const evaluation: PartitionDraft = {
      topic,
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
    };
    partitions.push(evaluation);
    draft.partitions++;
    worst = worseGroupStatus(worst, status);
    if (lag === null) draft.unknown++;
    else {
      draft.known++;
      draft.sum += lag;
      if (draft.max === null || lag > draft.max) draft.max = lag;
      if (maxLagPartition === null || lag > maxLagPartition.lag!) maxLagPartition = evaluation;
    }
    const seconds = time.seconds;
    if (seconds !== null && Number.isFinite(seconds) && (draft.maxTimeLagSeconds === null || seconds > draft.maxTimeLagSeconds)) draft.maxTimeLagSeconds = seconds;
  }

  for (const w of windows.values()) w.seal();
  const topics: TopicLagAggregate[] = [];
  let total = 0n;
  const hotFactor = options.hotPartitionFactor ?? LAG_DEFAULTS.hotPartitionFactor;
  const hotMinLag = options.hotPartitionMinLag ?? LAG_DEFAULTS.hotPartitionMinLag;
  let scaledFactor: bigint | undefined;
  for (const t of topicDrafts.values()) {
    total += t.sum;
    topics.push({ topic: t.topic, sumLag: t.sum, maxLag: t.max, maxTimeLagSeconds: t.maxTimeLagSeconds, partitions: t.partitions, partitionsWithUnknownLag: t.unknown });
    // Hot partitions (`hotPartitions`): only among two or more known lags of the topic.
    if (t.known < 2 || t.max === null || t.max < hotMinLag) continue;
    const others = BigInt(t.known - 1);
    scaledFactor ??= scaledHotFactor(hotFactor);
    // With a factor ≥ 0, `exceedsFairShare` only grows with the lag (lag × (others × 1000 +
    // factor) > factor × total): when the topic's largest lag is not hot, none is, and its
    // partitions need not be read again. Usual topics have no hot partition.
    if (scaledFactor >= 0n && !exceedsFairShare(t.max, t.sum, others, scaledFactor)) continue;
    for (const p of partitions) {
      if (p.topic === t.topic && p.lag !== null && p.lag >= hotMinLag && exceedsFairShare(p.lag, t.sum, others, scaledFactor)) p.hot = true;
    }
  }
  const complete = committedPartitions === 0 ? 0 : completePartitions / committedPartitions;
  const status = group.state === 'Dead' ? GROUP_STATUS.notFound : worst;

  return {
    evaluation: {
      groupId: group.groupId,
      type: group.type,
      state: group.state,
      members: group.members,
      generation: group.generation,
      status,
      totalLag: total,
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
