// Kafka's StickyAssignor and CooperativeStickyAssignor share one algorithm
// (AbstractStickyAssignor); they differ in where previous ownership comes from and in what the
// cooperative one withholds.
//
// Balance comes first: with equal subscriptions every member ends with floor(P/C) or
// ceil(P/C) partitions. Stickiness second: a member keeps what it owned up to that quota.
//
// A fresh group (nobody owns anything) gets the round-robin order, not contiguous ranges:
// 6 partitions over C1..C3 give C1:[0,3] C2:[1,4] C3:[2,5], where the seed's sticky example
// starts from C1:[0,1] C2:[2,3] C3:[4,5]. Kafka fills under-quota members one partition at a
// time in member-id order (`assignRoundRobin`), so the seed's layout is what a group has when
// its current assignment came from the range assignor; the planner's `initial: 'range'` (and
// `groupctl plan --initial range`) starts from it. From there, C2 leaving gives
// C1:[0,1,2] C3:[3,4,5]; the seed's "C1:[0,1], C3:[2,4,5]" leaves partition 3 unassigned.
import type { AssignContext } from './context.ts';
import { constrainedAssign } from './sticky-constrained.ts';
import type { StickyOutcome } from './sticky-constrained.ts';
import { generalAssign } from './sticky-general.ts';
import { resolveOwnership } from './sticky-ownership.ts';
import type { MemberClaim } from './sticky-ownership.ts';

/** Sticky assignment from the members' claims (see `stickyClaims` / `cooperativeClaims`). */
export function stickyOwners(context: AssignContext, claims: readonly MemberClaim[]): StickyOutcome {
  const ownership = resolveOwnership(context, claims);
  return context.equalSubscriptions ? constrainedAssign(context, ownership) : generalAssign(context, ownership, claims);
}

/**
 * The partitions the cooperative protocol must revoke before anyone may own them: those
 * assigned to a member other than one that claims it (CooperativeStickyAssignor's
 * `computePartitionsTransferringOwnership`, used when the builder did not track them).
 */
export function transferringPartitions(
  claims: readonly MemberClaim[],
  owner: Int32Array,
  tracked: ReadonlySet<number> | null,
): ReadonlySet<number> {
  if (tracked !== null) return tracked;
  const claimants = new Map<number, number[]>();
  claims.forEach((claim, member) => {
    for (const p of claim.partitions) {
      const list = claimants.get(p);
      if (list === undefined) claimants.set(p, [member]);
      else list.push(member);
    }
  });
  const transferring = new Set<number>();
  for (const [p, members] of claimants) {
    const assignee = owner[p]!;
    // Added to its assignee (not claimed by it) and revoked from some claimant.
    if (assignee >= 0 && !members.includes(assignee)) transferring.add(p);
  }
  return transferring;
}
