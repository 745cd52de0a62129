// What-if planning for one topic: the group's assignment now, and after members leave or join.
import { z } from 'zod';
import { cooperativeStickyRebalance, assign } from './assign.ts';
import { ASSIGNOR_ERROR_CODES, DEFAULT_PLAN_TOPIC, STRATEGIES } from './constants.ts';
import { AssignorError } from './errors.ts';
import type { Assignment, AssignmentInput, MemberSubscription, StrategyName } from './types.ts';
import { encodeStickyUserData } from './user-data.ts';
import { parseStrategy, throwInvalid } from './validate.ts';

/** Input of `plan`. Give either `consumers` (named C1..Cn) or `memberIds`. */
export interface PlanOptions {
  /** Partitions of the topic (at least 1). */
  readonly partitions: number;
  /** Number of consumers, named `C1`..`Cn`. */
  readonly consumers?: number;
  /** Explicit member ids, in JoinGroup order. */
  readonly memberIds?: readonly string[];
  /** Strategy for the rebalance (name or alias). */
  readonly strategy: string;
  /** Members that leave. @default [] */
  readonly remove?: readonly string[];
  /** Members that join. @default [] */
  readonly add?: readonly string[];
  /** Topic name. @default 'orders' */
  readonly topic?: string;
  /**
   * Strategy that produced the current assignment (e.g. `range` for a group that was using the
   * range assignor, or to start sticky from the seed's contiguous layout).
   * @default the `strategy` itself, on a fresh group
   */
  readonly initial?: string;
}

/** One partition changing owner. */
export interface PartitionMove {
  readonly partition: number;
  readonly from: string;
  readonly to: string;
}

/** Member id -> partitions of the planned topic (ascending). */
export type TopicAssignment = ReadonlyMap<string, readonly number[]>;

export interface PlanResult {
  readonly topic: string;
  readonly partitions: number;
  readonly strategy: StrategyName;
  readonly initial: StrategyName;
  readonly before: TopicAssignment;
  /** Cooperative only: the first rebalance, with moving partitions withheld. */
  readonly intermediate?: TopicAssignment;
  readonly after: TopicAssignment;
  /** Partitions whose owner differs between `before` and `after`. */
  readonly moved: readonly PartitionMove[];
  readonly idleBefore: readonly string[];
  readonly idleAfter: readonly string[];
  /** Max − min partitions per member. */
  readonly imbalanceBefore: number;
  readonly imbalanceAfter: number;
  readonly warnings: readonly string[];
}

const memberIdSchema = z.string().min(1);
const optionsSchema = z
  .strictObject({
    partitions: z.number().int().positive(),
    consumers: z.number().int().positive().optional(),
    memberIds: z.array(memberIdSchema).min(1).optional(),
    strategy: z.string().min(1),
    remove: z.array(memberIdSchema).optional(),
    add: z.array(memberIdSchema).optional(),
    topic: z.string().min(1).optional(),
    initial: z.string().min(1).optional(),
  })
  .refine((options) => (options.consumers === undefined) !== (options.memberIds === undefined), {
    message: 'give exactly one of consumers and memberIds',
    path: ['consumers'],
  });

/** One topic's view of an assignment, members in the order given (the group's join order). */
function topicView(assignment: Assignment, topic: string, order: readonly string[]): TopicAssignment {
  return new Map(order.map((memberId) => [memberId, assignment.get(memberId)?.get(topic) ?? []]));
}

function imbalance(view: TopicAssignment): number {
  const sizes = [...view.values()].map((partitions) => partitions.length);
  return Math.max(...sizes) - Math.min(...sizes);
}

function idle(view: TopicAssignment): string[] {
  return [...view].filter(([, partitions]) => partitions.length === 0).map(([memberId]) => memberId);
}

function owners(view: TopicAssignment, partitions: number): (string | undefined)[] {
  const result: (string | undefined)[] = new Array(partitions).fill(undefined);
  for (const [memberId, list] of view) for (const partition of list) result[partition] = memberId;
  return result;
}

function idleWarning(members: number, partitions: number, when: string): string[] {
  if (members <= partitions) return [];
  return [
    `${when}: ${members} consumers for ${partitions} partitions: ${members - partitions} consumer(s) stay idle ` +
      '(a partition is consumed by one member of the group; more consumers than partitions adds no throughput)',
  ];
}

/**
 * Plans a rebalance of one topic: the assignment the group has (`initial` strategy on a fresh
 * group), and the one `strategy` produces after `remove`/`add`, with sticky strategies keeping
 * what members own (ownership reported the way each protocol reports it, in generation 1).
 *
 * @throws AssignorError `INVALID_INPUT`, `UNKNOWN_STRATEGY`, `UNKNOWN_MEMBER`, `MEMBER_EXISTS`,
 *   `NO_MEMBERS` (everyone removed).
 * @example
 * const result = plan({ partitions: 6, consumers: 3, strategy: 'sticky', remove: ['C2'] });
 * result.after; // Map { 'C1' => [0, 1, 3], 'C3' => [2, 4, 5] }
 */
export function plan(options: PlanOptions): PlanResult {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) throwInvalid('plan options', parsed.error);
  const { partitions } = parsed.data;
  const topic = parsed.data.topic ?? DEFAULT_PLAN_TOPIC;
  const strategy = parseStrategy(parsed.data.strategy);
  const initial = parseStrategy(parsed.data.initial ?? parsed.data.strategy);
  const membersBefore =
    parsed.data.memberIds ?? Array.from({ length: parsed.data.consumers ?? 0 }, (_, index) => `C${index + 1}`);
  if (new Set(membersBefore).size !== membersBefore.length) {
    throw new AssignorError('memberIds: member ids must be distinct', { code: ASSIGNOR_ERROR_CODES.DUPLICATE_MEMBER });
  }
  const remove = new Set(parsed.data.remove ?? []);
  for (const memberId of remove) {
    if (!membersBefore.includes(memberId)) {
      throw new AssignorError(`remove: "${memberId}" is not in the group (${membersBefore.join(', ')})`, {
        code: ASSIGNOR_ERROR_CODES.UNKNOWN_MEMBER,
      });
    }
  }
  const add = parsed.data.add ?? [];
  const survivors = membersBefore.filter((memberId) => !remove.has(memberId));
  for (const memberId of add) {
    if (survivors.includes(memberId) || add.indexOf(memberId) !== add.lastIndexOf(memberId)) {
      throw new AssignorError(`add: "${memberId}" is already in the group`, { code: ASSIGNOR_ERROR_CODES.MEMBER_EXISTS });
    }
  }
  const membersAfter = [...survivors, ...add];
  if (membersAfter.length === 0) {
    throw new AssignorError('remove: no consumers left in the group', { code: ASSIGNOR_ERROR_CODES.NO_MEMBERS });
  }

  const topics = [{ topic, partitions }];
  const fresh = (memberIds: readonly string[]): AssignmentInput => ({
    members: memberIds.map((memberId) => ({ memberId, topics: [topic] })),
    topics,
  });
  const beforeAssignment = assign(initial, fresh(membersBefore));
  const before = topicView(beforeAssignment, topic, membersBefore);
  // The members that stay report what they own as of generation 1: sticky in its user data,
  // cooperative-sticky in the subscription's ownedPartitions/generation fields.
  const generation = 1;
  const rejoining: MemberSubscription[] = membersAfter.map((memberId) => {
    const owned = before.get(memberId);
    if (owned === undefined || owned.length === 0) return { memberId, topics: [topic] };
    const ownedPartitions = [{ topic, partitions: owned }];
    if (strategy === STRATEGIES.STICKY) {
      return { memberId, topics: [topic], userData: encodeStickyUserData({ partitions: ownedPartitions, generation }) };
    }
    return { memberId, topics: [topic], ownedPartitions, generation };
  });

  let after: TopicAssignment;
  let intermediate: TopicAssignment | undefined;
  if (strategy === STRATEGIES.COOPERATIVE_STICKY) {
    const steps = cooperativeStickyRebalance({ members: rejoining, topics }, { generation: generation + 1 });
    intermediate = topicView(steps.first, topic, membersAfter);
    after = topicView(steps.final, topic, membersAfter);
  } else {
    after = topicView(assign(strategy, { members: rejoining, topics }), topic, membersAfter);
  }

  const ownersBefore = owners(before, partitions);
  const ownersAfter = owners(after, partitions);
  const moved: PartitionMove[] = [];
  for (let partition = 0; partition < partitions; partition++) {
    const from = ownersBefore[partition];
    const to = ownersAfter[partition];
    if (from !== undefined && to !== undefined && from !== to) moved.push({ partition, from, to });
  }
  const changed = remove.size > 0 || add.length > 0;
  const warnings = changed
    ? [...idleWarning(membersBefore.length, partitions, 'before'), ...idleWarning(membersAfter.length, partitions, 'after')]
    : idleWarning(membersBefore.length, partitions, 'group');
  const result: PlanResult = {
    topic,
    partitions,
    strategy,
    initial,
    before,
    after,
    moved,
    idleBefore: idle(before),
    idleAfter: idle(after),
    imbalanceBefore: imbalance(before),
    imbalanceAfter: imbalance(after),
    warnings,
  };
  return intermediate === undefined ? result : { ...result, intermediate };
}
