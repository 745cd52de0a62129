// Public surface of the lag module: collect consumer group lag in one batched round of
// Kafka requests, evaluate it (Burrow statuses, kafka-lag-exporter time lag, rebalances,
// hot partitions) against state kept between invocations, publish CloudWatch EMF metrics
// and scale Lambda event source mapping pollers.
export { LagMonitor } from './monitor.ts';
export type { LagCycleResult, LagLogger, LagMonitorDeps, LagMonitorOptions } from './monitor.ts';
export { collectLag } from './collect.ts';
export type { CollectLagOptions } from './collect.ts';
export { CycleEvaluator, evaluateCycle } from './evaluate.ts';
export { EarlyEvaluation } from './early-evaluation.ts';
export type { CompletedEvaluation } from './early-evaluation.ts';
export type { CycleEvaluation, EvaluateOptions } from './evaluate.ts';
export { evaluatePartitionStatus, groupStatusOf, lastCommitTimeMs, recordObservation } from './burrow.ts';
export type { CommitWindowOptions, PartitionStatusInput, PartitionStatusResult } from './burrow.ts';
export { addSample, timeLag } from './time-lag.ts';
export type { AddSampleOutcome, TimeLag, TimeLagOptions } from './time-lag.ts';
export { maxKnown, partitionLag, sumLags } from './partition-lag.ts';
export type { LagSum, PartitionLag, PartitionOffsets } from './partition-lag.ts';
export { hotPartitions, membersFingerprint, rebalancesBetween } from './group-health.ts';
export type { CurrentGroupShape, HotPartitionOptions, PreviousGroupShape } from './group-health.ts';
export { groupFilter, isLiteralPattern } from './group-filter.ts';
export { KafkaRequestCounter } from './request-counter.ts';
export { DEFAULT_MAXIMUM_POLLERS, DEFAULT_MINIMUM_POLLERS, decideScaling } from './autoscale-policy.ts';
export type { CurrentPollers, ScalingDecision, ScalingInput, ScalingPolicy } from './autoscale-policy.ts';
export { autoscaleGroups, consumerGroupIdOf } from './autoscaler.ts';
export type { AutoscaleResult, MappingScalingOutcome } from './autoscaler.ts';
export { publishLagMetrics, stdoutEmfSink } from './publish.ts';
export type { EmfSink, PublishOptions } from './publish.ts';
export { groupSummary, partitionSummary } from './summary.ts';
export type { GroupSummary, LagSummary, MemberSummary, PartitionSummary } from './summary.ts';
export { InMemoryLagStateStore } from './in-memory-state-store.ts';
export type { InMemoryLagStateStoreOptions } from './in-memory-state-store.ts';
export { DynamoDbLagStateStore, ensureLagStateTable } from './dynamodb-state-store.ts';
export type { DynamoDbLagStateStoreOptions } from './dynamodb-state-store.ts';
export { STATE_FORMAT_VERSION, decodeGroupState, decodeTopicState, encodeGroupState, encodeTopicState } from './state-codec.ts';
export { ScalingPolicySchema, lagMonitorSettingsFromEnv } from './config.ts';
export type { LagMonitorSettings } from './config.ts';
export { LagError, LagConfigError, LagStateStoreError } from './errors.ts';
export {
  GROUP_STATUS,
  LAG_DEFAULTS,
  LAG_ERROR_CODES,
  MONITORED_GROUP_TYPES,
  OFFSET_STATUS,
  PARTITION_STATUS,
  TIME_LAG_QUALITY,
} from './constants.ts';
export type { GroupStatus, MonitoredGroupType, OffsetStatus, PartitionStatus, TimeLagQuality } from './constants.ts';
export { GROUP_STATUS_VALUE, LAG_METRICS_NAMESPACE, LagDimensions, LagMetrics } from './metrics-contract.ts';
export type {
  CollectedGroup,
  CollectedPartition,
  CollectedTopic,
  CommitObservation,
  GroupEvaluation,
  GroupLagState,
  GroupMemberInfo,
  LagCollection,
  LagStateChanges,
  LagStateStore,
  LoadedLagState,
  MonitorIndex,
  OffsetTimePoint,
  PartitionEvaluation,
  RequestCounts,
  ScalingState,
  TopicLagAggregate,
  TopicLagState,
} from './types.ts';
