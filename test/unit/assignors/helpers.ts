// Builders shared by the assignor tests.
import type { Assignment, MemberSubscription, TopicPartitions } from '../../../shared/assignors/index.ts';
import { assignmentToRecord } from '../../../shared/assignors/index.ts';

export const record = assignmentToRecord;

/** Members subscribed to the same topics. */
export function membersOf(ids: readonly string[], topics: readonly string[]): MemberSubscription[] {
  return ids.map((memberId) => ({ memberId, topics: [...topics] }));
}

/** `C1`..`Cn`. */
export function consumerIds(count: number, prefix = 'C'): string[] {
  return Array.from({ length: count }, (_, index) => `${prefix}${index + 1}`);
}

/** What `memberId` holds in `assignment`, as `ownedPartitions`. */
export function ownedBy(assignment: Assignment, memberId: string): TopicPartitions[] {
  return [...(assignment.get(memberId) ?? new Map<string, readonly number[]>())].map(([topic, partitions]) => ({
    topic,
    partitions: [...partitions],
  }));
}

/** The members of `assignment` (minus `leave`, plus `join`) reporting what they hold, for cooperative-sticky or sticky-without-user-data. */
export function rejoin(
  assignment: Assignment,
  topics: readonly string[],
  generation: number,
  change: { readonly leave?: readonly string[]; readonly join?: readonly string[] } = {},
): MemberSubscription[] {
  const stay = [...assignment.keys()].filter((id) => !(change.leave ?? []).includes(id));
  return [
    ...stay.map((memberId) => ({ memberId, topics: [...topics], ownedPartitions: ownedBy(assignment, memberId), generation })),
    ...(change.join ?? []).map((memberId) => ({ memberId, topics: [...topics] })),
  ];
}

/** `topic:partition` -> member id. */
export function ownerMap(assignment: Assignment): Map<string, string> {
  const owners = new Map<string, string>();
  for (const [memberId, topics] of assignment) {
    for (const [topic, partitions] of topics) for (const partition of partitions) owners.set(`${topic}:${partition}`, memberId);
  }
  return owners;
}

/** Partition counts per member. */
export function sizes(assignment: Assignment): number[] {
  return [...assignment.values()].map((topics) => [...topics.values()].reduce((sum, list) => sum + list.length, 0));
}

/** Partitions whose owner differs between two assignments (partitions absent from `after` count as moved). */
export function movedBetween(before: Assignment, after: Assignment): string[] {
  const ownersAfter = ownerMap(after);
  return [...ownerMap(before)].filter(([key, owner]) => ownersAfter.get(key) !== owner).map(([key]) => key);
}
