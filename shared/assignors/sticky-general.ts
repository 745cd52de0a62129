// Kafka's sticky assignment when members subscribe to different topics
// (`AbstractStickyAssignor.GeneralAssignmentBuilder`, without rack awareness):
//   1. keep every owned partition whose topic the owner still subscribes to;
//   2. hand each remaining partition (topics with the fewest subscribers first) to the
//      subscriber with the fewest partitions (ties: member id);
//   3. sweep the partitions, moving one whenever its owner has 2+ more partitions than another
//      subscriber of its topic (to its previous-generation owner when that one qualifies),
//      until a sweep moves nothing; keep the result only if it is more balanced.
// Java scans a TreeSet of all consumers for "the least loaded subscriber of topic t" and
// re-checks global balance over every partition before each step (quadratic). Here each topic
// has a lazily updated heap of its subscribers keyed by (size, member index), and the
// per-partition move test is exactly the condition that makes Java's balance check fail,
// so both stop at the same assignment.
// https://github.com/apache/kafka/blob/trunk/clients/src/main/java/org/apache/kafka/clients/consumer/internals/AbstractStickyAssignor.java
import { DEFAULT_GENERATION } from './constants.ts';
import type { AssignContext } from './context.ts';
import { NumberHeap } from './heap.ts';
import { PartitionMovements } from './partition-movements.ts';
import type { StickyOutcome } from './sticky-constrained.ts';
import type { MemberClaim, Ownership } from './sticky-ownership.ts';

/** Kafka's balance score: the sum over member pairs of the difference of their sizes. */
function balanceScore(sizes: Int32Array, participating: Uint8Array): number {
  const values = [...sizes].filter((_, member) => participating[member] === 1).sort((a, b) => a - b);
  let score = 0;
  for (let i = 0; i < values.length; i++) score += values[i]! * (2 * i - values.length + 1);
  return score;
}

/** Sticky assignment for unequal subscriptions. */
export function generalAssign(context: AssignContext, ownership: Ownership, claims: readonly MemberClaim[]): StickyOutcome {
  const total = context.total;
  const memberCount = context.memberIds.length;
  const { topicOf, topicMembers, memberTopics } = context;
  const subscribes = memberTopics.map((topics) => new Set(topics));
  let owner = new Int32Array(total).fill(-1);
  const held = ownership.owned.map((set) => new Set(set));
  let revocationRequired = false;
  held.forEach((partitions, member) => {
    for (const p of partitions) {
      if (subscribes[member]!.has(topicOf[p]!)) owner[p] = member;
      else {
        partitions.delete(p);
        revocationRequired = true;
      }
    }
  });

  // The most recent earlier-generation owner of each partition, a preferred destination.
  const previousOwner = new Int32Array(total).fill(-1);
  const previousGeneration = new Int32Array(total);
  for (const member of context.hashOrder) {
    const { generation, partitions } = claims[member]!;
    let effective: number;
    if (generation !== undefined && generation < ownership.maxGeneration) effective = generation;
    else if (generation === undefined && ownership.maxGeneration > DEFAULT_GENERATION) effective = DEFAULT_GENERATION;
    else continue;
    for (const p of partitions) {
      if (previousOwner[p]! < 0 || effective > previousGeneration[p]!) {
        previousOwner[p] = member;
        previousGeneration[p] = effective;
      }
    }
  }

  const topicOrder = context.topics
    .map((_, t) => t)
    .sort((a, b) => topicMembers[a]!.length - topicMembers[b]!.length || a - b);
  const sortedAll: number[] = [];
  for (const t of topicOrder) for (let p = context.offsets[t]!; p < context.offsets[t + 1]!; p++) sortedAll.push(p);
  const unassigned = sortedAll.filter((p) => owner[p]! < 0);

  const sizes = Int32Array.from(held, (set) => set.size);
  const initializing = sizes.every((size) => size === 0);
  const heaps = context.topics.map(() => new NumberHeap());
  const key = (member: number): number => sizes[member]! * memberCount + member;
  const push = (member: number): void => memberTopics[member]!.forEach((t) => heaps[t]!.push(key(member)));
  for (let member = 0; member < memberCount; member++) push(member);
  const leastLoaded = (t: number): number => {
    const heap = heaps[t]!;
    for (;;) {
      const top = heap.peek()!;
      const member = top % memberCount;
      if (top === key(member)) return member;
      heap.pop();
    }
  };
  const place = (p: number, to: number): void => {
    const from = owner[p]!;
    if (from >= 0) {
      held[from]!.delete(p);
      sizes[from]!--;
      push(from);
    }
    owner[p] = to;
    held[to]!.add(p);
    sizes[to]!++;
    push(to);
  };

  for (const p of unassigned) place(p, leastLoaded(topicOf[p]!));

  // Topics with one subscriber and members that hold everything they could get cannot move.
  const contested = Uint8Array.from(topicMembers, (members) => (members.length >= 2 ? 1 : 0));
  const participating = Uint8Array.from(memberTopics, (topics, member) => {
    let reachable = 0;
    for (const t of topics) reachable += context.counts[t]!;
    return sizes[member]! < reachable || topics.some((t) => contested[t] === 1) ? 1 : 0;
  });
  const reassignable = sortedAll.filter((p) => contested[topicOf[p]!] === 1);
  const newlyAssigned = unassigned.filter((p) => contested[topicOf[p]!] === 1);
  const preBalanceOwner = owner.slice();
  const preBalanceSizes = sizes.slice();
  const movements = new PartitionMovements(memberCount);

  const reassign = (p: number, to: number): void => {
    const moved = movements.partitionToMove(p, topicOf[p]!, owner[p]!, to);
    movements.move(moved, topicOf[moved]!, owner[moved]!, to);
    place(moved, to);
  };

  // Every productive sweep moves a partition toward a less loaded member; the cap only guards
  // against a cycle Java would also spin in.
  const maxSweeps = total + memberCount + 1;
  const performReassignments = (partitions: readonly number[]): boolean => {
    let performed = false;
    for (let sweep = 0; sweep < maxSweeps; sweep++) {
      let modified = false;
      for (const p of partitions) {
        const current = owner[p]!;
        const t = topicOf[p]!;
        const previous = previousOwner[p]!;
        // Java does not check that the previous owner still subscribes to the topic (it could
        // hand it a partition it cannot consume); we require it.
        if (previous >= 0 && participating[previous] === 1 && subscribes[previous]!.has(t) && sizes[current]! > sizes[previous]! + 1) {
          reassign(p, previous);
          modified = true;
          continue;
        }
        const candidate = leastLoaded(t);
        if (sizes[current]! > sizes[candidate]! + 1) {
          reassign(p, candidate);
          modified = true;
        }
      }
      performed ||= modified;
      if (!modified) break;
    }
    return performed;
  };

  if (!revocationRequired) performReassignments(newlyAssigned);
  // As in Java, only the second pass decides whether the result is compared with the start.
  const performed = performReassignments(reassignable);
  if (!initializing && performed && balanceScore(sizes, participating) >= balanceScore(preBalanceSizes, participating)) {
    owner = preBalanceOwner;
  }
  return { owner, transferring: null };
}
