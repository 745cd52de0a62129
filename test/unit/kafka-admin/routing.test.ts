import { KafkaAdmin, KafkaRoutingError, KafkaUnknownTopicsError } from '../../../shared/kafka/index.ts';
import { parseBroker } from '../../../shared/kafka/admin/cluster.ts';
import {
  API,
  ScriptedCluster,
  TOPIC_ID,
  brokersOf,
  findCoordinatorBody,
  findCoordinatorKeys,
  listGroupsBody,
  listOffsetsBody,
  listOffsetsPartitions,
  metadataBody,
  metadataTopics,
  refusedAddress,
  rejection,
  type TopicSpec,
} from './support.ts';

const NOT_LEADER_OR_FOLLOWER = 6;
const UNKNOWN_TOPIC_OR_PARTITION = 3;

describe('KafkaAdmin routing against scripted brokers', () => {
  let cluster: ScriptedCluster;

  beforeEach(async () => {
    cluster = await ScriptedCluster.start(2);
  });

  afterEach(async () => {
    await cluster.stop();
  });

  /** Answers Metadata with both brokers and, of `layout`, the topics asked for (unknown ones with UNKNOWN_TOPIC_OR_PARTITION). */
  const metadata = (layout: (read: number) => TopicSpec[]) => {
    let reads = 0;
    return (topics: string[] | null) => {
      reads++;
      const known = layout(reads);
      const asked = topics === null ? known : topics.map((name) => known.find((t) => t.name === name) ?? { name, errorCode: UNKNOWN_TOPIC_OR_PARTITION });
      return metadataBody(brokersOf(cluster), asked);
    };
  };

  describe('bootstrap brokers', () => {
    it('tries the bootstrap brokers in order when the first refuses connections, within one attempt', async () => {
      cluster.script((request) => (request.apiKey === API.Metadata ? metadataBody(brokersOf(cluster)) : undefined));
      const admin = cluster.admin({ bootstrapBrokers: [await refusedAddress(), cluster.address(1), cluster.address(2)], retries: 0 });
      const answer = await admin.metadata({ topics: [] });
      expect([...answer.brokers.keys()]).toEqual([1, 2]);
      expect(cluster.received(1, API.Metadata)).toHaveLength(1);
      expect(cluster.node(2).sockets).toHaveLength(0);
    });

    it('names every broker it tried when none is reachable, as a retriable routing error', async () => {
      const [a, b] = [await refusedAddress(), await refusedAddress()];
      const error = await rejection(new KafkaAdmin({ clientId: 'unit', bootstrapBrokers: [a, b], retries: 0 }).listTopics());
      expect(error).toBeInstanceOf(KafkaRoutingError);
      expect((error as KafkaRoutingError).message).toMatch(new RegExp(`^no broker reachable \\(${a}, ${b}\\): cannot connect to Kafka broker ${a}: .*; cannot connect to Kafka broker ${b}: `));
      expect((error as KafkaRoutingError).retriable).toBe(true);
    });

    it('falls back to the brokers Metadata named when the bootstrap broker is gone', async () => {
      const brokers = brokersOf(cluster);
      cluster.script((request) => (request.apiKey === API.Metadata ? metadataBody(brokers, [{ name: 'orders', leaders: [1] }]) : undefined));
      const admin = cluster.admin({ retries: 0 });
      await admin.metadata({ topics: [] });
      await cluster.node(1).stop();
      expect(await admin.listTopics()).toEqual(['orders']);
      expect(cluster.received(2, API.Metadata)).toHaveLength(1);
    });

    it('tries an address once when it is both a bootstrap broker and one Metadata named', async () => {
      cluster.script((request) => (request.apiKey === API.Metadata ? metadataBody(brokersOf(cluster)) : undefined));
      const admin = cluster.admin({ retries: 0 });
      await admin.metadata({ topics: [] });
      const [first, second] = [cluster.address(1), cluster.address(2)];
      await Promise.all([cluster.node(1).stop(), cluster.node(2).stop()]);
      const error = await rejection(admin.listTopics());
      expect(error).toBeInstanceOf(KafkaRoutingError);
      expect((error as KafkaRoutingError).message).toContain(`no broker reachable (${first}, ${second}): `);
      expect((error as KafkaRoutingError).message.split(`cannot connect to Kafka broker ${first}:`)).toHaveLength(2);
    });

    it.each([
      ['localhost', 'no port'],
      ['localhost:', 'an empty port'],
      [':9092', 'no host'],
      ['localhost:abc', 'a port that is not a number'],
      ['localhost:0', 'port 0'],
      ['localhost:65536', 'a port above 65535'],
      ['localhost:0x10', 'a port in hexadecimal'],
      ['localhost:1e3', 'a port in exponent notation'],
      ['localhost: 9092', 'a space before the port'],
      ['::1', 'an IPv6 address without brackets or port'],
      ['fe80::1:9092', 'an IPv6 address without brackets'],
      ['[::1]', 'a bracketed IPv6 address without a port'],
    ])('rejects the bootstrap broker %j (%s), naming it', (value) => {
      expect(() => new KafkaAdmin({ clientId: 'unit', bootstrapBrokers: ['localhost:9092', value] })).toThrow(new KafkaRoutingError(`bootstrap broker '${value}' is not host:port`, { retriable: false }));
      try {
        new KafkaAdmin({ clientId: 'unit', bootstrapBrokers: [value] });
      } catch (error) {
        expect((error as KafkaRoutingError).retriable).toBe(false);
        expect((error as KafkaRoutingError).code).toBe('KAFKA_ROUTING');
      }
    });

    it('requires at least one bootstrap broker', () => {
      expect(() => new KafkaAdmin({ clientId: 'unit', bootstrapBrokers: [] })).toThrow('bootstrapBrokers: at least one host:port is required');
    });

    it.each([
      ['localhost:9092', { host: 'localhost', port: 9092 }],
      ['b-1.cluster.kafka.eu-west-1.amazonaws.com:9098', { host: 'b-1.cluster.kafka.eu-west-1.amazonaws.com', port: 9098 }],
      ['10.0.0.7:65535', { host: '10.0.0.7', port: 65_535 }],
      ['[::1]:9092', { host: '::1', port: 9092 }],
      ['[fe80::1%eth0]:1', { host: 'fe80::1%eth0', port: 1 }],
    ])('parses %j', (value, expected) => {
      expect(parseBroker(value)).toEqual(expected);
    });
  });

  describe('listGroups', () => {
    it('asks every broker Metadata names, even after a coordinator lookup made one broker known', async () => {
      cluster.script((request, node) => {
        if (request.apiKey === API.Metadata) return metadataBody(brokersOf(cluster));
        if (request.apiKey === API.FindCoordinator) return findCoordinatorBody(findCoordinatorKeys(request).map((key) => ({ key, nodeId: 1, address: cluster.address(1) })));
        if (request.apiKey === API.ListGroups) return listGroupsBody(0, [{ id: `group-on-${node}`, state: 'Stable', type: 'classic' }]);
        return undefined;
      });
      const admin = cluster.admin();
      await admin.findCoordinator({ keys: ['group-on-1'] });
      const listed = await admin.listGroups();
      expect([...listed.keys()].sort()).toEqual(['group-on-1', 'group-on-2']);
      expect(listed.get('group-on-2')).toEqual({ id: 'group-on-2', state: 'Stable', groupType: 'classic', protocolType: 'consumer' });
      expect(cluster.count(API.Metadata)).toBe(1);
    });

    it('reads the brokers once, not on every call', async () => {
      cluster.script((request, node) => {
        if (request.apiKey === API.Metadata) return metadataBody(brokersOf(cluster));
        if (request.apiKey === API.ListGroups) return listGroupsBody(0, [{ id: `group-on-${node}`, state: 'Empty', type: 'classic' }]);
        return undefined;
      });
      const admin = cluster.admin();
      await admin.listGroups();
      expect([...(await admin.listGroups()).keys()].sort()).toEqual(['group-on-1', 'group-on-2']);
      expect(cluster.count(API.Metadata)).toBe(1);
      expect(cluster.count(API.ListGroups)).toBe(4);
    });
  });

  describe('listOffsets', () => {
    it('sends one ListOffsets per partition leader, for all its partitions of all topics', async () => {
      const read = metadata(() => [{ name: 'orders', leaders: [1, 2, 1] }, { name: 'payments', leaders: [2] }]);
      cluster.script((request) => {
        if (request.apiKey === API.Metadata) return read(metadataTopics(request));
        if (request.apiKey === API.ListOffsets) return listOffsetsBody(listOffsetsPartitions(request).map(([topic, partition]) => ({ topic, partition, offset: BigInt(partition * 10) })));
        return undefined;
      });
      const answer = await cluster.admin().listOffsets({ topics: [{ name: 'orders', partitions: [0, 1, 2].map((partitionIndex) => ({ partitionIndex })) }, { name: 'payments', partitions: [{ partitionIndex: 0 }] }] });
      expect(cluster.received(1, API.ListOffsets).map(listOffsetsPartitions)).toEqual([[['orders', 0], ['orders', 2]]]);
      expect(cluster.received(2, API.ListOffsets).map(listOffsetsPartitions)).toEqual([[['orders', 1], ['payments', 0]]]);
      expect(answer.map((t) => ({ name: t.name, offsets: t.partitions.map((p) => [p.partitionIndex, p.offset]).sort() }))).toEqual([
        { name: 'orders', offsets: [[0, 0n], [1, 10n], [2, 20n]] },
        { name: 'payments', offsets: [[0, 0n]] },
      ]);
    });

    it('reads fresh metadata and asks the new leader after NOT_LEADER_OR_FOLLOWER', async () => {
      const read = metadata((n) => [{ name: 'orders', leaders: [n === 1 ? 1 : 2] }]);
      cluster.script((request, node) => {
        if (request.apiKey === API.Metadata) return read(metadataTopics(request));
        if (request.apiKey === API.ListOffsets) return listOffsetsBody([{ topic: 'orders', partition: 0, offset: 7n, ...(node === 1 ? { errorCode: NOT_LEADER_OR_FOLLOWER } : {}) }]);
        return undefined;
      });
      const [orders] = await cluster.admin().listOffsets({ topics: [{ name: 'orders', partitions: [{ partitionIndex: 0 }] }] });
      expect(orders!.partitions).toEqual([{ partitionIndex: 0, offset: 7n, timestamp: -1n, leaderEpoch: 0 }]);
      expect(cluster.count(API.Metadata)).toBe(2);
      expect(cluster.received(2, API.ListOffsets)).toHaveLength(1);
    });

    it('waits for a leader: a partition without one is retried with fresh metadata', async () => {
      const read = metadata((n) => [{ name: 'orders', leaders: [n === 1 ? -1 : 2] }]);
      cluster.script((request) => {
        if (request.apiKey === API.Metadata) return read(metadataTopics(request));
        if (request.apiKey === API.ListOffsets) return listOffsetsBody([{ topic: 'orders', partition: 0, offset: 3n }]);
        return undefined;
      });
      const [orders] = await cluster.admin({ retries: 1 }).listOffsets({ topics: [{ name: 'orders', partitions: [{ partitionIndex: 0 }] }] });
      expect(orders!.partitions[0]!.offset).toBe(3n);
      expect(cluster.count(API.Metadata)).toBe(2);
    });

    it('routes by cached metadata within metadataMaxAgeMs, and reads it again after', async () => {
      const read = metadata(() => [{ name: 'orders', leaders: [1] }]);
      cluster.script((request) => {
        if (request.apiKey === API.Metadata) return read(metadataTopics(request));
        if (request.apiKey === API.ListOffsets) return listOffsetsBody([{ topic: 'orders', partition: 0, offset: 1n }]);
        return undefined;
      });
      const ask = { topics: [{ name: 'orders', partitions: [{ partitionIndex: 0 }] }] };
      const cached = cluster.admin({ metadataMaxAgeMs: 60_000 });
      await cached.listOffsets(ask);
      await cached.listOffsets(ask);
      expect(cluster.count(API.Metadata)).toBe(1);
      const uncached = cluster.admin({ metadataMaxAgeMs: -1 });
      await uncached.listOffsets(ask);
      await uncached.listOffsets(ask);
      expect(cluster.count(API.Metadata)).toBe(3);
      expect(cluster.count(API.ListOffsets)).toBe(4);
    });

    it('sends at most `retries` + 1 Metadata requests when metadata cannot be read', async () => {
      cluster.script((request) => (request.apiKey === API.Metadata ? 'drop' : undefined));
      const error = await rejection(cluster.admin({ retries: 1 }).listOffsets({ topics: [{ name: 'orders', partitions: [{ partitionIndex: 0 }] }] }));
      expect(error).toBeInstanceOf(KafkaRoutingError);
      expect(cluster.count(API.Metadata)).toBe(2);
    });

    it('throws KafkaUnknownTopicsError for a topic the leader no longer knows, without a retry', async () => {
      const read = metadata(() => [{ name: 'orders', leaders: [1] }]);
      cluster.script((request) => {
        if (request.apiKey === API.Metadata) return read(metadataTopics(request));
        if (request.apiKey === API.ListOffsets) return listOffsetsBody([{ topic: 'orders', partition: 0, errorCode: UNKNOWN_TOPIC_OR_PARTITION }]);
        return undefined;
      });
      const error = await rejection(cluster.admin({ retries: 3 }).listOffsets({ topics: [{ name: 'orders', partitions: [{ partitionIndex: 0 }] }] }));
      expect(error).toBeInstanceOf(KafkaUnknownTopicsError);
      expect((error as KafkaUnknownTopicsError).topics).toEqual(['orders']);
      expect(cluster.count(API.ListOffsets)).toBe(1);
    });
  });

  describe('metadata', () => {
    it('names exactly the unknown topics, in either order, and keeps the known ones', async () => {
      const read = metadata(() => [{ name: 'orders', leaders: [1, 2] }]);
      cluster.script((request) => (request.apiKey === API.Metadata ? read(metadataTopics(request)) : undefined));
      const admin = cluster.admin();
      for (const topics of [['orders', 'missing'], ['missing', 'orders']]) {
        const error = await rejection(admin.metadata({ topics }));
        expect(error).toBeInstanceOf(KafkaUnknownTopicsError);
        expect((error as KafkaUnknownTopicsError).topics).toEqual(['missing']);
      }
      const known = await admin.metadata({ topics: ['orders'], metadataMaxAge: 60_000 });
      expect(cluster.count(API.Metadata)).toBe(2);
      expect(known.topics.get('orders')).toMatchObject({ id: TOPIC_ID, partitionsCount: 2, partitions: [{ leader: 1 }, { leader: 2 }] });
    });
  });
});
