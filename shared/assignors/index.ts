// Kafka consumer-group partition assignors with Apache Kafka's semantics (range, round-robin,
// sticky, cooperative-sticky), the sticky user-data codec, and a what-if planner.
// Client adapters live in their own files so that importing this module loads no client:
//   shared/assignors/platformatic.ts (@platformatic/kafka), shared/assignors/kafkajs.ts (kafkajs).
export {
  assign,
  assignmentToRecord,
  cooperativeStickyAssign,
  cooperativeStickyRebalance,
  rangeAssign,
  roundRobinAssign,
  stickyAssign,
} from './assign.ts';
export {
  ASSIGNOR_ERROR_CODES,
  DEFAULT_GENERATION,
  DEFAULT_PLAN_TOPIC,
  STRATEGIES,
  STRATEGY_ALIASES,
  STRATEGY_NAMES,
} from './constants.ts';
export { AssignorError } from './errors.ts';
export { plan } from './planner.ts';
export type { PartitionMove, PlanOptions, PlanResult, TopicAssignment } from './planner.ts';
export type {
  Assignment,
  AssignmentInput,
  CooperativeRebalance,
  MemberAssignment,
  MemberSubscription,
  OwnershipProvider,
  StickyMemberData,
  StrategyName,
  TopicMetadata,
  TopicPartitions,
} from './types.ts';
export {
  decodeCooperativeUserData,
  decodeStickyUserData,
  encodeCooperativeUserData,
  encodeStickyUserData,
} from './user-data.ts';
export { parseStrategy } from './validate.ts';
