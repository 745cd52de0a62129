// Kafka's sticky assignment when every member subscribes to the same topics
// (`AbstractStickyAssignor.ConstrainedAssignmentBuilder`, without rack awareness):
//   1. each member keeps its owned partitions up to its quota (minQuota = floor(P/C); the first
//      `P % C` members walked that own at least maxQuota keep maxQuota);
//   2. the rest, in (topic, partition) order, go round-robin to the members under minQuota
//      (in member-id order), then one each to members at minQuota until `P % C` members have
//      maxQuota.
// So a fresh group gets round-robin order, a leaving member's partitions are the only ones that
// move, and a joining member takes exactly its quota from the others.
// https://github.com/apache/kafka/blob/trunk/clients/src/main/java/org/apache/kafka/clients/consumer/internals/AbstractStickyAssignor.java
import { ASSIGNOR_ERROR_CODES } from './constants.ts';
import type { AssignContext } from './context.ts';
import { AssignorError } from './errors.ts';
import type { Ownership } from './sticky-ownership.ts';

export interface StickyOutcome {
  /** Member index per global partition. */
  readonly owner: Int32Array;
  /**
   * Partitions that changed owner between two members (Kafka's `partitionsTransferringOwnership`);
   * `null` when the builder does not track them (the general case), in which case the
   * cooperative assignor derives them from the claims.
   */
  readonly transferring: ReadonlySet<number> | null;
}

function invariant(message: string): never {
  throw new AssignorError(`sticky assignment invariant violated: ${message}`, { code: ASSIGNOR_ERROR_CODES.INVARIANT });
}

/** Sticky assignment for equal subscriptions. */
export function constrainedAssign(context: AssignContext, ownership: Ownership): StickyOutcome {
  const total = context.total;
  const memberCount = context.memberIds.length;
  const minQuota = Math.floor(total / memberCount);
  const maxQuota = Math.ceil(total / memberCount);
  const expectedOverMin = total % memberCount;
  let currentOverMin = 0;

  const owner = new Int32Array(total).fill(-1);
  const sizes = new Int32Array(memberCount);
  const revoked = new Uint8Array(total);
  const transferring = new Set<number>();
  let underMin: number[] = [];
  let exactlyMin: number[] = [];
  const local = (p: number): number => p - context.offsets[context.topicOf[p]!]!;
  const keep = (member: number, partitions: readonly number[], count: number): void => {
    for (let i = 0; i < partitions.length; i++) {
      if (i < count) owner[partitions[i]!] = member;
      else revoked[partitions[i]!] = 1;
    }
    sizes[member] = Math.min(count, partitions.length);
  };

  for (const member of context.hashOrder) {
    // Kafka keeps the lowest partition numbers first, across topics.
    const owned = [...ownership.owned[member]!]
      .filter((p) => !ownership.multiple.has(p))
      .sort((a, b) => local(a) - local(b) || context.topicOf[a]! - context.topicOf[b]!);
    if (owned.length < minQuota) {
      keep(member, owned, owned.length);
      underMin.push(member);
    } else if (owned.length >= maxQuota && currentOverMin < expectedOverMin) {
      currentOverMin++;
      if (currentOverMin === expectedOverMin) exactlyMin = [];
      keep(member, owned, maxQuota);
    } else {
      keep(member, owned, minQuota);
      if (currentOverMin < expectedOverMin) exactlyMin.push(member);
    }
  }
  underMin.sort((a, b) => a - b);
  exactlyMin.sort((a, b) => a - b);

  const assignNew = (p: number, member: number): number => {
    owner[p] = member;
    if (revoked[p] === 1 || ownership.multiple.has(p)) transferring.add(p);
    return ++sizes[member]!;
  };

  // Round-robin over the under-quota members, as Java's LinkedList iterator with removals:
  // `pass` is the current sweep, `survivors` the members that stay for the next sweep.
  let pass = underMin;
  let position = 0;
  let survivors: number[] = [];
  let exactlyHead = 0;
  for (let p = 0; p < total; p++) {
    if (owner[p]! >= 0) continue;
    let member: number;
    let fromSweep = true;
    if (position < pass.length) {
      member = pass[position++]!;
    } else if (survivors.length > 0) {
      pass = survivors;
      survivors = [];
      position = 0;
      member = pass[position++]!;
    } else if (exactlyHead < exactlyMin.length) {
      member = exactlyMin[exactlyHead++]!;
      fromSweep = false;
    } else {
      invariant(`no member can take partition ${p}`);
    }
    const count = assignNew(p, member);
    if (count === minQuota) {
      exactlyMin.push(member);
    } else {
      if (fromSweep) survivors.push(member);
      if (count === maxQuota) currentOverMin++;
    }
  }
  underMin = [...pass.slice(position), ...survivors];
  for (const member of underMin) {
    if (sizes[member] !== minQuota || currentOverMin !== expectedOverMin) {
      invariant(`member ${context.memberIds[member]} ends with ${sizes[member]} partitions, quota ${minQuota}..${maxQuota}`);
    }
  }
  return { owner, transferring };
}
