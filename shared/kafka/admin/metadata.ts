// Cluster metadata: brokers and topic layouts, cached per topic so ListOffsets can route by
// leader without a Metadata request each time.
import { metadataV12, protocolError } from '../wire/index.ts';
import type { ClusterConnections } from './cluster.ts';
import { KafkaUnknownTopicsError } from './errors.ts';
import type { BrokerInfo, ClusterMetadata, MetadataOptions, TopicMetadata } from './types.ts';

const UNKNOWN_TOPIC_OR_PARTITION = 3;
/** Errors of a topic that is there but has no usable leader right now: the layout is still worth returning. */
const TRANSIENT_TOPIC_ERRORS = new Set([5 /* LEADER_NOT_AVAILABLE */, 9 /* REPLICA_NOT_AVAILABLE */]);

export class MetadataCache {
  readonly #cluster: ClusterConnections;
  readonly #topics = new Map<string, TopicMetadata>();
  #clusterId = '';
  #controllerId = -1;
  #lastUpdate = 0;

  constructor(cluster: ClusterConnections) {
    this.#cluster = cluster;
  }

  /** Cached layout of `topic`, if read within `maxAgeMs`. */
  cached(topic: string, maxAgeMs: number): TopicMetadata | undefined {
    const entry = this.#topics.get(topic);
    return entry !== undefined && Date.now() - entry.lastUpdate <= maxAgeMs ? entry : undefined;
  }

  forget(topics: Iterable<string>): void {
    for (const topic of topics) this.#topics.delete(topic);
  }

  /**
   * Brokers and the layout of `options.topics`. Throws {@link KafkaUnknownTopicsError}
   * naming exactly the topics the cluster does not know (the others are cached anyway).
   */
  async read(options: MetadataOptions): Promise<ClusterMetadata> {
    const maxAge = options.forceUpdate ? -1 : (options.metadataMaxAge ?? -1);
    if (maxAge >= 0 && this.#cluster.brokers.size > 0) {
      const hits = options.topics.map((t) => this.cached(t, maxAge));
      if (hits.every((h) => h !== undefined)) return this.#snapshot(options.topics);
    }
    return this.#cluster.withRetries(async () => {
      await this.refresh(options.topics);
      return this.#snapshot(options.topics);
    });
  }

  /** Every topic name (Metadata with a null topic list); internal topics only when asked. */
  async listTopics(includeInternals: boolean): Promise<string[]> {
    const response = await this.#cluster.withRetries(() => this.#cluster.requestAny(metadataV12, { topics: null }));
    this.#takeBrokers(response.brokers);
    return response.topics.filter((t) => t.errorCode === 0 && (includeInternals || !t.isInternal)).map((t) => t.name);
  }

  /**
   * One Metadata request for `topics`, without retries: for callers that run it inside
   * their own retry loop (a retried call inside a retried call would multiply the attempts).
   * Throws {@link KafkaUnknownTopicsError} as {@link read} does.
   */
  async refresh(topics: readonly string[]): Promise<void> {
    const response = await this.#cluster.requestAny(metadataV12, { topics: [...topics] });
    const now = Date.now();
    this.#takeBrokers(response.brokers);
    this.#clusterId = response.clusterId ?? '';
    this.#controllerId = response.controllerId;
    this.#lastUpdate = now;
    const unknown: string[] = [];
    for (const topic of response.topics) {
      if (topic.errorCode === UNKNOWN_TOPIC_OR_PARTITION) {
        unknown.push(topic.name);
        this.#topics.delete(topic.name);
        continue;
      }
      if (topic.errorCode !== 0 && !TRANSIENT_TOPIC_ERRORS.has(topic.errorCode)) throw protocolError(topic.errorCode, `Metadata for topic '${topic.name}'`);
      // Brokers answer in partition order; sorting a copy only when not is one copy less per topic and refresh.
      const partitions = topic.partitions.every((p, i) => p.partitionIndex === i) ? topic.partitions : [...topic.partitions].sort((a, b) => a.partitionIndex - b.partitionIndex);
      this.#topics.set(topic.name, {
        id: topic.topicId,
        partitionsCount: partitions.length,
        partitions: partitions.map((p) => ({ leader: p.leaderId, leaderEpoch: p.leaderEpoch, replicas: p.replicaNodes, isr: p.isrNodes, offlineReplicas: p.offlineReplicas })),
        lastUpdate: now,
      });
    }
    if (unknown.length > 0) throw new KafkaUnknownTopicsError(unknown);
  }

  #takeBrokers(brokers: ReadonlyArray<{ nodeId: number; host: string; port: number }>): void {
    this.#cluster.setBrokers(new Map(brokers.map((b): [number, BrokerInfo] => [b.nodeId, { host: b.host, port: b.port }])));
  }

  #snapshot(topics: readonly string[]): ClusterMetadata {
    const selected = new Map<string, TopicMetadata>();
    for (const topic of topics) {
      const entry = this.#topics.get(topic);
      if (entry) selected.set(topic, entry);
    }
    return { id: this.#clusterId, brokers: new Map(this.#cluster.brokers), controllerId: this.#controllerId, topics: selected, lastUpdate: this.#lastUpdate };
  }
}
