// The validated, indexed form of an `AssignmentInput` every strategy works on. Partitions are
// numbered globally (topics in name order, then partition number), so "sorted by (topic,
// partition)" is "sorted by number" and per-partition state fits in typed arrays.
import { javaHashMapOrder } from './java-hash-order.ts';
import type { Assignment, MemberSubscription, TopicPartitions } from './types.ts';

export interface AssignContext {
  /** Topics that at least one member subscribes to and that have metadata, in name order. */
  readonly topics: readonly string[];
  readonly topicIndex: ReadonlyMap<string, number>;
  /** Partition count per topic. */
  readonly counts: Int32Array;
  /** Global number of each topic's partition 0; `offsets[topics.length]` is `total`. */
  readonly offsets: Int32Array;
  readonly total: number;
  /** Topic index of each global partition. */
  readonly topicOf: Int32Array;
  /** Members sorted by member id (Java `String.compareTo` order: UTF-16 code units). */
  readonly members: readonly MemberSubscription[];
  readonly memberIds: readonly string[];
  /** Known subscribed topic indices per member, ascending. */
  readonly memberTopics: readonly Int32Array[];
  /** Subscribed member indices per topic, ascending. */
  readonly topicMembers: readonly Int32Array[];
  /** Member indices in Java HashMap iteration order (see java-hash-order.ts). */
  readonly hashOrder: Int32Array;
  /** True when every member subscribes to the same set of topics (Kafka's `allSubscriptionsEqual`). */
  readonly equalSubscriptions: boolean;
  /** Subscribed topics absent from the metadata (Kafka skips them). */
  readonly unknownTopics: readonly string[];
  /** Topics in the metadata that nobody subscribes to (left unassigned). */
  readonly unsubscribedTopics: readonly string[];
}

/** Java's `String.compareTo`, which is what JavaScript's `<` does on strings. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Indexes a validated input. `members` keep their given order as the JoinGroup order for
 * `hashOrder`; everything else is sorted.
 */
export function createContext(
  members: readonly MemberSubscription[],
  topicCounts: ReadonlyMap<string, number>,
): AssignContext {
  const subscribed = new Set<string>();
  for (const member of members) for (const topic of member.topics) subscribed.add(topic);
  const topics = [...subscribed].filter((topic) => topicCounts.has(topic)).sort(compareIds);
  const unknownTopics = [...subscribed].filter((topic) => !topicCounts.has(topic)).sort(compareIds);
  const unsubscribedTopics = [...topicCounts.keys()].filter((topic) => !subscribed.has(topic)).sort(compareIds);
  const topicIndex = new Map(topics.map((topic, index) => [topic, index]));
  const counts = Int32Array.from(topics, (topic) => topicCounts.get(topic)!);
  const offsets = new Int32Array(topics.length + 1);
  for (let t = 0; t < topics.length; t++) offsets[t + 1] = offsets[t]! + counts[t]!;
  const total = offsets[topics.length]!;
  const topicOf = new Int32Array(total);
  for (let t = 0; t < topics.length; t++) topicOf.fill(t, offsets[t]!, offsets[t + 1]!);

  const joinPositions = members.map((_, position) => position);
  const sortedPositions = [...joinPositions].sort((a, b) => compareIds(members[a]!.memberId, members[b]!.memberId));
  const sorted = sortedPositions.map((position) => members[position]!);
  const sortedIndexOfPosition = new Int32Array(members.length);
  sortedPositions.forEach((position, index) => (sortedIndexOfPosition[position] = index));
  const hashOrder = Int32Array.from(
    javaHashMapOrder(members.map((member) => member.memberId)),
    (position) => sortedIndexOfPosition[position]!,
  );

  const memberTopics = sorted.map((member) =>
    Int32Array.from(new Set(member.topics.filter((topic) => topicIndex.has(topic)).map((topic) => topicIndex.get(topic)!))).sort(),
  );
  const topicMemberLists: number[][] = topics.map(() => []);
  memberTopics.forEach((list, memberIndex) => list.forEach((t) => topicMemberLists[t]!.push(memberIndex)));

  const subscriptionKey = (member: MemberSubscription): string => [...new Set(member.topics)].sort(compareIds).join('\u0000');
  const firstKey = sorted.length > 0 ? subscriptionKey(sorted[0]!) : '';
  // Kafka seeds its comparison from the first member with a non-empty subscription, so a member
  // with no topics would count as "equal"; a Java member never joins without topics, and we
  // refuse to hand partitions to a member that did not subscribe to them.
  const equalSubscriptions = sorted.every((member) => subscriptionKey(member) === firstKey);

  return {
    topics,
    topicIndex,
    counts,
    offsets,
    total,
    topicOf,
    members: sorted,
    memberIds: sorted.map((member) => member.memberId),
    memberTopics,
    topicMembers: topicMemberLists.map((list) => Int32Array.from(list)),
    hashOrder,
    equalSubscriptions,
    unknownTopics,
    unsubscribedTopics,
  };
}

/**
 * Global partition numbers of `claims`, deduplicated, in claim order. Topics outside the
 * assignment and partition numbers beyond the topic's count are dropped: they cannot be kept.
 */
export function claimedPartitions(context: AssignContext, claims: readonly TopicPartitions[] | undefined): number[] {
  if (claims === undefined) return [];
  const seen = new Set<number>();
  for (const { topic, partitions } of claims) {
    const t = context.topicIndex.get(topic);
    if (t === undefined) continue;
    for (const partition of partitions) {
      if (partition >= 0 && partition < context.counts[t]!) seen.add(context.offsets[t]! + partition);
    }
  }
  return [...seen];
}

/** Builds the public `Assignment` from an owner per global partition (-1: nobody). */
export function toAssignment(context: AssignContext, owner: Int32Array): Assignment {
  const byMember = context.memberIds.map(() => new Map<string, number[]>());
  for (let t = 0; t < context.topics.length; t++) {
    const topic = context.topics[t]!;
    for (let p = context.offsets[t]!, partition = 0; p < context.offsets[t + 1]!; p++, partition++) {
      const member = owner[p]!;
      if (member < 0) continue;
      const memberMap = byMember[member]!;
      let list = memberMap.get(topic);
      if (list === undefined) memberMap.set(topic, (list = []));
      list.push(partition);
    }
  }
  return new Map(context.memberIds.map((id, index) => [id, byMember[index]!]));
}
