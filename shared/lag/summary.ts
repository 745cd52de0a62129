import type { MappingScalingOutcome } from './autoscaler.ts';
import type { GroupStatus, MonitoredGroupType, OffsetStatus, PartitionStatus, TimeLagQuality } from './constants.ts';
import type { GroupEvaluation, PartitionEvaluation, RequestCounts } from './types.ts';

/**
 * The JSON result of one monitor cycle (the Lambda function's return value, the CLI's
 * `--json`). Offsets and lags are decimal strings: they are int64 in Kafka and would lose
 * precision as JSON numbers beyond 2^53. Seconds and counts are numbers.
 */
export interface LagSummary {
  /** ISO time of the cycle (when log end offsets were read). */
  readonly cycleAt: string;
  readonly durationMs: number;
  /** Kafka requests the cycle sent (see `KafkaRequestCounter`). */
  readonly kafkaRequests: RequestCounts;
  readonly groups: GroupSummary[];
  readonly scaling: MappingScalingOutcome[];
  /** Cycle-wide problems (ListGroups, Metadata, state table). */
  readonly errors: string[];
  /** EMF documents written. */
  readonly metricsDocuments: number;
}

export interface MemberSummary {
  readonly memberId: string;
  readonly clientId: string;
  readonly host: string;
  /** `topic` -> partitions. */
  readonly assignment: Record<string, number[]>;
}

export interface GroupSummary {
  readonly groupId: string;
  readonly type: MonitoredGroupType;
  readonly state: string;
  readonly status: GroupStatus;
  /** False when the group's offsets could not be read this cycle (see `errors`). */
  readonly evaluated: boolean;
  readonly members: MemberSummary[];
  readonly generation: number | null;
  readonly totalLag: string;
  readonly maxLag: { readonly topic: string; readonly partition: number; readonly lag: string } | null;
  readonly complete: number;
  readonly rebalances: number;
  readonly topics: Array<{
    readonly topic: string;
    readonly sumLag: string;
    readonly maxLag: string | null;
    readonly maxTimeLagSeconds: number | null;
    readonly partitions: number;
    readonly partitionsWithUnknownLag: number;
  }>;
  readonly hotPartitions: Array<{ readonly topic: string; readonly partition: number; readonly lag: string }>;
  /** Omitted when the monitor runs with `summaryPartitions: false` (large clusters: Lambda results are capped at 6 MB). */
  readonly partitions?: PartitionSummary[];
  readonly errors: readonly string[];
}

export interface PartitionSummary {
  readonly topic: string;
  readonly partition: number;
  readonly committedOffset: string | null;
  readonly logStartOffset: string | null;
  readonly logEndOffset: string | null;
  readonly lag: string | null;
  readonly offsetStatus: OffsetStatus;
  readonly timeLagSeconds: number | null;
  readonly timeLagQuality: TimeLagQuality;
  readonly status: PartitionStatus;
  readonly complete: number;
  readonly hot: boolean;
  readonly consumer: { readonly memberId: string; readonly clientId: string; readonly host: string } | null;
}

const str = (value: bigint | null): string | null => (value === null ? null : value.toString());

/** A group evaluation as JSON-safe data. */
export function groupSummary(group: GroupEvaluation, options: { readonly partitions?: boolean } = {}): GroupSummary {
  return {
    groupId: group.groupId,
    type: group.type,
    state: group.state,
    status: group.status,
    evaluated: group.evaluated,
    members: group.members.map((m) => ({ memberId: m.memberId, clientId: m.clientId, host: m.host, assignment: Object.fromEntries([...m.assignment].map(([t, ps]) => [t, [...ps]])) })),
    generation: group.generation,
    totalLag: group.totalLag.toString(),
    maxLag: group.maxLagPartition === null ? null : { topic: group.maxLagPartition.topic, partition: group.maxLagPartition.partition, lag: String(group.maxLagPartition.lag) },
    complete: group.complete,
    rebalances: group.rebalances,
    topics: group.topics.map((t) => ({
      topic: t.topic,
      sumLag: t.sumLag.toString(),
      maxLag: str(t.maxLag),
      maxTimeLagSeconds: t.maxTimeLagSeconds,
      partitions: t.partitions,
      partitionsWithUnknownLag: t.partitionsWithUnknownLag,
    })),
    hotPartitions: group.partitions.filter((p) => p.hot).map((p) => ({ topic: p.topic, partition: p.partition, lag: String(p.lag) })),
    ...(options.partitions === false ? {} : { partitions: group.partitions.map(partitionSummary) }),
    errors: group.errors,
  };
}

/** A partition evaluation as JSON-safe data. */
export function partitionSummary(p: PartitionEvaluation): PartitionSummary {
  return {
    topic: p.topic,
    partition: p.partition,
    committedOffset: str(p.committedOffset),
    logStartOffset: str(p.logStartOffset),
    logEndOffset: str(p.logEndOffset),
    lag: str(p.lag),
    offsetStatus: p.offsetStatus,
    timeLagSeconds: p.timeLagSeconds,
    timeLagQuality: p.timeLagQuality,
    status: p.status,
    complete: p.complete,
    hot: p.hot,
    consumer: p.owner === null ? null : { memberId: p.owner.memberId, clientId: p.owner.clientId, host: p.owner.host },
  };
}
