import type { PlanWarningCode, ResetOutcome } from './constants.ts';

/** A topic-partition. */
export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** A topic-partition and an offset (a CSV row, a committed offset, a write). */
export interface TopicPartitionOffset extends TopicPartition {
  readonly offset: bigint;
}

/** One `topics[]` entry: a topic, all its partitions unless `partitions` lists some. */
export interface TopicSelection {
  readonly topic: string;
  readonly partitions?: readonly number[];
}

/**
 * Which partitions a reset touches: every partition the group has committed
 * (`--all-topics`), the listed topics (`--topic t[:p,...]`), or the rows of the file
 * (`--from-file`, whose rows name their partitions).
 */
export type ResetScope =
  | { readonly type: 'allTopics' }
  | { readonly type: 'topics'; readonly topics: readonly TopicSelection[] }
  | { readonly type: 'file' };

/** Where `fromFile` takes its CSV from. */
export type OffsetsFileSource = { readonly kind: 'inline'; readonly csv: string } | { readonly kind: 's3'; readonly bucket: string; readonly key: string };

/** The reset strategy, normalized (kafka-consumer-groups.sh's `--to-*`, `--shift-by`, `--by-duration`, `--from-file`). */
export type ResetStrategy =
  | { readonly type: 'earliest' }
  | { readonly type: 'latest' }
  | { readonly type: 'current' }
  | { readonly type: 'toOffset'; readonly offset: bigint }
  | { readonly type: 'shiftBy'; readonly shift: bigint }
  | { readonly type: 'toDatetime'; readonly timestampMs: number; readonly text: string }
  | { readonly type: 'byDuration'; readonly durationMs: number; readonly text: string }
  | { readonly type: 'fromFile'; readonly source: OffsetsFileSource }
  | { readonly type: 'copyFromGroup'; readonly groupId: string };

/** A validated reset request (see `parseResetInput`). */
export interface ResetInput {
  readonly groupId: string;
  readonly scope: ResetScope;
  readonly strategy: ResetStrategy;
  /** Write the offsets; otherwise only plan. @default false */
  readonly execute: boolean;
  /** Disable the group's event source mappings around the write. @default true */
  readonly pause: boolean;
  /** Budget for mappings to reach Disabled and the group to become Empty, in seconds. @default 180 */
  readonly timeoutSeconds: number;
  /** Why; required when `execute` is true, stored in the audit record. */
  readonly reason: string | undefined;
  /** Who asked, when the caller cannot be taken from the Lambda context. */
  readonly requestedBy: string | undefined;
}

/** Why a planned target is not what the strategy asked for. */
export interface PlanWarning {
  readonly code: PlanWarningCode;
  readonly message: string;
}

/** One partition of a plan: where the group is, where it will be. */
export interface PartitionPlan extends TopicPartition {
  /** Committed offset before the reset; `undefined` when the group never committed here. */
  readonly committed: bigint | undefined;
  readonly logStart: bigint;
  readonly logEnd: bigint;
  /** What the strategy asked for before clamping (clamped strategies only). */
  readonly requested: bigint | undefined;
  /** The offset to write. */
  readonly target: bigint;
  /** `logEnd - committed` (at least 0); `undefined` without a committed offset, like kafka-consumer-groups.sh. */
  readonly lagBefore: bigint | undefined;
  /** `logEnd - target` (at least 0). */
  readonly lagAfter: bigint;
  readonly warnings: readonly PlanWarning[];
}

/** What a reset will do, partition by partition. */
export interface ResetPlan {
  readonly groupId: string;
  /** kafka-consumer-groups.sh-style label: `to-earliest`, `shift-by -5`, `from-file s3://b/k`... */
  readonly strategy: string;
  /** The timestamp looked up, for `toDatetime` and `byDuration` (epoch ms). */
  readonly timestampMs: number | undefined;
  /** Group state when the plan was made (`Empty`, `Stable`, `Dead`...). */
  readonly groupState: string;
  readonly memberCount: number;
  /** When the plan was made (ISO 8601). */
  readonly createdAt: string;
  readonly partitions: readonly PartitionPlan[];
  readonly totals: {
    readonly partitions: number;
    readonly warnings: number;
    /** Sum of `lagBefore` over partitions that have a committed offset. */
    readonly lagBefore: bigint;
    readonly lagAfter: bigint;
  };
}

/** A member of a consumer group as the error messages and `describe` show it. */
export interface GroupMemberSummary {
  readonly memberId: string;
  readonly clientId: string;
  readonly host: string;
  readonly groupInstanceId: string | undefined;
  /** Assigned partitions (empty while the group rebalances). */
  readonly assignment: readonly TopicPartition[];
}

/** An event source mapping of the group, before and after the reset. */
export interface MappingRecord {
  readonly uuid: string;
  readonly functionArn: string | undefined;
  /** State when the reset started (`Enabled`, `Disabled`, `Enabling`...). */
  readonly stateBefore: string;
  /** Whether the reset must re-enable it (it was `Enabled` or `Enabling`). */
  readonly wasEnabled: boolean;
  /** Whether the reset sent `Enabled: false` for it (and so must restore it). */
  paused: boolean;
  /** `not-needed` (never paused), `restored` (re-enable accepted), `failed`. */
  restore: 'not-needed' | 'restored' | 'failed';
  /** State reported by the last call (e.g. `Enabling` right after the restore). */
  stateAfter: string | undefined;
  restoreError: string | undefined;
}

/** A partition whose offset is not at its target after the write. */
export interface PartitionWriteFailure extends TopicPartition {
  readonly target: bigint;
  /** Kafka's error name (`UNKNOWN_MEMBER_ID`...) or what the read-back showed. */
  readonly reason: string;
}

/** Result of `runReset` / `executeReset`; `toJson` turns offsets into strings. */
export interface ResetResult {
  readonly groupId: string;
  outcome: ResetOutcome;
  /** One sentence: what happened, what was written, whether mappings were restored. */
  summary: string;
  /** The plan that was (or would be) written; for executions, made after the group became Empty. */
  plan: ResetPlan | undefined;
  readonly mappings: MappingRecord[];
  /** Every mapping that was paused was re-enabled (true when none needed it). */
  restored: boolean;
  /** Mappings whose re-enable failed: they are left Disabled and need an operator. */
  restoreFailures: { uuid: string; functionArn: string | undefined; error: string }[];
  /** Partitions read back at their target after the write. */
  written: TopicPartitionOffset[];
  /** Partitions not at their target after the write, with the reason. */
  notWritten: PartitionWriteFailure[];
  /** Partitions sent but not verified (the read-back failed and Kafka reported no error for them). */
  unverified: TopicPartitionOffset[];
  /** What went wrong, at which step (`pausing event source mappings`, `writing offsets`...). */
  error: { code: string; message: string; stage: string; members?: readonly GroupMemberSummary[] } | undefined;
  /** The audit record's sort key, when one was written. */
  auditId: string | undefined;
  readonly timingsMs: { pause?: number; plan?: number; write?: number; restore?: number; total?: number };
}

/** The minimal logger the module writes to; Powertools' `Logger` fits. */
export interface ResetLogger {
  info(message: string, ...attributes: Record<string, unknown>[]): void;
  warn(message: string, ...attributes: Record<string, unknown>[]): void;
  error(message: string, ...attributes: Record<string, unknown>[]): void;
}

/** Time, injectable so tests of waits and backoff run instantly. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}
