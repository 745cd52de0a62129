import { Producer } from '@platformatic/kafka';
import {
  apiVersionsV3,
  consumerGroupDescribeV0,
  describeGroupsV5,
  findCoordinatorV4,
  listGroupsV4,
  listGroupsV5,
  listOffsetsV6,
  metadataV12,
  offsetCommitV8,
  offsetDeleteV0,
  offsetFetchV8,
  saslAuthenticateV2,
  saslHandshakeV1,
  type BrokerConnection,
  type RequestEvent,
} from '../../../shared/kafka/wire/index.ts';
import { bootstrapServers, freshName, kafkaTestResources } from '../support/kafka.ts';
import { bootstrapAddress, connect, coordinators } from './support.ts';

const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

describe('wire protocol against a real broker: versions, metadata, coordinators, offsets by time', () => {
  const kafka = kafkaTestResources();
  let connection: BrokerConnection;
  const events: RequestEvent[] = [];

  beforeAll(async () => {
    connection = await connect({ onRequest: (e) => events.push(e) });
  });

  afterAll(() => connection.close());

  it('opens with ApiVersions and finds every API version this layer speaks served', () => {
    const apis = [apiVersionsV3, saslHandshakeV1, saslAuthenticateV2, metadataV12, findCoordinatorV4, listGroupsV4, listGroupsV5, describeGroupsV5, consumerGroupDescribeV0, offsetFetchV8, listOffsetsV6, offsetCommitV8, offsetDeleteV0];
    expect(apis.filter((api) => !connection.supports(api)).map((api) => `${api.name} v${api.version}`)).toEqual([]);
    expect(connection.versions(18)!.min).toBe(0);
    expect(connection.usable).toBe(true);
    const { host, port } = bootstrapAddress();
    expect(events[0]).toEqual({ api: 'ApiVersions', apiKey: 18, version: 3, broker: `${host}:${port}` });
  });

  it('describes every topic with Metadata v12, a fresh topic among them with its partitions', async () => {
    const topic = await kafka.topic({ partitions: 3 });
    const response = await connection.request(metadataV12, { topics: null });
    const { host, port } = bootstrapAddress();
    expect(response.brokers).toEqual([{ nodeId: 1, host, port, rack: null }]);
    expect(response.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(response.controllerId).toBe(1);
    const found = response.topics.find((t) => t.name === topic);
    expect(found).toMatchObject({ errorCode: 0, isInternal: false });
    expect(found!.topicId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(found!.topicId).not.toBe(ZERO_UUID);
    expect(found!.partitions.map((p) => p.partitionIndex).sort()).toEqual([0, 1, 2]);
    for (const p of found!.partitions) {
      expect(p).toMatchObject({ errorCode: 0, leaderId: 1, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] });
      expect(p.leaderEpoch).toBeGreaterThanOrEqual(0);
    }
  });

  it('describes named topics and answers UNKNOWN_TOPIC_OR_PARTITION for one that does not exist', async () => {
    const topic = await kafka.topic({ partitions: 2 });
    const missing = freshName('missing');
    const response = await connection.request(metadataV12, { topics: [topic, missing] });
    expect(response.topics.map((t) => t.name).sort()).toEqual([topic, missing].sort());
    expect(response.topics.find((t) => t.name === topic)).toMatchObject({ errorCode: 0, partitions: [expect.anything(), expect.anything()] });
    expect(response.topics.find((t) => t.name === missing)).toEqual({ errorCode: 3, name: missing, topicId: ZERO_UUID, isInternal: false, partitions: [] });
  });

  it('lists only brokers when asked for no topics', async () => {
    await kafka.topic();
    const response = await connection.request(metadataV12, { topics: [] });
    expect(response.topics).toEqual([]);
    expect(response.brokers).toHaveLength(1);
  });

  it('finds the coordinators of several groups in one FindCoordinator v4 request', async () => {
    const groups = [freshName('fc'), freshName('fc'), freshName('fc')];
    const found = await coordinators(connection, groups);
    const { host, port } = bootstrapAddress();
    expect(found.map((c) => c.key)).toEqual(groups);
    for (const c of found) expect(c).toMatchObject({ nodeId: 1, host, port, errorCode: 0 });
  });

  it('lists earliest, latest and by-timestamp offsets with ListOffsets v6', async () => {
    const topic = await kafka.topic({ partitions: 2 });
    const base = BigInt(Date.now() - 60_000);
    const producer = new Producer({ clientId: freshName('wire-producer'), bootstrapBrokers: bootstrapServers(), idempotent: true });
    try {
      await producer.send({ messages: [0n, 1_000n, 2_000n].map((delta) => ({ topic, partition: 0, value: Buffer.from('x'), timestamp: base + delta })) });
    } finally {
      await producer.close();
    }
    const ask = async (timestamp: bigint) => {
      const response = await connection.request(listOffsetsV6, { isolationLevel: 0, topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp }, { partitionIndex: 1, timestamp }] }] });
      expect(response.topics.map((t) => t.name)).toEqual([topic]);
      return response.topics[0]!.partitions.sort((a, b) => a.partitionIndex - b.partitionIndex);
    };
    const [earliest, latest, middle, future] = [await ask(-2n), await ask(-1n), await ask(base + 500n), await ask(base + 10_000n)];
    expect(earliest.map((p) => [p.errorCode, p.offset, p.timestamp])).toEqual([[0, 0n, -1n], [0, 0n, -1n]]);
    expect(latest.map((p) => [p.errorCode, p.offset, p.timestamp])).toEqual([[0, 3n, -1n], [0, 0n, -1n]]);
    // The first record at or after the timestamp: offset 1, with its own timestamp.
    expect(middle[0]).toMatchObject({ partitionIndex: 0, errorCode: 0, offset: 1n, timestamp: base + 1_000n });
    expect(middle[0]!.leaderEpoch).toBeGreaterThanOrEqual(0);
    // No record that late: offset -1.
    expect(future[0]).toMatchObject({ errorCode: 0, offset: -1n, timestamp: -1n });
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION per partition for a partition that does not exist', async () => {
    const topic = await kafka.topic({ partitions: 1 });
    const response = await connection.request(listOffsetsV6, { isolationLevel: 1, topics: [{ name: topic, partitions: [{ partitionIndex: 5, timestamp: -1n }] }] });
    expect(response.topics[0]!.partitions).toEqual([{ partitionIndex: 5, errorCode: 3, timestamp: -1n, offset: -1n, leaderEpoch: -1 }]);
  });
});
