// The public, validating entry points: one per strategy, and `assign` by name.
import { STRATEGIES } from './constants.ts';
import { toAssignment } from './context.ts';
import { cooperativeRebalance, cooperativeStep } from './cooperative-sticky.ts';
import { rangeOwners } from './range.ts';
import { roundRobinOwners } from './round-robin.ts';
import { stickyOwners } from './sticky.ts';
import { cooperativeClaims, stickyClaims } from './sticky-ownership.ts';
import type { Assignment, AssignmentInput, CooperativeRebalance, StrategyName } from './types.ts';
import { parseStrategy, validateInput } from './validate.ts';

/**
 * Kafka's RangeAssignor: per topic, its subscribers in member-id order take contiguous ranges,
 * the first `partitions % subscribers` one extra.
 *
 * @throws AssignorError on invalid input (see `validateInput`).
 * @example
 * rangeAssign({ members: [{ memberId: 'C1', topics: ['orders'] }, { memberId: 'C2', topics: ['orders'] }],
 *               topics: [{ topic: 'orders', partitions: 3 }] });
 * // C1 -> orders [0, 1]; C2 -> orders [2]
 */
export function rangeAssign(input: AssignmentInput): Assignment {
  const context = validateInput(input);
  return toAssignment(context, rangeOwners(context));
}

/**
 * Kafka's RoundRobinAssignor: all partitions sorted by (topic, partition) dealt in turn over the
 * members in member-id order, skipping members not subscribed to the partition's topic.
 *
 * @throws AssignorError on invalid input.
 * @example
 * roundRobinAssign({ members: [{ memberId: 'C1', topics: ['orders'] }, { memberId: 'C2', topics: ['orders'] }],
 *                    topics: [{ topic: 'orders', partitions: 3 }] });
 * // C1 -> orders [0, 2]; C2 -> orders [1]
 */
export function roundRobinAssign(input: AssignmentInput): Assignment {
  const context = validateInput(input);
  return toAssignment(context, roundRobinOwners(context));
}

/**
 * Kafka's StickyAssignor (eager): as balanced as possible, then as close as possible to what
 * each member owned. Ownership is read from `userData` (`encodeStickyUserData`) or, without user
 * data, from `ownedPartitions` + `generation`.
 *
 * @throws AssignorError on invalid input.
 * @example
 * const before = stickyAssign({ members: ['C1', 'C2', 'C3'].map((memberId) => ({ memberId, topics: ['orders'] })),
 *                               topics: [{ topic: 'orders', partitions: 6 }] });
 * // C1 [0, 3], C2 [1, 4], C3 [2, 5]; after C2 leaves (C1, C3 reporting their partitions):
 * // C1 [0, 1, 3], C3 [2, 4, 5]
 */
export function stickyAssign(input: AssignmentInput): Assignment {
  const context = validateInput(input);
  return toAssignment(context, stickyOwners(context, stickyClaims(context)).owner);
}

/**
 * Kafka's CooperativeStickyAssignor: what the leader hands out in one rebalance, i.e. the
 * sticky target without the partitions that change owner (they are revoked now and assigned in
 * the follow-up rebalance; see `cooperativeStickyRebalance` for both steps). Ownership is read
 * from `ownedPartitions` + `generation`.
 *
 * @throws AssignorError on invalid input.
 * @example
 * cooperativeStickyAssign({ members: [
 *   { memberId: 'C1', topics: ['orders'], ownedPartitions: [{ topic: 'orders', partitions: [0, 1] }], generation: 1 },
 *   { memberId: 'C2', topics: ['orders'] }], topics: [{ topic: 'orders', partitions: 2 }] });
 * // C1 keeps [0], partition 1 is withheld, C2 gets nothing yet
 */
export function cooperativeStickyAssign(input: AssignmentInput): Assignment {
  const context = validateInput(input);
  return toAssignment(context, cooperativeStep(context, cooperativeClaims(context)).handedOut);
}

/**
 * Both rebalances the cooperative protocol goes through to reach the sticky target.
 *
 * @param options.generation Generation of the first rebalance's assignment.
 *   @default one more than the highest generation the members report (at least 1)
 * @throws AssignorError on invalid input.
 * @example
 * const { first, second, revoked } = cooperativeStickyRebalance(input);
 */
export function cooperativeStickyRebalance(
  input: AssignmentInput,
  options: { readonly generation?: number } = {},
): CooperativeRebalance {
  return cooperativeRebalance(validateInput(input), options.generation);
}

/**
 * Runs a strategy by name (`range`, `roundrobin`, `sticky`, `cooperative-sticky`, or an alias
 * such as `round-robin`).
 *
 * @throws AssignorError `UNKNOWN_STRATEGY`, or on invalid input.
 * @example
 * assign('round-robin', { members, topics });
 */
export function assign(strategy: StrategyName | string, input: AssignmentInput): Assignment {
  switch (parseStrategy(strategy)) {
    case STRATEGIES.RANGE:
      return rangeAssign(input);
    case STRATEGIES.ROUND_ROBIN:
      return roundRobinAssign(input);
    case STRATEGIES.STICKY:
      return stickyAssign(input);
    case STRATEGIES.COOPERATIVE_STICKY:
      return cooperativeStickyAssign(input);
  }
}

/**
 * A JSON-friendly copy of an assignment: `{ memberId: { topic: partitions } }`.
 *
 * @example
 * JSON.stringify(assignmentToRecord(assign('range', input)));
 */
export function assignmentToRecord(assignment: Assignment): Record<string, Record<string, number[]>> {
  const record: Record<string, Record<string, number[]>> = {};
  for (const [memberId, topics] of assignment) {
    const byTopic: Record<string, number[]> = {};
    for (const [topic, partitions] of topics) Object.defineProperty(byTopic, topic, { value: [...partitions], enumerable: true, writable: true, configurable: true });
    // defineProperty: a member or topic named "__proto__" stays a plain key.
    Object.defineProperty(record, memberId, { value: byTopic, enumerable: true, writable: true, configurable: true });
  }
  return record;
}
