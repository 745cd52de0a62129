import { ClusterConnections } from './cluster.ts';
import { Coordinators, consumerGroupDescribe, describeGroups, listGroupsOn } from './groups.ts';
import { MetadataCache } from './metadata.ts';
import { alterConsumerGroupOffsets, deleteConsumerGroupOffsets, listConsumerGroupOffsets, listOffsets } from './offsets.ts';
import type {
  AlterConsumerGroupOffsetsOptions,
  ClusterMetadata,
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
    return this.#metadata.read(options);
  }

  /** Every topic's name. */
  listTopics(options: { includeInternals?: boolean } = {}): Promise<string[]> {
    return this.#metadata.listTopics(options.includeInternals ?? false);
  }

  /** Groups on every broker (fails as a whole if one broker fails: see {@link listGroupsOnBroker}). */
  async listGroups(options: ListGroupsOptions = {}): Promise<Map<string, GroupListing>> {
    if (this.#cluster.brokers.size === 0) await this.#metadata.read({ topics: [] });
    const perBroker = await Promise.all([...this.#cluster.brokers.keys()].map((nodeId) => this.listGroupsOnBroker(nodeId, options)));
    return new Map(perBroker.flat().map((g) => [g.id, g]));
  }

  /** Groups one broker coordinates. */
  listGroupsOnBroker(nodeId: number, options: ListGroupsOptions = {}): Promise<GroupListing[]> {
    return listGroupsOn(this.#cluster, nodeId, options);
  }

  /** Coordinators of groups (keyType 0), one batched request for those not cached. */
  findCoordinator(options: FindCoordinatorOptions): Promise<Coordinator[]> {
    return this.#cluster.withRetries((attempt) => this.#coordinators.of([...options.keys], attempt > 0));
  }

  /** Classic groups (DescribeGroups). KIP-848 groups answer `Dead` here: see {@link consumerGroupDescribe}. */
  describeGroups(options: { groups: readonly string[] }): Promise<Map<string, Group>> {
    return describeGroups(this.#cluster, this.#coordinators, options.groups);
  }

  /** KIP-848 groups: each id maps to its description or the error that stopped it. */
  consumerGroupDescribe(groupIds: readonly string[]): Promise<Map<string, ConsumerGroupDescription | Error>> {
    return consumerGroupDescribe(this.#cluster, this.#coordinators, groupIds);
  }

  /** Committed offsets of many groups, in request order. */
  listConsumerGroupOffsets(options: ListConsumerGroupOffsetsOptions): Promise<ListConsumerGroupOffsetsGroup[]> {
    return listConsumerGroupOffsets(this.#cluster, this.#coordinators, options);
  }

  /** Log offsets at a timestamp, per partition. */
  listOffsets(options: ListOffsetsOptions): Promise<ListedOffsetsTopic[]> {
    return listOffsets(this.#cluster, this.#metadata, options, this.#metadataMaxAgeMs);
  }

  /** Writes a group's offsets (the group must have no members); throws `KafkaPartitionErrors` with the broker's answer if partitions were refused. */
  alterConsumerGroupOffsets(options: AlterConsumerGroupOffsetsOptions): Promise<void> {
    return alterConsumerGroupOffsets(this.#cluster, this.#coordinators, options);
  }

  /** Deletes a group's committed offsets of some partitions. */
  deleteConsumerGroupOffsets(options: DeleteConsumerGroupOffsetsOptions): Promise<{ name: string; partitionIndexes: number[] }[]> {
    return deleteConsumerGroupOffsets(this.#cluster, this.#coordinators, options);
  }

  /** Closes every connection. */
  async close(): Promise<void> {
    this.#cluster.close();
  }
}
