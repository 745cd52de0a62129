// Options and results of the admin client. The shapes follow @platformatic/kafka's Admin
// where this project used it before (method names, `Map`s keyed by id, `partitionIndex`),
// so the lag monitor and the offset reset read the same structures from either client and
// their unit-test fakes stay valid.
import type { ConnectionOptions } from '../wire/index.ts';

/** Options of {@link KafkaAdmin}. */
export interface KafkaAdminOptions extends Omit<ConnectionOptions, 'onRequest'> {
  /** `host:port` of one or more brokers; the rest are found through Metadata. */
  readonly bootstrapBrokers: readonly string[];
  /**
   * Attempts after the first for a request that failed retriably (network error, moved
   * coordinator or leader, coordinator loading). @default 3
   */
  readonly retries?: number;
  /** Pause before a retry, doubled each attempt. @default 100 */
  readonly retryDelayMs?: number;
  /** How long cached topic metadata routes ListOffsets before it is refreshed. @default 30000 */
  readonly metadataMaxAgeMs?: number;
}

/** One request frame written, as {@link KafkaAdmin.onRequest} listeners see it. */
export interface RequestEvent {
  readonly api: string;
  readonly apiKey: number;
  readonly version: number;
  /** `host:port` */
  readonly broker: string;
}

export interface BrokerInfo {
  readonly host: string;
  readonly port: number;
}

export interface PartitionMetadata {
  /** Leader broker id; −1 without a leader. */
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  readonly offlineReplicas: readonly number[];
}

export interface TopicMetadata {
  readonly id: string;
  readonly partitionsCount: number;
  readonly partitions: readonly PartitionMetadata[];
  /** `Date.now()` when this topic's metadata was read. */
  readonly lastUpdate: number;
}

export interface ClusterMetadata {
  readonly id: string;
  readonly brokers: Map<number, BrokerInfo>;
  readonly controllerId: number;
  readonly topics: Map<string, TopicMetadata>;
  readonly lastUpdate: number;
}

export interface MetadataOptions {
  /** Topics to describe; `[]` for brokers only. */
  readonly topics: readonly string[];
  /** Ask the cluster even if the cache is fresh. @default false */
  readonly forceUpdate?: boolean;
  /** Answer from the cache when every topic was read within this many ms. @default 0 (always ask) */
  readonly metadataMaxAge?: number;
}

/** A group as ListGroups names it. */
export interface GroupListing {
  readonly id: string;
  /** Kafka's spelling: `Stable`, `Empty`... */
  readonly state: string;
  /** `classic` or `consumer` (KIP-848); `undefined` from brokers before KIP-848. */
  readonly groupType: string | undefined;
  readonly protocolType: string;
}

export interface ListGroupsOptions {
  /** State filter (KIP-518), Kafka's spelling. @default every state */
  readonly states?: readonly string[];
  /** Type filter (KIP-848): `classic`, `consumer`. @default every type the broker lists by default */
  readonly types?: readonly string[];
}

export interface GroupMemberAssignment {
  readonly topic: string;
  readonly partitions: number[];
}

export interface GroupMember {
  readonly id: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  /** The consumer protocol subscription of the member's JoinGroup, when it decodes. */
  readonly metadata?: { readonly topics: string[] };
  /** topic -> assigned partitions (consumer protocol). */
  readonly assignments: Map<string, GroupMemberAssignment>;
}

/** A classic group as DescribeGroups describes it. */
export interface Group {
  readonly id: string;
  readonly state: string;
  readonly protocolType: string;
  readonly protocol: string;
  readonly members: Map<string, GroupMember>;
}

export interface ConsumerGroupMember {
  readonly memberId: string;
  readonly instanceId: string | null;
  readonly memberEpoch: number;
  readonly clientId: string;
  readonly clientHost: string;
  readonly subscribedTopicNames: string[];
  readonly assignment: GroupMemberAssignment[];
}

/** A KIP-848 (`group.protocol=consumer`) group as ConsumerGroupDescribe describes it. */
export interface ConsumerGroupDescription {
  readonly groupId: string;
  readonly state: string;
  readonly groupEpoch: number;
  readonly assignmentEpoch: number;
  readonly members: ConsumerGroupMember[];
}

export interface FindCoordinatorOptions {
  /** 0: group. */
  readonly keyType?: number;
  readonly keys: readonly string[];
}

export interface Coordinator {
  readonly key: string;
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
}

export interface ListConsumerGroupOffsetsOptions {
  /** Group ids, or groups with the partitions to read (`topics` absent: every committed partition). */
  readonly groups: ReadonlyArray<string | { readonly groupId: string; readonly topics?: ReadonlyArray<{ readonly name: string; readonly partitionIndexes: readonly number[] }> }>;
  readonly requireStable?: boolean;
}

export interface CommittedPartitionOffset {
  readonly partitionIndex: number;
  /** −1 when the partition was asked for and has no commit. */
  readonly committedOffset: bigint;
  readonly committedLeaderEpoch: number;
  readonly metadata: string | null;
}

export interface ListConsumerGroupOffsetsGroup {
  readonly groupId: string;
  readonly topics: Array<{ readonly name: string; readonly partitions: CommittedPartitionOffset[] }>;
}

/** One topic of {@link KafkaAdmin.listCommittedOffsets}'s answer. */
export interface CommittedTopicOffsets {
  readonly name: string;
  /** Committed offset by partition index; a hole (`undefined`) where the group has no commit. */
  readonly offsets: ReadonlyArray<bigint | undefined>;
}

export interface ListOffsetsOptions {
  /** `timestamp`: −1 log end, −2 log start, or epoch ms (first offset at or after it). */
  readonly topics: ReadonlyArray<{ readonly name: string; readonly partitions: ReadonlyArray<{ readonly partitionIndex: number; readonly timestamp?: bigint }> }>;
  /** 0: read uncommitted, 1: read committed. @default 0 */
  readonly isolationLevel?: number;
  /**
   * How old the cached leaders this call routes by may be before it asks Metadata first.
   * A leader that moved since answers NOT_LEADER_OR_FOLLOWER and the retry asks fresh
   * metadata, so a caller that refreshes metadata anyway may pass `Infinity`.
   * @default the client's `metadataMaxAge`
   */
  readonly metadataMaxAgeMs?: number;
}

export interface ListedOffsetsPartition {
  readonly partitionIndex: number;
  /** −1 when no record is at or after the asked timestamp. */
  readonly offset: bigint;
  readonly timestamp: bigint;
  readonly leaderEpoch: number;
}

export interface ListedOffsetsTopic {
  readonly name: string;
  readonly partitions: ListedOffsetsPartition[];
}

export interface AlterConsumerGroupOffsetsOptions {
  readonly groupId: string;
  readonly topics: ReadonlyArray<{ readonly name: string; readonly partitionOffsets: ReadonlyArray<{ readonly partition: number; readonly offset: bigint }> }>;
}

export interface DeleteConsumerGroupOffsetsOptions {
  readonly groupId: string;
  readonly topics: ReadonlyArray<{ readonly name: string; readonly partitionIndexes: readonly number[] }>;
}

/** A per-partition answer of OffsetCommit / OffsetDelete. */
export interface PartitionResponse {
  readonly topics: ReadonlyArray<{ readonly name: string; readonly partitions: ReadonlyArray<{ readonly partitionIndex: number; readonly errorCode: number }> }>;
}
