// kafka-consumer-groups.sh --describe (offsets, --members, --state) as data: one
// DescribeGroups, one listConsumerGroupOffsets, one ListOffsets (latest) for every
// partition that is assigned or committed.
import { byTopicPartition, committedMap, describeError, groupStatus, listOffsetsRequest, listedOffsetsMap, tpKey, type ResetAdmin } from './admin.ts';
import { LIST_OFFSETS_LATEST } from './constants.ts';
import { ResetPlanError } from './errors.ts';
import type { GroupMemberSummary, TopicPartition } from './types.ts';

/** One row of the offsets view. */
export interface DescribedPartition extends TopicPartition {
  /** `undefined` when the group never committed here (printed "-"). */
  readonly committed: bigint | undefined;
  /** `undefined` when the topic no longer exists or has no leader. */
  readonly logEnd: bigint | undefined;
  /** `logEnd - committed`, at least 0; `undefined` without both (kafka-consumer-groups.sh prints "-"). */
  readonly lag: bigint | undefined;
  /** The member it is assigned to; `undefined` when unassigned. */
  readonly memberId: string | undefined;
  readonly host: string | undefined;
  readonly clientId: string | undefined;
}

/** A consumer group as `groupctl describe` shows it. */
export interface GroupDescription {
  readonly groupId: string;
  /** `Empty`, `Stable`, `PreparingRebalance`, `CompletingRebalance`, or `Dead` (no such group). */
  readonly state: string;
  /** A KIP-848 (`group.protocol=consumer`) group: DescribeGroups does not list its members. */
  readonly consumerProtocol: boolean;
  /** The assignor of the current generation (`range`, `roundrobin`...), "" when Empty. */
  readonly assignmentStrategy: string;
  readonly members: readonly GroupMemberSummary[];
  readonly partitions: readonly DescribedPartition[];
  /** Sum of `lag` over partitions that have one. */
  readonly totalLag: bigint;
}

async function latestOffsets(admin: ResetAdmin, partitions: readonly TopicPartition[]): Promise<Map<string, bigint>> {
  if (partitions.length === 0) return new Map();
  try {
    return listedOffsetsMap(await admin.listOffsets(listOffsetsRequest(partitions, LIST_OFFSETS_LATEST)));
  } catch {
    // A committed offset can outlive its topic: ask topic by topic so one deleted topic
    // does not hide the lag of the others (its rows show "-" like kafka-consumer-groups.sh).
    const topics = [...new Set(partitions.map((p) => p.topic))];
    const settled = await Promise.allSettled(
      topics.map((topic) => admin.listOffsets(listOffsetsRequest(partitions.filter((p) => p.topic === topic), LIST_OFFSETS_LATEST))),
    );
    const out = new Map<string, bigint>();
    for (const s of settled) if (s.status === 'fulfilled') for (const [k, v] of listedOffsetsMap(s.value)) out.set(k, v);
    return out;
  }
}

/**
 * Describes a group: state, members (client id, host, assignment) and, per partition,
 * committed offset, log end and lag.
 *
 * @example
 * const d = await describeGroup(admin, 'email');
 * console.log(d.state, d.totalLag);
 */
export async function describeGroup(admin: ResetAdmin, groupId: string): Promise<GroupDescription> {
  let status;
  let offsets;
  try {
    [status, offsets] = await Promise.all([groupStatus(admin, groupId), admin.listConsumerGroupOffsets({ groups: [groupId] })]);
  } catch (error) {
    throw new ResetPlanError(`describing group '${groupId}' failed: ${describeError(error)}`, { retriable: true, cause: error });
  }
  const group = status.group;
  const members = status.members;
  const committed = committedMap(offsets, groupId);

  const owner = new Map<string, GroupMemberSummary>();
  for (const m of members) for (const tp of m.assignment) owner.set(tpKey(tp), m);
  const all = new Map<string, TopicPartition>();
  for (const m of members) for (const tp of m.assignment) all.set(tpKey(tp), tp);
  for (const key of committed.keys()) {
    if (all.has(key)) continue;
    const cut = key.lastIndexOf('-');
    all.set(key, { topic: key.slice(0, cut), partition: Number(key.slice(cut + 1)) });
  }
  const partitions = [...all.values()].sort(byTopicPartition);
  const ends = await latestOffsets(admin, partitions);

  const rows: DescribedPartition[] = partitions.map((tp) => {
    const key = tpKey(tp);
    const c = committed.get(key);
    const end = ends.get(key);
    const m = owner.get(key);
    return {
      topic: tp.topic,
      partition: tp.partition,
      committed: c,
      logEnd: end,
      lag: c !== undefined && end !== undefined ? (end > c ? end - c : 0n) : undefined,
      memberId: m?.memberId,
      host: m?.host,
      clientId: m?.clientId,
    };
  });
  return {
    groupId,
    state: status.state,
    consumerProtocol: status.consumerProtocol,
    assignmentStrategy: group?.protocol ?? '',
    members,
    partitions: rows,
    totalLag: rows.reduce((sum, r) => sum + (r.lag ?? 0n), 0n),
  };
}
