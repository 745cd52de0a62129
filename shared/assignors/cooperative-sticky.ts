// Kafka's CooperativeStickyAssignor (KIP-429): the sticky target, minus the partitions that
// change owner. Those are revoked from their old owner in this rebalance and handed out in the
// next one, which the members that lost partitions trigger by rejoining at once, so no
// partition ever has two owners at the same time.
// https://github.com/apache/kafka/blob/trunk/clients/src/main/java/org/apache/kafka/clients/consumer/CooperativeStickyAssignor.java
import { DEFAULT_GENERATION } from './constants.ts';
import { toAssignment } from './context.ts';
import type { AssignContext } from './context.ts';
import { stickyOwners, transferringPartitions } from './sticky.ts';
import { cooperativeClaims } from './sticky-ownership.ts';
import type { MemberClaim } from './sticky-ownership.ts';
import type { CooperativeRebalance } from './types.ts';

export interface CooperativeStep {
  /** The sticky target. */
  readonly target: Int32Array;
  /** The target with transferring partitions withheld (-1): what the leader hands out. */
  readonly handedOut: Int32Array;
}

/** One cooperative rebalance from the given claims. */
export function cooperativeStep(context: AssignContext, claims: readonly MemberClaim[]): CooperativeStep {
  const outcome = stickyOwners(context, claims);
  const handedOut = outcome.owner.slice();
  for (const p of transferringPartitions(claims, outcome.owner, outcome.transferring)) handedOut[p] = -1;
  return { target: outcome.owner, handedOut };
}

/** Rebalances simulated before giving up on convergence (a safety net; 2 or 3 in practice). */
const MAX_REBALANCES = 10;

function sameOwners(a: Int32Array, b: Int32Array): boolean {
  for (let p = 0; p < a.length; p++) if (a[p] !== b[p]) return false;
  return true;
}

/** Claims every member makes after receiving `owner` in `generation`. */
function claimsFrom(context: AssignContext, owner: Int32Array, generation: number): MemberClaim[] {
  const partitions: number[][] = context.memberIds.map(() => []);
  owner.forEach((member, p) => {
    if (member >= 0) partitions[member]!.push(p);
  });
  return partitions.map((list) => ({ partitions: list, generation }));
}

/**
 * The rebalances of a cooperative membership change: the first from the members' claims, the
 * next ones from what each member holds after the previous one, until one revokes nothing.
 */
export function cooperativeRebalance(context: AssignContext, generation: number | undefined): CooperativeRebalance {
  const claims = cooperativeClaims(context);
  const reported = Math.max(DEFAULT_GENERATION, ...claims.map((claim) => claim.generation ?? DEFAULT_GENERATION));
  const firstGeneration = generation ?? Math.max(reported + 1, 1);
  const first = cooperativeStep(context, claims);
  let last = first;
  let rebalances = 1;
  const handedOut: Int32Array[] = [first.handedOut];
  // Members that lost partitions rejoin at once. With equal subscriptions the second rebalance
  // hands out the withheld partitions and revokes nothing; with unequal ones it can settle
  // elsewhere and revoke again, so keep going, as the group would, until nothing is revoked.
  while (rebalances < MAX_REBALANCES && !sameOwners(last.handedOut, last.target)) {
    last = cooperativeStep(context, claimsFrom(context, last.handedOut, firstGeneration + rebalances - 1));
    handedOut.push(last.handedOut);
    rebalances++;
  }
  const second = handedOut[1] ?? first.handedOut;
  // Per member, its claims that the first rebalance does not leave with it (a partition claimed
  // by several members is revoked from each claimant that does not keep it).
  const revoked = new Map(context.memberIds.map((memberId) => [memberId, new Map<string, number[]>()]));
  claims.forEach((claim, member) => {
    const byTopic = revoked.get(context.memberIds[member]!)!;
    for (const p of [...claim.partitions].sort((a, b) => a - b)) {
      if (first.handedOut[p] === member) continue;
      const t = context.topicOf[p]!;
      const list = byTopic.get(context.topics[t]!);
      const partition = p - context.offsets[t]!;
      if (list === undefined) byTopic.set(context.topics[t]!, [partition]);
      else list.push(partition);
    }
  });
  return {
    target: toAssignment(context, first.target),
    first: toAssignment(context, first.handedOut),
    second: toAssignment(context, second),
    final: toAssignment(context, last.handedOut),
    rebalances,
    revoked,
    generation: firstGeneration,
  };
}
