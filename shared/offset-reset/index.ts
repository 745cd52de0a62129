// Public surface of the offset-reset module: every kafka-consumer-groups.sh reset mode,
// dry run by default, pause -> reset -> resume of the group's Lambda event source
// mappings, an audit trail; plus describe and delete-offsets.
export { parseResetInput, parseOffsetResetRequest } from './input.ts';
export type { DeleteOffsetsRequest, DescribeRequest, OffsetResetRequest } from './input.ts';
export { parseStrategy, parseOffsetValue, strategyLabel, isClampedStrategy } from './strategy.ts';
export { parseResetDatetime, parseIsoDuration } from './time.ts';
export { parseOffsetsCsv, exportPlanCsv } from './csv.ts';
export { loadOffsetsFile, s3ObjectReader } from './offsets-file.ts';
export type { ReadS3Object } from './offsets-file.ts';
export { clampOffset, planPartition, planPartitions } from './plan-targets.ts';
export type { PartitionSnapshot } from './plan-targets.ts';
export { planReset } from './plan.ts';
export type { PlanOptions } from './plan.ts';
export { runReset, executeReset, summarize } from './execute.ts';
export type { CallerContext, ResetDeps } from './execute.ts';
export { systemClock } from './clock.ts';
export { findGroupMappings, mappingGroupId } from './mappings.ts';
export { writeOffsets, partitionErrorsOf } from './write.ts';
export { waitForInactiveGroup } from './group-wait.ts';
export { groupStatus } from './admin.ts';
export type { GroupStatus } from './admin.ts';
export type { WriteReport } from './write.ts';
export { describeGroup } from './describe.ts';
export type { DescribedPartition, GroupDescription } from './describe.ts';
export { deleteGroupOffsets } from './delete-offsets.ts';
export type { DeleteOffsetsDeps, DeleteOffsetsResult } from './delete-offsets.ts';
export { DynamoDbAuditTrail, ensureAuditTable, auditItem, encodeDetail } from './audit.ts';
export type { AuditEntry, AuditTrail, DynamoDbAuditTrailOptions } from './audit.ts';
export { toJson, bigintReplacer } from './json.ts';
export type { Jsonified } from './json.ts';
export { formatTable, formatPlan, formatResult, formatDescribeOffsets, formatDescribeMembers, formatDescribeState } from './table.ts';
export type { ResetAdmin } from './admin.ts';
export {
  OffsetResetError,
  OffsetResetInputError,
  ResetPlanError,
  GroupNotEmptyError,
  MappingsError,
  ResetTimeoutError,
  OffsetWriteError,
  AuditError,
  ResetConfigError,
} from './errors.ts';
export type { InputIssue } from './errors.ts';
export {
  OFFSET_RESET_ERROR_CODES,
  RESET_OUTCOME,
  PLAN_WARNING,
  DEFAULT_TIMEOUT_SECONDS,
  MAX_TIMEOUT_SECONDS,
  RESTORE_TIMEOUT_SECONDS,
  DEFAULT_POLL_INTERVAL_MS,
} from './constants.ts';
export type { PlanWarningCode, ResetOutcome } from './constants.ts';
export type {
  Clock,
  GroupMemberSummary,
  MappingRecord,
  OffsetsFileSource,
  PartitionPlan,
  PartitionWriteFailure,
  PlanWarning,
  ResetInput,
  ResetLogger,
  ResetPlan,
  ResetResult,
  ResetScope,
  ResetStrategy,
  TopicPartition,
  TopicPartitionOffset,
  TopicSelection,
} from './types.ts';
