// Kafka's RangeAssignor: topic by topic, the members subscribed to the topic in member-id order
// each take a contiguous range; the first `count % members` take one extra partition.
// https://github.com/apache/kafka/blob/trunk/clients/src/main/java/org/apache/kafka/clients/consumer/RangeAssignor.java
// (Rack-aware placement and the `group.instance.id` ordering of static members are not modelled.)
import type { AssignContext } from './context.ts';

/** Owner (member index) of every global partition under the range strategy. */
export function rangeOwners(context: AssignContext): Int32Array {
  const owner = new Int32Array(context.total).fill(-1);
  for (let t = 0; t < context.topics.length; t++) {
    const members = context.topicMembers[t]!;
    const count = context.counts[t]!;
    const perMember = Math.floor(count / members.length);
    const withExtra = count % members.length;
    for (let i = 0; i < members.length; i++) {
      const start = perMember * i + Math.min(i, withExtra);
      const length = perMember + (i < withExtra ? 1 : 0);
      owner.fill(members[i]!, context.offsets[t]! + start, context.offsets[t]! + start + length);
    }
  }
  return owner;
}
