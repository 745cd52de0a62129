import type { GroupStatus, MonitoredGroupType, OffsetStatus, PartitionStatus, TimeLagQuality } from './constants.ts';

// ---------------------------------------------------------------------------------------
// Collection: what one batched round of Kafka requests returns.
// ---------------------------------------------------------------------------------------

/** A member of a group as DescribeGroups / ConsumerGroupDescribe report it. */
export interface GroupMemberInfo {
  readonly memberId: string;
  readonly clientId: string;
  /** As Kafka reports it, e.g. `/10.0.0.12`. */
  readonly host: string;
  /** Assigned partitions per topic; empty when the assignment could not be decoded. */
  readonly assignment: ReadonlyMap<string, readonly number[]>;
}

/** Committed offset and log offsets of one partition, as read this cycle. */
export interface CollectedPartition {
  readonly topic: string;
  readonly partition: number;
  /** `null`: the group has no committed offset for this partition. */
  readonly committedOffset: bigint | null;
  /** `null`: the leader did not answer this cycle. */
  readonly logStartOffset: bigint | null;
  /** `null`: the leader did not answer this cycle. */
  readonly logEndOffset: bigint | null;
  /** The member the partition is assigned to, if any. */
  readonly owner: GroupMemberInfo | null;
}

/** One consumer group as collected. */
export interface CollectedGroup {
  readonly groupId: string;
  readonly type: MonitoredGroupType;
  /** Kafka's group state (`Stable`, `Empty`, ...); `Unknown` when describing failed. */
  readonly state: string;
  readonly members: readonly GroupMemberInfo[];
  /** KIP-848 group epoch; `null` for classic groups (DescribeGroups does not return the generation). */
  readonly generation: number | null;
  /** Committed partitions, assigned partitions, and every other partition of their topics. */
  readonly partitions: readonly CollectedPartition[];
  /** Why part of this group's data is missing this cycle (empty when complete). */
  readonly errors: readonly string[];
  /** Whether OffsetFetch answered for this group; without it no lag can be evaluated. */
  readonly offsetsAvailable: boolean;
  /** Whether the group could be described; without it membership (and so STOP vs STALL) is unknown. */
  readonly described: boolean;
}

/** Log start/end offsets of a topic's partitions, indexed by partition. */
export interface CollectedTopic {
  readonly topic: string;
  readonly partitionCount: number;
  readonly logStartOffsets: ReadonlyArray<bigint | null>;
  readonly logEndOffsets: ReadonlyArray<bigint | null>;
}

/** Kafka requests a cycle sent, per API and per broker (`host:port`). */
export interface RequestCounts {
  readonly total: number;
  readonly byApi: Readonly<Record<string, number>>;
  readonly byBroker: Readonly<Record<string, number>>;
}

/** Result of {@link collectLag}. */
export interface LagCollection {
  readonly groups: readonly CollectedGroup[];
  readonly topics: ReadonlyMap<string, CollectedTopic>;
  /** Groups that were known (state index) but are no longer listed by the cluster. */
  readonly vanishedGroups: readonly string[];
  /** Problems that affect the whole cycle (e.g. ListGroups failed on a broker). */
  readonly errors: readonly string[];
  /** Whether ListGroups answered (else the groups are the ones known from the previous cycle). */
  readonly listingComplete: boolean;
  /**
   * Topics read with a cached partition count (`CollectLagOptions.refreshKnownTopics`
   * false) that some group commits on or is assigned beyond: partitions were added. They
   * were asked again this cycle unless a group had been assembled with them already; the
   * next cycle should refresh their metadata either way.
   */
  readonly outdatedTopics: readonly string[];
}

// ---------------------------------------------------------------------------------------
// Persistent state: what survives between invocations (Lambda instances are recycled).
// ---------------------------------------------------------------------------------------

/** One observation of a partition's committed offset (Burrow's "commit"). */
export interface CommitObservation {
  readonly offset: bigint;
  /** Lag when observed; `null` when the log end offset was unavailable. */
  readonly lag: bigint | null;
  readonly timeMs: number;
}

/** One (log end offset, time) sample of a partition (kafka-lag-exporter's table point). */
export interface OffsetTimePoint {
  readonly offset: bigint;
  readonly timeMs: number;
}

/** Cooldown bookkeeping of the autoscaler, per group. */
export interface ScalingState {
  /** When the autoscaler last changed this group's pollers (epoch ms). */
  readonly lastChangeAtMs: number;
  /** The `MinimumPollers` it set. */
  readonly minimumPollers: number;
}

/** Everything remembered about one group. */
export interface GroupLagState {
  readonly groupId: string;
  readonly type: MonitoredGroupType;
  /** Kafka group state at the last cycle. */
  readonly lastState: string | null;
  /** KIP-848 group epoch at the last cycle. */
  readonly generation: number | null;
  /** Members and assignment at the last cycle, to detect classic rebalances. */
  readonly membersFingerprint: string | null;
  readonly lastSeenMs: number;
  /** Commit windows: topic -> partition -> observations, oldest first. */
  readonly windows: ReadonlyMap<string, ReadonlyMap<number, readonly CommitObservation[]>>;
  readonly scaling: ScalingState | null;
}

/** Log end offset samples of one topic (shared by every group reading it). */
export interface TopicLagState {
  readonly topic: string;
  readonly lastSeenMs: number;
  /** partition -> samples, oldest first. */
  readonly samples: ReadonlyMap<number, readonly OffsetTimePoint[]>;
}

/** The groups monitored at the last cycle, to notice vanished groups and to survive a failed ListGroups. */
export interface MonitorIndex {
  readonly groups: ReadonlyArray<{ readonly groupId: string; readonly type: MonitoredGroupType }>;
  readonly updatedAtMs: number;
}

/** What one cycle loads. */
export interface LoadedLagState {
  readonly groups: ReadonlyMap<string, GroupLagState>;
  readonly topics: ReadonlyMap<string, TopicLagState>;
}

/** What one cycle writes. Entities not listed are left as they are. */
export interface LagStateChanges {
  readonly groups: readonly GroupLagState[];
  readonly topics: readonly TopicLagState[];
  readonly index?: MonitorIndex;
  readonly deleteGroups?: readonly string[];
}

/**
 * Where the monitor keeps its state between invocations.
 * Implementations: `DynamoDbLagStateStore` (one item per group and per topic, compressed)
 * and `InMemoryLagStateStore` (tests, CLI).
 */
export interface LagStateStore {
  loadIndex(): Promise<MonitorIndex | undefined>;
  load(request: { readonly groups: readonly string[]; readonly topics: readonly string[] }): Promise<LoadedLagState>;
  save(changes: LagStateChanges): Promise<void>;
}

// ---------------------------------------------------------------------------------------
// Evaluation.
// ---------------------------------------------------------------------------------------

/** A partition after evaluation. */
export interface PartitionEvaluation {
  readonly topic: string;
  readonly partition: number;
  readonly committedOffset: bigint | null;
  readonly logStartOffset: bigint | null;
  readonly logEndOffset: bigint | null;
  /** max(0, log end − max(committed, log start)); `null` when unknown. */
  readonly lag: bigint | null;
  readonly offsetStatus: OffsetStatus;
  readonly timeLagSeconds: number | null;
  readonly timeLagQuality: TimeLagQuality;
  readonly status: PartitionStatus;
  /** Commits in the window / window size (Burrow's `complete`). */
  readonly complete: number;
  readonly hot: boolean;
  readonly owner: GroupMemberInfo | null;
}

/** Per group and topic aggregates (the `SumOffsetLag`/`MaxOffsetLag`/`MaxTimeLagSeconds` metrics). */
export interface TopicLagAggregate {
  readonly topic: string;
  /** Sum of the known partition lags. */
  readonly sumLag: bigint;
  /** Largest known partition lag; `null` when no partition lag is known. */
  readonly maxLag: bigint | null;
  /** Largest known time lag; `null` when none is known. */
  readonly maxTimeLagSeconds: number | null;
  readonly partitions: number;
  /** Partitions whose lag is unknown (no commit, leader unavailable): excluded from the sums. */
  readonly partitionsWithUnknownLag: number;
}

/** A group after evaluation. */
export interface GroupEvaluation {
  readonly groupId: string;
  readonly type: MonitoredGroupType;
  readonly state: string;
  readonly members: readonly GroupMemberInfo[];
  readonly generation: number | null;
  readonly status: GroupStatus;
  readonly totalLag: bigint;
  readonly maxLagPartition: PartitionEvaluation | null;
  /** Share of partitions whose commit window is full (Burrow's group `complete`). */
  readonly complete: number;
  readonly rebalances: number;
  readonly topics: readonly TopicLagAggregate[];
  readonly partitions: readonly PartitionEvaluation[];
  readonly errors: readonly string[];
  /** False when the group's committed offsets could not be read (or it vanished): no lag, no status metric. */
  readonly evaluated: boolean;
}
