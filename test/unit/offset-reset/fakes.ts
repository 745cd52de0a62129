// Fakes for the offset-reset unit tests: an in-memory Kafka behind the ResetAdmin
// interface (here), and Lambda's event-source-mapping API (fake-lambda.ts). Both append
// to one event log, so tests can assert the order of pause -> wait -> write -> resume.
import { KafkaPartitionErrors, KafkaUnknownTopicsError } from '../../../shared/kafka/index.ts';
import type {
  AlterConsumerGroupOffsetsOptions,
  ClusterMetadata,
  DeleteConsumerGroupOffsetsOptions,
  Group,
  GroupListing,
  GroupMember,
  ListConsumerGroupOffsetsGroup,
  ListConsumerGroupOffsetsOptions,
  ListGroupsOptions,
  ListOffsetsOptions,
  ListedOffsetsTopic,
  MetadataOptions,
  TopicMetadata,
} from '../../../shared/kafka/index.ts';
import type { AuditEntry, AuditTrail, Clock, ResetAdmin, ResetLogger } from '../../../shared/offset-reset/index.ts';

/** A clock whose sleep advances time at once. */
export class FakeClock implements Clock {
  nowMs = 1_700_000_000_000;
  slept: number[] = [];
  now(): number {
    return this.nowMs;
  }
  async sleep(ms: number): Promise<void> {
    this.slept.push(ms);
    this.nowMs += ms;
  }
}

export interface FakePartition {
  logStart: bigint;
  /** Timestamp of each record from logStart on; logEnd = logStart + length. */
  timestamps: bigint[];
}

export interface FakeMember {
  id: string;
  clientId: string;
  host: string;
  topics: string[];
  /** Set when the member is one of a mapping's pollers: it leaves when the mapping is Disabled. */
  mappingUuid?: string;
}

const key = (topic: string, partition: number): string => `${topic}-${partition}`;

/** An in-memory Kafka cluster behind the ResetAdmin interface. */
export class FakeKafka implements ResetAdmin {
  readonly topics = new Map<string, FakePartition[]>();
  readonly committed = new Map<string, Map<string, bigint>>();
  readonly members = new Map<string, FakeMember[]>();
  /** Partitions (`topic-partition`) whose offset commit fails with this Kafka error code. */
  readonly failCommit = new Map<string, number>();
  /** KIP-848 groups and their state: classic DescribeGroups calls them Dead, as Kafka 4 does. */
  readonly consumerProtocolGroups = new Map<string, string>();
  readonly calls: string[] = [];
  readonly events: string[];

  constructor(events: string[] = []) {
    this.events = events;
  }

  addTopic(name: string, partitions: FakePartition[]): this {
    this.topics.set(name, partitions);
    return this;
  }

  /** A topic whose partitions hold `count` records each, one per second from `firstTimestamp`. */
  addUniformTopic(name: string, partitionCount: number, count: number, options: { logStart?: bigint; firstTimestamp?: bigint } = {}): this {
    const start = options.logStart ?? 0n;
    const t0 = options.firstTimestamp ?? 1_000_000n;
    return this.addTopic(
      name,
      Array.from({ length: partitionCount }, () => ({ logStart: start, timestamps: Array.from({ length: count }, (_, i) => t0 + BigInt(i) * 1_000n) })),
    );
  }

  commit(group: string, topic: string, partition: number, offset: bigint): this {
    const offsets = this.committed.get(group) ?? new Map<string, bigint>();
    offsets.set(key(topic, partition), offset);
    this.committed.set(group, offsets);
    return this;
  }

  join(group: string, member: FakeMember): this {
    this.members.set(group, [...(this.members.get(group) ?? []), member]);
    return this;
  }

  leave(group: string, predicate: (m: FakeMember) => boolean): void {
    this.members.set(group, (this.members.get(group) ?? []).filter((m) => !predicate(m)));
  }

  committedOf(group: string, topic: string, partition: number): bigint | undefined {
    return this.committed.get(group)?.get(key(topic, partition));
  }

  #record(call: string): void {
    this.calls.push(call);
    this.events.push(`kafka:${call}`);
  }

  #logEnd(p: FakePartition): bigint {
    return p.logStart + BigInt(p.timestamps.length);
  }

  async describeGroups(options: { groups: readonly string[] }): Promise<Map<string, Group>> {
    this.#record('describeGroups');
    const out = new Map<string, Group>();
    for (const id of options.groups) {
      if (this.consumerProtocolGroups.has(id)) {
        out.set(id, { id, state: 'Dead', protocolType: '', protocol: '', members: new Map()});
        continue;
      }
      const members = this.members.get(id) ?? [];
      const known = this.committed.has(id) || this.members.has(id);
      const memberMap = new Map<string, GroupMember>(
        members.map((m) => [
          m.id,
          {
            id: m.id,
            groupInstanceId: null,
            clientId: m.clientId,
            clientHost: m.host,
            assignments: new Map(m.topics.map((t) => [t, { topic: t, partitions: (this.topics.get(t) ?? []).map((_, i) => i) }])),
          },
        ]),
      );
      out.set(id, { id, state: members.length > 0 ? 'Stable' : known ? 'Empty' : 'Dead', protocolType: 'consumer', protocol: members.length ? 'range' : '', members: memberMap});
    }
    return out;
  }

  async listGroups(options: ListGroupsOptions = {}): Promise<Map<string, GroupListing>> {
    this.#record('listGroups');
    const out = new Map<string, GroupListing>();
    if (!options.types?.includes('consumer')) return out;
    for (const [id, state] of this.consumerProtocolGroups) out.set(id, { id, state, groupType: 'consumer', protocolType: 'consumer' });
    return out;
  }

  async listConsumerGroupOffsets(options: ListConsumerGroupOffsetsOptions): Promise<ListConsumerGroupOffsetsGroup[]> {
    this.#record('listConsumerGroupOffsets');
    return options.groups.map((g) => {
      const groupId = typeof g === 'string' ? g : g.groupId;
      const offsets = this.committed.get(groupId) ?? new Map<string, bigint>();
      const wanted = typeof g === 'string' ? undefined : g.topics;
      const byTopic = new Map<string, { partitionIndex: number; committedOffset: bigint; committedLeaderEpoch: number; metadata: string | null }[]>();
      if (wanted) {
        for (const t of wanted) {
          byTopic.set(
            t.name,
            t.partitionIndexes.map((p) => ({ partitionIndex: p, committedOffset: offsets.get(key(t.name, p)) ?? -1n, committedLeaderEpoch: -1, metadata: '' })),
          );
        }
      } else {
        for (const [k, offset] of offsets) {
          const cut = k.lastIndexOf('-');
          const topic = k.slice(0, cut);
          byTopic.set(topic, [...(byTopic.get(topic) ?? []), { partitionIndex: Number(k.slice(cut + 1)), committedOffset: offset, committedLeaderEpoch: -1, metadata: '' }]);
        }
      }
      return { groupId, topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })) };
    });
  }

  async listOffsets(options: ListOffsetsOptions): Promise<ListedOffsetsTopic[]> {
    const kinds = new Set(options.topics.flatMap((t) => t.partitions.map((p) => (p.timestamp === -1n ? 'latest' : p.timestamp === -2n ? 'earliest' : 'timestamp'))));
    this.#record(`listOffsets(${[...kinds].join(',')})`);
    return options.topics.map((t) => {
      const partitions = this.topics.get(t.name);
      if (!partitions) throw new KafkaUnknownTopicsError([t.name]);
      return {
        name: t.name,
        partitions: t.partitions.map((req) => {
          const p = partitions[req.partitionIndex];
          if (!p) throw new Error(`partition ${t.name}-${req.partitionIndex} does not exist`);
          const ts = req.timestamp ?? -1n;
          let offset: bigint;
          if (ts === -1n) offset = this.#logEnd(p);
          else if (ts === -2n) offset = p.logStart;
          else {
            const index = p.timestamps.findIndex((x) => x >= ts);
            offset = index < 0 ? -1n : p.logStart + BigInt(index);
          }
          return { partitionIndex: req.partitionIndex, offset, timestamp: -1n, leaderEpoch: 0 };
        }),
      };
    });
  }

  async alterConsumerGroupOffsets(options: AlterConsumerGroupOffsetsOptions): Promise<void> {
    this.#record('alterConsumerGroupOffsets');
    const active = (this.members.get(options.groupId) ?? []).length > 0;
    const response = {
      throttleTimeMs: 0,
      topics: options.topics.map((t) => ({
        name: t.name,
        partitions: t.partitionOffsets.map((p) => {
          // The broker rejects commits from outside the generation of a group with members.
          const errorCode = active ? 25 : (this.failCommit.get(key(t.name, p.partition)) ?? 0);
          if (errorCode === 0) this.commit(options.groupId, t.name, p.partition, p.offset);
          return { partitionIndex: p.partition, errorCode };
        }),
      })),
    };
    // What the admin client throws: KafkaPartitionErrors with the whole response.
    if (response.topics.some((t) => t.partitions.some((p) => p.errorCode !== 0))) throw new KafkaPartitionErrors('OffsetCommit', options.groupId, response, false);
  }

  async deleteConsumerGroupOffsets(options: DeleteConsumerGroupOffsetsOptions): Promise<{ name: string; partitionIndexes: number[] }[]> {
    this.#record('deleteConsumerGroupOffsets');
    for (const t of options.topics) for (const p of t.partitionIndexes) this.committed.get(options.groupId)?.delete(key(t.name, p));
    return options.topics.map((t) => ({ name: t.name, partitionIndexes: [...t.partitionIndexes] }));
  }

  async metadata(options: MetadataOptions): Promise<ClusterMetadata> {
    this.#record('metadata');
    const topics = new Map<string, TopicMetadata>();
    for (const name of options.topics ?? []) {
      const partitions = this.topics.get(name);
      if (!partitions) throw new KafkaUnknownTopicsError([name]);
      topics.set(name, {
        id: name,
        partitions: partitions.map(() => ({ leader: 1, leaderEpoch: 0, replicas: [1], isr: [1], offlineReplicas: [] })),
        partitionsCount: partitions.length,
        lastUpdate: 0,
      });
    }
    return { id: 'fake', brokers: new Map(), controllerId: 1, topics, lastUpdate: 0 };
  }
}

/** Audit records kept in memory; `failAfter` makes later puts fail. */
export class MemoryAudit implements AuditTrail {
  readonly records = new Map<string, AuditEntry>();
  readonly puts: { id: string; entry: AuditEntry }[] = [];
  failOnPut: number | undefined;

  async put(entry: AuditEntry, id?: string): Promise<string> {
    if (this.failOnPut !== undefined && this.puts.length + 1 >= this.failOnPut) throw new Error('audit table unavailable');
    const sk = id ?? `${entry.startedAt}#${this.puts.length}`;
    this.records.set(sk, entry);
    this.puts.push({ id: sk, entry });
    return sk;
  }
}

/** Collects log lines. */
export class MemoryLogger implements ResetLogger {
  readonly lines: { level: string; message: string; attributes: Record<string, unknown> }[] = [];
  info(message: string, ...attributes: Record<string, unknown>[]): void {
    this.lines.push({ level: 'info', message, attributes: Object.assign({}, ...attributes) });
  }
  warn(message: string, ...attributes: Record<string, unknown>[]): void {
    this.lines.push({ level: 'warn', message, attributes: Object.assign({}, ...attributes) });
  }
  error(message: string, ...attributes: Record<string, unknown>[]): void {
    this.lines.push({ level: 'error', message, attributes: Object.assign({}, ...attributes) });
  }
}

export { FakeLambda } from './fake-lambda.ts';
