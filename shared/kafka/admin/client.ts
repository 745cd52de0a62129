import { ClusterConnections, closedError } from './cluster.ts';
import { Coordinators, consumerGroupDescribe, describeGroups, listGroupsOn } from './groups.ts';
import { MetadataCache } from './metadata.ts';
import { alterConsumerGroupOffsets, deleteConsumerGroupOffsets, listCommittedOffsets, listConsumerGroupOffsets, listOffsets } from './offsets.ts';
import type {
  AlterConsumerGroupOffsetsOptions,
  ClusterMetadata,
  CommittedTopicOffsets,
  ConsumerGroupDescription,
  Coordinator,
  DeleteConsumerGroupOffsetsOptions,
  FindCoordinatorOptions,
  Group,
  GroupListing,
  KafkaAdminOptions,
  ListConsumerGroupOffsetsGroup,
  ListConsumerGroupOffsetsOptions,
  ListGroupsOptions,
  ListOffsetsOptions,
  ListedOffsetsTopic,
  MetadataOptions,
  RequestEvent,
} from './types.ts';

const DEFAULT_METADATA_MAX_AGE_MS = 30_000;

/**
 * The Kafka admin operations the lag monitor and the offset reset need, and nothing
 * else: a client of ~11 protocol APIs that bundles to a few tens of KB and imports in
 * about a millisecond (a general-purpose client costs hundreds of KB and, for
 * @platformatic/kafka, ~250 ms of schema compilation at import: the whole cold-start
 * budget of a scheduled function).
 *
 * Requests are batched the way the protocol allows: FindCoordinator for many groups at
 * once (KIP-699), one OffsetFetch per coordinator for all its groups (KIP-709), one
 * ListOffsets per partition leader. Retriable failures (a broker restarting, a moved
 * coordinator or leader) are retried with fresh routing, `retries` times.
 *
 * @example
 * const admin = new KafkaAdmin({ clientId: 'ops', bootstrapBrokers: ['localhost:9092'] });
 * const offsets = await admin.listConsumerGroupOffsets({ groups: ['orders'] });
 * admin.close();
 */
export class KafkaAdmin {
  readonly #cluster: ClusterConnections;
  readonly #metadata: MetadataCache;
  readonly #coordinators: Coordinators;
  readonly #metadataMaxAgeMs: number;

  constructor(options: KafkaAdminOptions) {
    this.#cluster = new ClusterConnections(options);
    this.#metadata = new MetadataCache(this.#cluster);
    this.#coordinators = new Coordinators(this.#cluster);
    this.#metadataMaxAgeMs = options.metadataMaxAgeMs ?? DEFAULT_METADATA_MAX_AGE_MS;
  }

  /** Calls `listener` for every request frame this client writes; returns the unsubscribe function. */
  onRequest(listener: (event: RequestEvent) => void): () => void {
    return this.#cluster.onRequest(listener);
  }

  /** Brokers and the layout of `options.topics`; throws `KafkaUnknownTopicsError` naming unknown topics. */
  metadata(options: MetadataOptions): Promise<ClusterMetadata> {
    return this.#open(() => this.#metadata.read(options));
  }

  /** Every topic's name. */
  listTopics(options: { includeInternals?: boolean } = {}): Promise<string[]> {
    return this.#open(() => this.#metadata.listTopics(options.includeInternals ?? false));
  }

  /** Groups on every broker (fails as a whole if one broker fails: see {@link listGroupsOnBroker}). */
  listGroups(options: ListGroupsOptions = {}): Promise<Map<string, GroupListing>> {
    return this.#open(async () => {
      // Every broker Metadata names: a coordinator lookup alone makes only some brokers known.
      if (!this.#cluster.brokersFromMetadata) await this.#metadata.read({ topics: [] });
      const perBroker = await Promise.all([...this.#cluster.brokers.keys()].map((nodeId) => this.listGroupsOnBroker(nodeId, options)));
      return new Map(perBroker.flat().map((g) => [g.id, g]));
    });
  }

  /** Groups one broker coordinates. */
  listGroupsOnBroker(nodeId: number, options: ListGroupsOptions = {}): Promise<GroupListing[]> {
    return this.#open(() => listGroupsOn(this.#cluster, nodeId, options));
  }

  /** Coordinators of groups (keyType 0), one batched request for those not cached. */
  findCoordinator(options: FindCoordinatorOptions): Promise<Coordinator[]> {
    return this.#open(() => this.#cluster.withRetries((attempt) => this.#coordinators.of([...options.keys], attempt > 0)));
  }

  /** Classic groups (DescribeGroups). KIP-848 groups answer `Dead` here: see {@link consumerGroupDescribe}. */
  describeGroups(options: { groups: readonly string[] }): Promise<Map<string, Group>> {
    return this.#open(() => describeGroups(this.#cluster, this.#coordinators, options.groups));
  }

  /** KIP-848 groups: each id maps to its description or the error that stopped it. */
  consumerGroupDescribe(groupIds: readonly string[]): Promise<Map<string, ConsumerGroupDescription | Error>> {
    return this.#open(() => consumerGroupDescribe(this.#cluster, this.#coordinators, groupIds));
  }

  /** Committed offsets of many groups, in request order. */
  listConsumerGroupOffsets(options: ListConsumerGroupOffsetsOptions): Promise<ListConsumerGroupOffsetsGroup[]> {
    return this.#open(() => listConsumerGroupOffsets(this.#cluster, this.#coordinators, options));
  }

  /**
   * Every committed offset of many groups, compactly: group id (each one asked) -> the
   * topics it has committed on, with the offset by partition index. The same requests as
   * {@link listConsumerGroupOffsets}, for callers that read whole groups by the hundred
   * (the lag monitor): no object per partition, partitions without a commit left out.
   */
  listCommittedOffsets(groupIds: readonly string[]): Promise<Map<string, CommittedTopicOffsets[]>> {
    return this.#open(() => listCommittedOffsets(this.#cluster, this.#coordinators, groupIds));
  }

  /** Log offsets at a timestamp, per partition. */
  listOffsets(options: ListOffsetsOptions): Promise<ListedOffsetsTopic[]> {
    return this.#open(() => listOffsets(this.#cluster, this.#metadata, options, this.#metadataMaxAgeMs));
  }

  /** Writes a group's offsets (the group must have no members); throws `KafkaPartitionErrors` with the broker's answer if partitions were refused. */
  alterConsumerGroupOffsets(options: AlterConsumerGroupOffsetsOptions): Promise<void> {
    return this.#open(() => alterConsumerGroupOffsets(this.#cluster, this.#coordinators, options));
  }

  /** Deletes a group's committed offsets of some partitions. */
  deleteConsumerGroupOffsets(options: DeleteConsumerGroupOffsetsOptions): Promise<{ name: string; partitionIndexes: number[] }[]> {
    return this.#open(() => deleteConsumerGroupOffsets(this.#cluster, this.#coordinators, options));
  }

  /** Closes every connection; later calls reject with a non-retriable `KafkaRoutingError`. Closing again does nothing. */
  async close(): Promise<void> {
    this.#cluster.close();
  }

  /**
   * Runs `call` unless the client is closed. Checked here, not only when a connection is
   * opened, because a call the caches can answer (metadata within `metadataMaxAge`, a
   * known coordinator) would otherwise go on answering after `close()`.
   */
  #open<T>(call: () => Promise<T>): Promise<T> {
    return this.#cluster.closed ? Promise.reject(closedError()) : call();
  }
}
