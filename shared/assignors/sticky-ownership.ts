// Who owned what before this rebalance, as Kafka's AbstractStickyAssignor decides it
// (`allSubscriptionsEqual`): members are walked in Java HashMap order; when two members claim
// one partition, the higher generation keeps it, and on a tie neither does (the partition is
// "claimed by multiple previous owners" and goes back to the pool).
// https://github.com/apache/kafka/blob/trunk/clients/src/main/java/org/apache/kafka/clients/consumer/internals/AbstractStickyAssignor.java
import { DEFAULT_GENERATION } from './constants.ts';
import { claimedPartitions } from './context.ts';
import type { AssignContext } from './context.ts';
import { decodeCooperativeUserData, decodeStickyUserData } from './user-data.ts';

/** One member's claim: global partitions (deduplicated, assignable only) and its generation. */
export interface MemberClaim {
  readonly partitions: readonly number[];
  readonly generation: number | undefined;
}

export interface Ownership {
  /** Per member (sorted index): the claims it keeps, in claim order. */
  readonly owned: readonly Set<number>[];
  /** Partitions two members of the same generation claimed; nobody keeps them. */
  readonly multiple: ReadonlySet<number>;
  /** Highest generation any member reported (-1 when none did). */
  readonly maxGeneration: number;
}

/** Claims as the eager StickyAssignor reads them: from user data (see `MemberSubscription`). */
export function stickyClaims(context: AssignContext): MemberClaim[] {
  return context.members.map((member) => {
    if (member.userData !== undefined && member.userData.byteLength > 0) {
      const data = decodeStickyUserData(member.userData);
      return { partitions: claimedPartitions(context, data.partitions), generation: data.generation };
    }
    return { partitions: claimedPartitions(context, member.ownedPartitions), generation: member.generation };
  });
}

/** Claims as CooperativeStickyAssignor reads them: `ownedPartitions` plus the generation. */
export function cooperativeClaims(context: AssignContext): MemberClaim[] {
  return context.members.map((member) => ({
    partitions: claimedPartitions(context, member.ownedPartitions),
    generation: member.generation ?? decodeCooperativeUserData(member.userData),
  }));
}

/** Resolves contested claims. */
export function resolveOwnership(context: AssignContext, claims: readonly MemberClaim[]): Ownership {
  const owned = claims.map(() => new Set<number>());
  const multiple = new Set<number>();
  const lastClaimant = new Int32Array(context.total).fill(-1);
  let maxGeneration = DEFAULT_GENERATION;
  for (const member of context.hashOrder) {
    const claim = claims[member]!;
    const generation = claim.generation ?? DEFAULT_GENERATION;
    maxGeneration = Math.max(maxGeneration, generation);
    for (const p of claim.partitions) {
      const other = lastClaimant[p]!;
      if (other < 0) {
        owned[member]!.add(p);
        lastClaimant[p] = member;
        continue;
      }
      // Kafka compares against the other member's subscription `generationId()` field, which
      // for the eager StickyAssignor can differ from the generation in its user data; we
      // compare the generations both claims were made with, which is what the check intends.
      const otherGeneration = claims[other]!.generation ?? DEFAULT_GENERATION;
      if (generation === otherGeneration) {
        multiple.add(p);
        owned[other]!.delete(p);
        lastClaimant[p] = member;
      } else if (generation > otherGeneration) {
        owned[member]!.add(p);
        owned[other]!.delete(p);
        lastClaimant[p] = member;
      }
    }
  }
  return { owned, multiple, maxGeneration };
}
