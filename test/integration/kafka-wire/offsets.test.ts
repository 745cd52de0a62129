import { Consumer } from '@platformatic/kafka';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeGroupsV5, offsetCommitV8, offsetDeleteV0, offsetFetchV8, type BrokerConnection, type OffsetCommitRequestPartition } from '../../../shared/kafka/wire/index.ts';
import { bootstrapServers, freshName, kafkaTestResources } from '../support/kafka.ts';
import { connect, coordinators, untilCoordinatorReady } from './support.ts';

/** Commits `offsets` (partition -> offset) for an empty group, as an operator tool does. */
async function commit(connection: BrokerConnection, groupId: string, topic: string, partitions: OffsetCommitRequestPartition[]) {
  return untilCoordinatorReady(
    () => connection.request(offsetCommitV8, { groupId, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, topics: [{ name: topic, partitions }] }),
    (r) => r.topics.flatMap((t) => t.partitions.map((p) => p.errorCode)),
  );
}

const at = (partitionIndex: number, offset: bigint, metadata: string | null = null): OffsetCommitRequestPartition => ({ partitionIndex, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: metadata });

describe('wire protocol against a real broker: committed offsets', () => {
  const kafka = kafkaTestResources();
  let connection: BrokerConnection;

  beforeAll(async () => {
    connection = await connect();
  });

  afterAll(() => connection.close());

  it('commits offsets for several groups, then fetches them all in one OffsetFetch v8 request', async () => {
    const topic = await kafka.topic({ partitions: 3 });
    const [a, b, c, none] = [kafka.group('wire-a'), kafka.group('wire-b'), kafka.group('wire-c'), kafka.group('wire-none')];
    await coordinators(connection, [a, b, c, none]);
    const committed = await commit(connection, a, topic, [at(0, 10n, 'from a test'), at(1, 11n), { ...at(2, 12n), committedLeaderEpoch: 0 }]);
    expect(committed.topics).toEqual([{ name: topic, partitions: [0, 1, 2].map((partitionIndex) => ({ partitionIndex, errorCode: 0 })) }]);
    await commit(connection, b, topic, [at(1, 21n)]);
    await commit(connection, c, topic, [at(0, 30n), at(2, 32n)]);

    const response = await connection.request(offsetFetchV8, {
      groups: [
        { groupId: a, topics: null },
        { groupId: b, topics: [{ name: topic, partitionIndexes: [0, 1] }] },
        { groupId: c, topics: [{ name: topic, partitionIndexes: [2] }] },
        { groupId: none, topics: null },
      ],
      requireStable: true,
    });
    const byGroup = new Map(response.groups.map((g) => [g.groupId, g]));
    expect([...byGroup.keys()].sort()).toEqual([a, b, c, none].sort());
    const offsets = (groupId: string) =>
      byGroup.get(groupId)!.topics.flatMap((t) => t.partitions.map((p) => [t.name, p.partitionIndex, p.committedOffset, p.errorCode] as const)).sort((x, y) => x[1] - y[1]);
    expect(byGroup.get(a)!.errorCode).toBe(0);
    expect(offsets(a)).toEqual([[topic, 0, 10n, 0], [topic, 1, 11n, 0], [topic, 2, 12n, 0]]);
    expect(byGroup.get(a)!.topics[0]!.partitions.find((p) => p.partitionIndex === 0)!.metadata).toBe('from a test');
    expect(byGroup.get(a)!.topics[0]!.partitions.find((p) => p.partitionIndex === 2)!.committedLeaderEpoch).toBe(0);
    // A partition the group never committed reads as offset -1.
    expect(offsets(b)).toEqual([[topic, 0, -1n, 0], [topic, 1, 21n, 0]]);
    expect(offsets(c)).toEqual([[topic, 2, 32n, 0]]);
    expect(byGroup.get(none)).toEqual({ groupId: none, topics: [], errorCode: 0 });
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION to a commit for a topic that does not exist', async () => {
    const group = kafka.group('wire-unknown');
    const missing = freshName('missing');
    const response = await commit(connection, group, missing, [at(0, 1n)]);
    expect(response.topics).toEqual([{ name: missing, partitions: [{ partitionIndex: 0, errorCode: 3 }] }]);
  });

  it('deletes committed offsets of an empty group with OffsetDelete v0', async () => {
    const topic = await kafka.topic({ partitions: 2 });
    const group = kafka.group('wire-delete');
    await commit(connection, group, topic, [at(0, 5n), at(1, 6n)]);
    const deleted = await connection.request(offsetDeleteV0, { groupId: group, topics: [{ name: topic, partitions: [0] }] });
    expect(deleted).toEqual({ errorCode: 0, throttleTimeMs: 0, topics: [{ name: topic, partitions: [{ partitionIndex: 0, errorCode: 0 }] }] });
    const fetched = await connection.request(offsetFetchV8, { groups: [{ groupId: group, topics: [{ name: topic, partitionIndexes: [0, 1] }] }], requireStable: false });
    expect(fetched.groups[0]!.topics[0]!.partitions.map((p) => [p.partitionIndex, p.committedOffset]).sort()).toEqual([[0, -1n], [1, 6n]]);
  });

  it('returns per-partition errors instead of throwing: OffsetDelete on a subscribed topic, OffsetCommit from a non-member', async () => {
    const topic = await kafka.topic({ partitions: 1 });
    const group = kafka.group('wire-live');
    await commit(connection, group, topic, [at(0, 1n)]);
    const consumer = new Consumer({ groupId: group, clientId: freshName('wire-live'), bootstrapBrokers: bootstrapServers() });
    const stream = await consumer.consume({ topics: [topic], mode: 'committed', autocommit: false, sessionTimeout: 10_000, heartbeatInterval: 500 });
    stream.pause();
    try {
      for (let attempt = 0; attempt < 100; attempt++) {
        const [described] = (await connection.request(describeGroupsV5, { groups: [group] })).groups;
        if (described?.groupState === 'Stable') break;
        await sleep(100);
      }
      const deleted = await connection.request(offsetDeleteV0, { groupId: group, topics: [{ name: topic, partitions: [0] }] });
      expect(deleted.errorCode).toBe(0);
      expect(deleted.topics).toEqual([{ name: topic, partitions: [{ partitionIndex: 0, errorCode: 86 }] }]);
      const committed = await connection.request(offsetCommitV8, { groupId: group, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, topics: [{ name: topic, partitions: [at(0, 2n)] }] });
      // A commit outside the generation of a group with members is refused per partition
      // (ILLEGAL_GENERATION or UNKNOWN_MEMBER_ID, by coordinator version).
      expect([22, 25]).toContain(committed.topics[0]!.partitions[0]!.errorCode);
    } finally {
      await stream.close();
      await consumer.close(true);
    }
  });

  it('answers GROUP_ID_NOT_FOUND to OffsetDelete for a group that does not exist', async () => {
    const topic = await kafka.topic({ partitions: 1 });
    const response = await connection.request(offsetDeleteV0, { groupId: freshName('never'), topics: [{ name: topic, partitions: [0] }] });
    expect(response).toEqual({ errorCode: 69, throttleTimeMs: 0, topics: [] });
  });
});
