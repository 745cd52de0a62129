// Planning: a fixed number of batched Kafka requests whatever the partition count:
// one DescribeGroups (and one ListGroups when it reports the group inactive, to catch a
// KIP-848 group: see groupStatus), one listConsumerGroupOffsets (both groups for copyFromGroup), one
// Metadata, and one ListOffsets per kind (earliest, latest, and the timestamp for time
// strategies) covering every partition. (`@platformatic/kafka` refreshes metadata inside
// each listOffsets and fans each call out to the partition leaders.)
import type { Group } from '../kafka/index.ts';
import {
  byTopicPartition,
  committedMap,
  describeError,
  groupStatus,
  listOffsetsRequest,
  listedOffsetsMap,
  membersOf,
  normalizeGroupState,
  tpKey,
  type ResetAdmin,
} from './admin.ts';
import { LIST_OFFSETS_EARLIEST, LIST_OFFSETS_LATEST } from './constants.ts';
import { ResetPlanError } from './errors.ts';
import { loadOffsetsFile, type ReadS3Object } from './offsets-file.ts';
import { planPartitions, type PartitionSnapshot } from './plan-targets.ts';
import { strategyLabel } from './strategy.ts';
import { isoTime } from './time.ts';
import type { ResetInput, ResetPlan, TopicPartition } from './types.ts';

/** Options of {@link planReset}. */
export interface PlanOptions {
  /** Clock for `byDuration` and `createdAt`. @default Date.now */
  readonly now?: () => number;
  /** How `fromFile` reads `s3://` objects. @default s3ObjectReader() */
  readonly readS3Object?: ReadS3Object;
  /** The group, when the caller has just described it (saves a DescribeGroups). */
  readonly group?: Group | undefined;
}

async function kafka<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ResetPlanError) throw error;
    throw new ResetPlanError(`${what} failed: ${describeError(error)}`, { retriable: true, cause: error });
  }
}

/** Partitions in scope and, for `fromFile`, the offset each row gives. */
async function scopePartitions(
  admin: ResetAdmin,
  input: Pick<ResetInput, 'groupId' | 'scope' | 'strategy'>,
  committed: Map<string, bigint>,
  sourceCommitted: Map<string, bigint> | undefined,
  options: PlanOptions,
): Promise<{ partitions: TopicPartition[]; given: Map<string, bigint> | undefined; counts?: Map<string, number> }> {
  const { scope, strategy, groupId } = input;
  if (scope.type === 'file') {
    if (strategy.type !== 'fromFile') throw new ResetPlanError('a file scope needs the fromFile strategy');
    const rows = await loadOffsetsFile(strategy.source, groupId, options.readS3Object);
    return { partitions: rows.map(({ topic, partition }) => ({ topic, partition })), given: new Map(rows.map((r) => [tpKey(r), r.offset])) };
  }
  if (scope.type === 'allTopics') {
    // --all-topics means every partition the group has committed; copying from another
    // group, every partition *that* group has committed (the target may have none yet).
    const source = sourceCommitted ?? committed;
    const owner = strategy.type === 'copyFromGroup' ? strategy.groupId : groupId;
    if (source.size === 0) throw new ResetPlanError(`group '${owner}' has no committed offsets, so allTopics selects nothing; list the topics instead`);
    const partitions = [...source.keys()].map((key) => {
      const cut = key.lastIndexOf('-');
      return { topic: key.slice(0, cut), partition: Number(key.slice(cut + 1)) };
    });
    return { partitions, given: sourceCommitted };
  }
  // Explicit topics: partitions come from metadata (all of them unless listed); checked below.
  const metadata = await topicMetadata(admin, scope.topics.map((t) => t.topic));
  const partitions = scope.topics.flatMap((t) => {
    const count = metadata.get(t.topic) ?? 0;
    return (t.partitions ?? Array.from({ length: count }, (_, i) => i)).map((partition) => ({ topic: t.topic, partition }));
  });
  return { partitions, given: sourceCommitted, counts: metadata };
}

/** Partition counts per topic (one Metadata request); a missing topic is an error naming it. */
async function topicMetadata(admin: ResetAdmin, topics: readonly string[]): Promise<Map<string, number>> {
  const unique = [...new Set(topics)];
  const metadata = await kafka(`reading metadata of ${unique.join(', ')}`, async () => {
    try {
      return await admin.metadata({ topics: unique, forceUpdate: true });
    } catch (error) {
      // @platformatic/kafka reports a missing topic as a UserError "Unknown topic <name>."
      if (/unknown topic/i.test(describeError(error))) throw new ResetPlanError(`topic does not exist: ${describeError(error)}`, { cause: error });
      throw error;
    }
  });
  const out = new Map<string, number>();
  for (const topic of unique) {
    const t = metadata.topics.get(topic);
    if (!t) throw new ResetPlanError(`topic '${topic}' does not exist`);
    const leaderless = t.partitions.map((p, i) => ({ leader: p.leader, i })).filter((p) => p.leader < 0);
    if (leaderless.length > 0) {
      throw new ResetPlanError(`The partitions "${leaderless.map((p) => `${topic}-${p.i}`).join(',')}" have no leader`, { retriable: true });
    }
    out.set(topic, t.partitionsCount);
  }
  return out;
}

/**
 * Plans a reset: where every partition in scope is, and where the strategy puts it.
 * Read-only; safe on a running group (the execution re-plans once the group is Empty).
 *
 * @example
 * const plan = await planReset(admin, parseResetInput({ groupId: 'email', allTopics: true, strategy: 'earliest' }));
 * console.table(plan.partitions);
 */
export async function planReset(admin: ResetAdmin, input: Pick<ResetInput, 'groupId' | 'scope' | 'strategy'>, options: PlanOptions = {}): Promise<ResetPlan> {
  const now = options.now ?? Date.now;
  const { groupId, strategy } = input;
  const sourceGroup = strategy.type === 'copyFromGroup' ? strategy.groupId : undefined;

  const [status, offsets] = await Promise.all([
    options.group
      ? Promise.resolve({ state: normalizeGroupState(options.group.state), members: membersOf(options.group) })
      : kafka(`describing group '${groupId}'`, () => groupStatus(admin, groupId)),
    kafka(`listing committed offsets of group '${groupId}'`, () => admin.listConsumerGroupOffsets({ groups: sourceGroup ? [groupId, sourceGroup] : [groupId] })),
  ]);
  const committed = committedMap(offsets, groupId);
  const sourceCommitted = sourceGroup ? committedMap(offsets, sourceGroup) : undefined;

  const { partitions: scoped, given, counts: known } = await scopePartitions(admin, input, committed, sourceCommitted, options);
  const partitions = [...new Map(scoped.map((p) => [tpKey(p), p])).values()].sort(byTopicPartition);
  if (partitions.length === 0) throw new ResetPlanError(`nothing to reset for group '${groupId}': the scope has no partitions`);

  // Kafka's checkAllTopicPartitionsValid: every partition must exist (and have a leader).
  // Explicit topics were looked up when expanded; the other scopes are looked up here.
  const counts = known ?? (await topicMetadata(admin, partitions.map((p) => p.topic)));
  const missing = partitions.filter((p) => p.partition >= (counts.get(p.topic) ?? 0));
  if (missing.length > 0) throw new ResetPlanError(`The partitions "${missing.map(tpKey).join(',')}" do not exist`);

  let timestampMs: number | undefined;
  if (strategy.type === 'toDatetime') timestampMs = strategy.timestampMs;
  // Negative ListOffsets timestamps are sentinels (-1 latest, -2 earliest, -3 max
  // timestamp...); a duration reaching before 1970 must not turn into one: clamp at 0.
  if (strategy.type === 'byDuration') timestampMs = Math.max(0, now() - strategy.durationMs);

  const [starts, ends, atTime] = await Promise.all([
    kafka('listing earliest offsets', () => admin.listOffsets(listOffsetsRequest(partitions, LIST_OFFSETS_EARLIEST))),
    kafka('listing latest offsets', () => admin.listOffsets(listOffsetsRequest(partitions, LIST_OFFSETS_LATEST))),
    timestampMs === undefined
      ? Promise.resolve(undefined)
      : kafka(`listing offsets at ${isoTime(timestampMs)}`, () => admin.listOffsets(listOffsetsRequest(partitions, BigInt(timestampMs!)))),
  ]);
  const startMap = listedOffsetsMap(starts);
  const endMap = listedOffsetsMap(ends);
  const timeMap = atTime ? listedOffsetsMap(atTime) : undefined;

  const snapshots: PartitionSnapshot[] = partitions.map((p) => {
    const key = tpKey(p);
    const logStart = startMap.get(key);
    const logEnd = endMap.get(key);
    if (logStart === undefined || logEnd === undefined) throw new ResetPlanError(`Kafka returned no log offsets for topic partition ${key}`, { retriable: true });
    return { ...p, committed: committed.get(key), logStart, logEnd, timestampOffset: timeMap?.get(key), given: given?.get(key) };
  });
  const planned = planPartitions(strategy, snapshots);
  return {
    groupId,
    strategy: strategyLabel(strategy),
    timestampMs,
    groupState: status.state,
    memberCount: status.members.length,
    createdAt: isoTime(now()),
    partitions: planned,
    totals: {
      partitions: planned.length,
      warnings: planned.reduce((n, p) => n + p.warnings.length, 0),
      lagBefore: planned.reduce((sum, p) => sum + (p.lagBefore ?? 0n), 0n),
      lagAfter: planned.reduce((sum, p) => sum + p.lagAfter, 0n),
    },
  };
}
