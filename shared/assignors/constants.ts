/**
 * The assignment strategies, spelled as the protocol names Apache Kafka's Java client puts in
 * JoinGroup (`RangeAssignor.name()`, `RoundRobinAssignor.name()`, ...), so that a group can mix
 * Java, kafkajs and @platformatic/kafka members: the coordinator only picks a protocol every
 * member advertises, by name.
 * https://kafka.apache.org/documentation/#consumerconfigs_partition.assignment.strategy
 *
 * @example
 * assign(STRATEGIES.COOPERATIVE_STICKY, input);
 */
export const STRATEGIES = {
  RANGE: 'range',
  ROUND_ROBIN: 'roundrobin',
  STICKY: 'sticky',
  COOPERATIVE_STICKY: 'cooperative-sticky',
} as const;

/**
 * Every strategy name, in the order the CLI lists them.
 *
 * @example
 * for (const strategy of STRATEGY_NAMES) console.log(strategy, assign(strategy, input));
 */
export const STRATEGY_NAMES = [
  STRATEGIES.RANGE,
  STRATEGIES.ROUND_ROBIN,
  STRATEGIES.STICKY,
  STRATEGIES.COOPERATIVE_STICKY,
] as const;

/**
 * Other spellings people type for the same strategies (the seed writes "round robin").
 *
 * @example
 * STRATEGY_ALIASES['round-robin']; // 'roundrobin'
 */
export const STRATEGY_ALIASES: Readonly<Record<string, (typeof STRATEGY_NAMES)[number]>> = {
  'round-robin': STRATEGIES.ROUND_ROBIN,
  round_robin: STRATEGIES.ROUND_ROBIN,
  cooperative: STRATEGIES.COOPERATIVE_STICKY,
  cooperativesticky: STRATEGIES.COOPERATIVE_STICKY,
};

/**
 * The generation a member reports when it has none (`AbstractStickyAssignor.DEFAULT_GENERATION`):
 * its claims lose against any member that reports a real generation.
 *
 * @example
 * const generation = member.generation ?? DEFAULT_GENERATION;
 */
export const DEFAULT_GENERATION = -1;

/**
 * Machine-readable codes of `AssignorError`.
 *
 * @example
 * if (error instanceof AssignorError && error.code === ASSIGNOR_ERROR_CODES.UNKNOWN_STRATEGY) return 2;
 */
export const ASSIGNOR_ERROR_CODES = {
  /** The input does not have the documented shape (a field is missing, negative, not an integer...). */
  INVALID_INPUT: 'ASSIGNOR_INVALID_INPUT',
  /** A topic was declared with zero partitions: there is nothing to assign, and Kafka cannot create one. */
  ZERO_PARTITIONS: 'ASSIGNOR_ZERO_PARTITIONS',
  /** Two members share a member id. */
  DUPLICATE_MEMBER: 'ASSIGNOR_DUPLICATE_MEMBER',
  /** Two topic entries share a name. */
  DUPLICATE_TOPIC: 'ASSIGNOR_DUPLICATE_TOPIC',
  /** The group has no members. */
  NO_MEMBERS: 'ASSIGNOR_NO_MEMBERS',
  /** The strategy name is not one of `STRATEGY_NAMES` (or an alias). */
  UNKNOWN_STRATEGY: 'ASSIGNOR_UNKNOWN_STRATEGY',
  /** The planner was asked to remove a member that is not in the group. */
  UNKNOWN_MEMBER: 'ASSIGNOR_UNKNOWN_MEMBER',
  /** The planner was asked to add a member that is already in the group. */
  MEMBER_EXISTS: 'ASSIGNOR_MEMBER_EXISTS',
  /** The client cannot run this strategy (kafkajs only speaks the eager protocol). */
  UNSUPPORTED_STRATEGY: 'ASSIGNOR_UNSUPPORTED_STRATEGY',
  /** An internal invariant broke: a bug in this module, not in the input. */
  INVARIANT: 'ASSIGNOR_INVARIANT_VIOLATED',
} as const;

/**
 * ConsumerProtocolSubscription version the @platformatic/kafka adapter advertises for the
 * cooperative protocol: v2 carries `generationId` and v1 `ownedPartitions` as fields, which is
 * what `CooperativeStickyAssignor.memberData` reads first.
 * https://github.com/apache/kafka/blob/trunk/clients/src/main/resources/common/message/ConsumerProtocolSubscription.json
 */
export const COOPERATIVE_SUBSCRIPTION_VERSION = 3;

/** Subscription version for the eager protocols (what @platformatic/kafka advertises by default). */
export const EAGER_SUBSCRIPTION_VERSION = 1;

/**
 * Topic the planner and `groupctl plan` use when none is given (the seed's example topic).
 *
 * @example
 * plan({ partitions: 6, consumers: 3, strategy: 'range' }).topic === DEFAULT_PLAN_TOPIC; // true
 */
export const DEFAULT_PLAN_TOPIC = 'orders';
