// Kafka's RoundRobinAssignor: every partition of every subscribed topic, sorted by (topic,
// partition), dealt in turn to the members in member-id order; a member that does not subscribe
// to the partition's topic is skipped (and keeps its turn for the next partition it can take).
// https://github.com/apache/kafka/blob/trunk/clients/src/main/java/org/apache/kafka/clients/consumer/RoundRobinAssignor.java
import type { AssignContext } from './context.ts';

/** First element of ascending `list` that is >= `from`, or -1. */
function firstAtOrAfter(list: Int32Array, from: number): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (list[mid]! < from) low = mid + 1;
    else high = mid;
  }
  return low < list.length ? list[low]! : -1;
}

/** Owner (member index) of every global partition under the round-robin strategy. */
export function roundRobinOwners(context: AssignContext): Int32Array {
  const owner = new Int32Array(context.total).fill(-1);
  const memberCount = context.memberIds.length;
  // Java walks a circular iterator one member at a time until it finds a subscriber; jumping
  // to the next subscriber with a binary search gives the same member in O(log n).
  let cursor = 0;
  for (let p = 0; p < context.total; p++) {
    const subscribers = context.topicMembers[context.topicOf[p]!]!;
    let member = firstAtOrAfter(subscribers, cursor);
    if (member < 0) member = subscribers[0]!;
    owner[p] = member;
    cursor = (member + 1) % memberCount;
  }
  return owner;
}
