import { Producer } from '@platformatic/kafka';
import { KafkaPartitionErrors, KafkaRoutingError, KafkaUnknownTopicsError, type KafkaAdmin, type ListedOffsetsTopic } from '../../../shared/kafka/index.ts';
import { KafkaProtocolError } from '../../../shared/kafka/wire/index.ts';
import { bootstrapServers, freshName, kafkaAdmin, kafkaTestResources } from '../support/kafka.ts';
import { coordinatorsReady, countRequests, liveMember, until, type LiveMember } from './support.ts';

/** The error `promise` rejects with (fails the test when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection, got a result');
}

/** `[topic, partition, offset]` of a listOffsets answer, sorted. */
const flat = (topics: ListedOffsetsTopic[]): Array<[string, number, bigint]> =>
  topics.flatMap((t) => t.partitions.map((p): [string, number, bigint] => [t.name, p.partitionIndex, p.offset])).sort((a, b) => a[0].localeCompare(b[0]) || a[1] - b[1]);

describe('KafkaAdmin against a real broker: offsets', () => {
  const kafka = kafkaTestResources();
  let admin: KafkaAdmin;

  beforeAll(async () => {
    await coordinatorsReady([freshName('admin-warm')]);
  });

  beforeEach(() => {
    admin = kafkaAdmin();
  });

  afterEach(async () => {
    await admin.close();
  });

  describe('listConsumerGroupOffsets', () => {
    it('reads 30 groups with one FindCoordinator and one OffsetFetch, answering in request order', async () => {
      const topic = await kafka.topic({ partitions: 2, prefix: 'admin-fetch' });
      const groups = Array.from({ length: 30 }, (_, i) => kafka.group(`admin-fetch-${i}`));
      await coordinatorsReady(groups);
      for (const [i, groupId] of groups.entries()) {
        await admin.alterConsumerGroupOffsets({ groupId, topics: [{ name: topic, partitionOffsets: [{ partition: 0, offset: BigInt(i) }, { partition: 1, offset: BigInt(100 + i) }] }] });
      }
      // A cold client, and an order that is neither creation nor alphabetical.
      const cold = kafkaAdmin();
      const asked = [...groups.slice(15), ...groups.slice(0, 15)].reverse();
      const counter = countRequests(cold);
      try {
        const answer = await cold.listConsumerGroupOffsets({ groups: asked });
        expect(counter.of('FindCoordinator')).toBe(1);
        expect(counter.of('OffsetFetch')).toBe(1);
        expect(answer.map((g) => g.groupId)).toEqual(asked);
        for (const group of answer) {
          const i = BigInt(groups.indexOf(group.groupId));
          expect(group.topics.map((t) => ({ name: t.name, offsets: t.partitions.map((p) => [p.partitionIndex, p.committedOffset]).sort() }))).toEqual([{ name: topic, offsets: [[0, i], [1, 100n + i]] }]);
        }
      } finally {
        counter.stop();
        await cold.close();
      }
    });

    it('answers -1 for a partition asked for explicitly that the group never committed, and no topics for a group without commits', async () => {
      const topic = await kafka.topic({ partitions: 3, prefix: 'admin-fetch' });
      const [committed, never] = [kafka.group('admin-fetch-some'), kafka.group('admin-fetch-none')];
      await admin.alterConsumerGroupOffsets({ groupId: committed, topics: [{ name: topic, partitionOffsets: [{ partition: 1, offset: 7n }] }] });
      const answer = await admin.listConsumerGroupOffsets({
        groups: [{ groupId: committed, topics: [{ name: topic, partitionIndexes: [0, 1, 2] }] }, never],
      });
      expect(answer).toHaveLength(2);
      const [some, none] = answer;
      expect(some!.groupId).toBe(committed);
      expect(some!.topics).toHaveLength(1);
      expect(some!.topics[0]!.partitions.map((p) => [p.partitionIndex, p.committedOffset]).sort()).toEqual([[0, -1n], [1, 7n], [2, -1n]]);
      // The broker keeps a commit without metadata as ''.
      expect(some!.topics[0]!.partitions.find((p) => p.partitionIndex === 1)).toMatchObject({ committedLeaderEpoch: -1, metadata: '' });
      expect(none).toEqual({ groupId: never, topics: [] });
    });
  });

  describe('listOffsets', () => {
    let topic: string;
    let empty: string;
    let base: bigint;

    beforeAll(async () => {
      [topic, empty] = await Promise.all([kafka.topic({ partitions: 2, prefix: 'admin-log' }), kafka.topic({ partitions: 1, prefix: 'admin-log-empty' })]);
      base = BigInt(Date.now() - 60_000);
      const producer = new Producer({ clientId: freshName('admin-producer'), bootstrapBrokers: bootstrapServers(), idempotent: true });
      try {
        await producer.send({ messages: [0n, 1_000n, 2_000n].map((delta) => ({ topic, partition: 0, value: Buffer.from('x'), timestamp: base + delta })) });
      } finally {
        await producer.close();
      }
    });

    const at = (timestamp: bigint | undefined) => [
      { name: topic, partitions: [0, 1].map((partitionIndex) => (timestamp === undefined ? { partitionIndex } : { partitionIndex, timestamp })) },
      { name: empty, partitions: [{ partitionIndex: 0, ...(timestamp === undefined ? {} : { timestamp }) }] },
    ];

    it('lists the earliest and the latest offsets, latest by default', async () => {
      const expected = (offset0: bigint): Array<[string, number, bigint]> =>
        flat([{ name: topic, partitions: [0, 1].map((partitionIndex) => ({ partitionIndex, offset: partitionIndex === 0 ? offset0 : 0n, timestamp: -1n, leaderEpoch: 0 })) }, { name: empty, partitions: [{ partitionIndex: 0, offset: 0n, timestamp: -1n, leaderEpoch: 0 }] }]);
      expect(flat(await admin.listOffsets({ topics: at(-2n) }))).toEqual(expected(0n));
      expect(flat(await admin.listOffsets({ topics: at(-1n) }))).toEqual(expected(3n));
      expect(flat(await admin.listOffsets({ topics: at(undefined) }))).toEqual(expected(3n));
    });

    it('lists the first offset at or after a timestamp, with its record timestamp; -1 after the last record', async () => {
      const [middle] = await admin.listOffsets({ topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp: base + 500n }] }] });
      expect(middle).toEqual({ name: topic, partitions: [{ partitionIndex: 0, offset: 1n, timestamp: base + 1_000n, leaderEpoch: expect.any(Number) }] });
      const [exact] = await admin.listOffsets({ topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp: base + 2_000n }] }] });
      expect(exact!.partitions[0]).toMatchObject({ offset: 2n, timestamp: base + 2_000n });
      const [after] = await admin.listOffsets({ topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp: base + 10_000n }] }] });
      expect(after!.partitions[0]).toMatchObject({ offset: -1n, timestamp: -1n });
    });

    it('asks each partition leader once for all its partitions of all topics, and routes by cached metadata next time', async () => {
      const counter = countRequests(admin);
      const answer = await admin.listOffsets({ topics: at(-1n) });
      expect(answer.map((t) => t.name)).toEqual([topic, empty]);
      expect(counter.of('ListOffsets')).toBe(1);
      expect(counter.of('Metadata')).toBe(1);
      await admin.listOffsets({ topics: at(-2n) });
      counter.stop();
      expect(counter.of('ListOffsets')).toBe(2);
      expect(counter.of('Metadata')).toBe(1);
    });

    it('throws KafkaUnknownTopicsError naming the unknown topic, without a retry', async () => {
      const missing = freshName('admin-missing');
      const counter = countRequests(admin);
      const error = await rejection(admin.listOffsets({ topics: [{ name: topic, partitions: [{ partitionIndex: 0 }] }, { name: missing, partitions: [{ partitionIndex: 0 }] }] }));
      counter.stop();
      expect(error).toBeInstanceOf(KafkaUnknownTopicsError);
      expect((error as KafkaUnknownTopicsError).topics).toEqual([missing]);
      expect(counter.of('Metadata')).toBe(1);
      expect(counter.of('ListOffsets')).toBe(0);
    });

    it('throws a non-retriable KafkaRoutingError for a partition beyond the topic, without a retry', async () => {
      const counter = countRequests(admin);
      const error = await rejection(admin.listOffsets({ topics: [{ name: topic, partitions: [{ partitionIndex: 0 }, { partitionIndex: 2 }] }] }));
      counter.stop();
      expect(error).toBeInstanceOf(KafkaRoutingError);
      expect((error as KafkaRoutingError).message).toBe(`partition ${topic}-2 does not exist (the topic has 2)`);
      expect((error as KafkaRoutingError).retriable).toBe(false);
      expect(counter.of('Metadata')).toBe(1);
      expect(counter.of('ListOffsets')).toBe(0);
    });
  });

  describe('alterConsumerGroupOffsets and deleteConsumerGroupOffsets', () => {
    const live: LiveMember[] = [];
    let topic: string;
    let liveGroup: string;

    beforeAll(async () => {
      topic = await kafka.topic({ partitions: 2, prefix: 'admin-commit' });
      liveGroup = kafka.group('admin-commit-live');
      const setup = kafkaAdmin();
      try {
        await setup.alterConsumerGroupOffsets({ groupId: liveGroup, topics: [{ name: topic, partitionOffsets: [{ partition: 0, offset: 1n }, { partition: 1, offset: 1n }] }] });
        live.push(await liveMember(liveGroup, topic, 'classic'));
        await until(
          () => setup.describeGroups({ groups: [liveGroup] }),
          (g) => g.get(liveGroup)?.state === 'Stable' && [...g.get(liveGroup)!.members.values()][0]?.assignments.get(topic)?.partitions.length === 2,
        );
      } finally {
        await setup.close();
      }
    });

    afterAll(async () => {
      await Promise.all(live.map((m) => m.close()));
    });

    const committed = async (groupId: string): Promise<Array<[number, bigint]>> => {
      const [group] = await admin.listConsumerGroupOffsets({ groups: [{ groupId, topics: [{ name: topic, partitionIndexes: [0, 1] }] }] });
      return group!.topics.flatMap((t) => t.partitions.map((p): [number, bigint] => [p.partitionIndex, p.committedOffset])).sort((a, b) => a[0] - b[0]);
    };

    it('writes the offsets of an empty group, and overwrites them', async () => {
      const groupId = kafka.group('admin-commit-empty');
      await admin.alterConsumerGroupOffsets({ groupId, topics: [{ name: topic, partitionOffsets: [{ partition: 0, offset: 5n }, { partition: 1, offset: 6n }] }] });
      expect(await committed(groupId)).toEqual([[0, 5n], [1, 6n]]);
      await admin.alterConsumerGroupOffsets({ groupId, topics: [{ name: topic, partitionOffsets: [{ partition: 1, offset: 2n }] }] });
      expect(await committed(groupId)).toEqual([[0, 5n], [1, 2n]]);
    });

    it('refuses to write for a group with a live member: KafkaPartitionErrors with the per-partition codes, not retried', async () => {
      const counter = countRequests(admin);
      const error = await rejection(admin.alterConsumerGroupOffsets({ groupId: liveGroup, topics: [{ name: topic, partitionOffsets: [{ partition: 0, offset: 9n }, { partition: 1, offset: 9n }] }] }));
      counter.stop();
      expect(error).toBeInstanceOf(KafkaPartitionErrors);
      const refused = error as KafkaPartitionErrors;
      expect(refused.retriable).toBe(false);
      expect(refused.code).toBe('KAFKA_PARTITION_ERRORS');
      // Refused outside the group's generation: ILLEGAL_GENERATION (22) or UNKNOWN_MEMBER_ID (25), by coordinator version.
      const codes = refused.response.topics.flatMap((t) => t.partitions.map((p) => [t.name, p.partitionIndex, p.errorCode] as const)).sort((a, b) => a[1] - b[1]);
      expect(codes.map(([name, partition]) => [name, partition])).toEqual([[topic, 0], [topic, 1]]);
      const code = codes[0]![2];
      expect([22, 25]).toContain(code);
      expect(codes.map((c) => c[2])).toEqual([code, code]);
      const name = code === 22 ? 'ILLEGAL_GENERATION' : 'UNKNOWN_MEMBER_ID';
      expect(refused.failed).toEqual(new Map([[`${topic}-0`, name], [`${topic}-1`, name]]));
      expect(refused.message).toBe(`OffsetCommit for group '${liveGroup}' refused 2 partition(s): ${name}`);
      expect(counter.of('OffsetCommit')).toBe(1);
      expect(await committed(liveGroup)).toEqual([[0, 1n], [1, 1n]]);
    });

    it('deletes the committed offsets of some partitions of an empty group', async () => {
      const groupId = kafka.group('admin-delete');
      await admin.alterConsumerGroupOffsets({ groupId, topics: [{ name: topic, partitionOffsets: [{ partition: 0, offset: 3n }, { partition: 1, offset: 4n }] }] });
      const deleted = await admin.deleteConsumerGroupOffsets({ groupId, topics: [{ name: topic, partitionIndexes: [0] }] });
      expect(deleted).toEqual([{ name: topic, partitionIndexes: [0] }]);
      expect(await committed(groupId)).toEqual([[0, -1n], [1, 4n]]);
    });

    it('refuses to delete offsets of a topic a live member consumes: GROUP_SUBSCRIBED_TO_TOPIC', async () => {
      const error = await rejection(admin.deleteConsumerGroupOffsets({ groupId: liveGroup, topics: [{ name: topic, partitionIndexes: [0, 1] }] }));
      expect(error).toBeInstanceOf(KafkaPartitionErrors);
      const refused = error as KafkaPartitionErrors;
      expect(refused.retriable).toBe(false);
      expect(refused.failed).toEqual(new Map([[`${topic}-0`, 'GROUP_SUBSCRIBED_TO_TOPIC'], [`${topic}-1`, 'GROUP_SUBSCRIBED_TO_TOPIC']]));
      expect(refused.response.topics.flatMap((t) => t.partitions.map((p) => p.errorCode))).toEqual([86, 86]);
      expect(refused.message).toBe(`OffsetDelete for group '${liveGroup}' refused 2 partition(s): GROUP_SUBSCRIBED_TO_TOPIC`);
      expect(await committed(liveGroup)).toEqual([[0, 1n], [1, 1n]]);
    });

    it('throws GROUP_ID_NOT_FOUND when deleting offsets of a group that does not exist', async () => {
      const groupId = freshName('admin-never');
      const error = await rejection(admin.deleteConsumerGroupOffsets({ groupId, topics: [{ name: topic, partitionIndexes: [0] }] }));
      expect(error).toBeInstanceOf(KafkaProtocolError);
      expect((error as KafkaProtocolError).errorName).toBe('GROUP_ID_NOT_FOUND');
      expect((error as KafkaProtocolError).retriable).toBe(false);
    });
  });
});
