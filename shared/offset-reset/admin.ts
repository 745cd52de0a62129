// The Kafka admin calls this module makes, as an interface: shared/kafka's `KafkaAdmin`
// satisfies it, and unit tests pass a fake.
import type {
  AlterConsumerGroupOffsetsOptions,
  ClusterMetadata,
  DeleteConsumerGroupOffsetsOptions,
  Group,
  GroupListing,
  ListConsumerGroupOffsetsGroup,
  ListConsumerGroupOffsetsOptions,
  ListGroupsOptions,
  ListOffsetsOptions,
  ListedOffsetsTopic,
  MetadataOptions,
} from '../kafka/index.ts';
import type { GroupMemberSummary, TopicPartition } from './types.ts';

/** The subset of shared/kafka's `KafkaAdmin` used here. */
export interface ResetAdmin {
  describeGroups(options: { groups: readonly string[] }): Promise<Map<string, Group>>;
  listGroups(options?: ListGroupsOptions): Promise<Map<string, GroupListing>>;
  listConsumerGroupOffsets(options: ListConsumerGroupOffsetsOptions): Promise<ListConsumerGroupOffsetsGroup[]>;
  listOffsets(options: ListOffsetsOptions): Promise<ListedOffsetsTopic[]>;
  alterConsumerGroupOffsets(options: AlterConsumerGroupOffsetsOptions): Promise<void>;
  deleteConsumerGroupOffsets(options: DeleteConsumerGroupOffsetsOptions): Promise<{ name: string; partitionIndexes: number[] }[]>;
  metadata(options: MetadataOptions): Promise<ClusterMetadata>;
}

/** `topic-partition`, the key Kafka tools print. */
export function tpKey(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`;
}

/** Sorts by topic, then partition (kafka-consumer-groups.sh's order). */
export function byTopicPartition(a: TopicPartition, b: TopicPartition): number {
  return a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition;
}

/** Groups topic-partitions by topic, in the request shape Kafka's APIs take. */
export function byTopic<T extends TopicPartition>(items: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const list = out.get(item.topic);
    if (list) list.push(item);
    else out.set(item.topic, [item]);
  }
  return out;
}

const STATE_NAMES: Record<string, string> = {
  EMPTY: 'Empty',
  DEAD: 'Dead',
  STABLE: 'Stable',
  PREPARING_REBALANCE: 'PreparingRebalance',
  COMPLETING_REBALANCE: 'CompletingRebalance',
  ASSIGNING: 'Assigning',
  RECONCILING: 'Reconciling',
  NOT_READY: 'NotReady',
};

/** Group state in Kafka's spelling (`Empty`, `Stable`...), whichever spelling the client returned. */
export function normalizeGroupState(state: string): string {
  return STATE_NAMES[state] ?? state;
}

/**
 * Whether offsets may be written: kafka-consumer-groups.sh resets only `Empty` or `Dead`
 * groups, and the broker rejects a commit from outside the generation of a group with
 * members (UNKNOWN_MEMBER_ID).
 */
export function isInactive(group: { state: string; members: ReadonlyMap<string, unknown> } | undefined): boolean {
  if (!group) return true;
  const state = normalizeGroupState(group.state);
  return (state === 'Empty' || state === 'Dead') && group.members.size === 0;
}

/** A group's state as the reset sees it. */
export interface GroupStatus {
  /** The classic DescribeGroups answer (`undefined` if Kafka returned none). */
  readonly group: Group | undefined;
  /** `Empty`, `Stable`, `Dead`... (for a KIP-848 group, its ListGroups state). */
  readonly state: string;
  readonly members: GroupMemberSummary[];
  /** Whether offsets may be written: Empty or Dead, no members. */
  readonly inactive: boolean;
  /** A KIP-848 (`group.protocol=consumer`) group, whose members DescribeGroups cannot list. */
  readonly consumerProtocol: boolean;
}

/**
 * Describes a group, and when classic DescribeGroups calls it inactive, asks ListGroups
 * (types: consumer) whether it is a KIP-848 group: DescribeGroups answers "Dead, no
 * members" for those even while they consume (seen on Kafka 4.4), which would let a reset
 * proceed into UNKNOWN_MEMBER_ID. Brokers without KIP-848 reject the type filter; then
 * there can be no such group.
 */
export async function groupStatus(admin: ResetAdmin, groupId: string): Promise<GroupStatus> {
  const group = (await admin.describeGroups({ groups: [groupId] })).get(groupId);
  const state = group ? normalizeGroupState(group.state) : 'Dead';
  const members = membersOf(group);
  if ((state === 'Dead' || state === 'Empty') && members.length === 0) {
    let listed: GroupListing | undefined;
    try {
      listed = (await admin.listGroups({ types: ['consumer'] })).get(groupId);
    } catch (error) {
      if (!/unsupported/i.test(describeError(error))) throw error;
    }
    if (listed) {
      const listedState = normalizeGroupState(listed.state);
      return { group, state: listedState, members, inactive: listedState === 'Empty' || listedState === 'Dead', consumerProtocol: true };
    }
  }
  return { group, state, members, inactive: isInactive(group), consumerProtocol: false };
}

/** The members of a described group, with their assignments. */
export function membersOf(group: Group | undefined): GroupMemberSummary[] {
  if (!group) return [];
  return [...group.members.values()].map((m) => ({
    memberId: m.id,
    clientId: m.clientId,
    host: m.clientHost,
    groupInstanceId: m.groupInstanceId ?? undefined,
    assignment: [...(m.assignments?.values() ?? [])].flatMap((a) => a.partitions.map((partition) => ({ topic: a.topic, partition }))).sort(byTopicPartition),
  }));
}

/** Topics a member subscribes to (from its join metadata). */
export function subscribedTopics(group: Group | undefined): Set<string> {
  const topics = new Set<string>();
  for (const m of group?.members.values() ?? []) for (const t of m.metadata?.topics ?? []) topics.add(t);
  for (const m of group?.members.values() ?? []) for (const t of m.assignments?.keys() ?? []) topics.add(t);
  return topics;
}

/**
 * Committed offsets of one group, keyed `topic-partition`. Kafka answers -1 for a
 * partition that was asked about but never committed: that is "no commit".
 */
export function committedMap(groups: readonly ListConsumerGroupOffsetsGroup[], groupId: string): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const topic of groups.find((g) => g.groupId === groupId)?.topics ?? []) {
    for (const p of topic.partitions) if (p.committedOffset >= 0n) out.set(tpKey({ topic: topic.name, partition: p.partitionIndex }), p.committedOffset);
  }
  return out;
}

/** One ListOffsets answer, keyed `topic-partition`. */
export function listedOffsetsMap(topics: readonly ListedOffsetsTopic[]): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const t of topics) for (const p of t.partitions) out.set(tpKey({ topic: t.name, partition: p.partitionIndex }), p.offset);
  return out;
}

/** One ListOffsets request for every partition at the same `timestamp` (-1 latest, -2 earliest, or epoch ms). */
export function listOffsetsRequest(partitions: readonly TopicPartition[], timestamp: bigint): ListOffsetsOptions {
  return {
    topics: [...byTopic(partitions)].map(([name, list]) => ({ name, partitions: list.map((p) => ({ partitionIndex: p.partition, timestamp })) })),
  };
}

/** Text of an error, including errors nested in `errors` (AggregateError). */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const nested = (error as Error & { errors?: unknown[] }).errors;
  const inner = Array.isArray(nested) && nested.length > 0 ? ` (${nested.map((e) => describeError(e)).join('; ')})` : '';
  return `${error.message}${inner}`;
}
