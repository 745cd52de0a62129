import { Consumer, type MessagesStream } from '@platformatic/kafka';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  consumerGroupDescribeV0,
  decodeConsumerAssignment,
  describeGroupsV5,
  listGroupsV4,
  listGroupsV5,
  metadataV12,
  type BrokerConnection,
  type ConsumerGroupDescription,
  type ConsumerGroupTopicPartitions,
  type DescribedGroup,
} from '../../../shared/kafka/wire/index.ts';
import { bootstrapServers, freshName, kafkaTestResources } from '../support/kafka.ts';
import { connect, coordinators, untilCoordinatorReady } from './support.ts';

/** A consumer that joins `groupId` with `protocol` and then idles (paused, never commits). */
async function liveMember(groupId: string, topic: string, protocol: 'classic' | 'consumer'): Promise<{ clientId: string; close(): Promise<void> }> {
  const clientId = freshName(`wire-${protocol}`);
  const base = { groupId, clientId, bootstrapBrokers: bootstrapServers() };
  const consumer = protocol === 'consumer' ? new Consumer({ ...base, groupProtocol: 'consumer' }) : new Consumer(base);
  const stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false, sessionTimeout: 10_000, heartbeatInterval: 500 });
  stream.pause();
  return {
    clientId,
    async close() {
      await stream.close();
      await consumer.close(true);
    },
  };
}

/** Polls `describe` until `ready` holds (or 30 s pass) and returns the last answer. */
async function until<T>(describe: () => Promise<T>, ready: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await describe();
    if (ready(value) || Date.now() > deadline) return value;
    await sleep(200);
  }
}

describe('wire protocol against a real broker: groups', () => {
  const kafka = kafkaTestResources();
  let connection: BrokerConnection;
  let topic: string;
  const classicGroup = kafka.group('wire-classic');
  const modernGroup = kafka.group('wire-kip848');
  const members: Array<{ clientId: string; close(): Promise<void> }> = [];

  beforeAll(async () => {
    connection = await connect();
    topic = await kafka.topic({ partitions: 2 });
    await coordinators(connection, [classicGroup, modernGroup]);
    members.push(await liveMember(classicGroup, topic, 'classic'), await liveMember(modernGroup, topic, 'consumer'));
  });

  afterAll(async () => {
    await Promise.all(members.map((m) => m.close()));
    connection.close();
  });

  const describeClassic = (): Promise<DescribedGroup> =>
    until(
      async () => (await connection.request(describeGroupsV5, { groups: [classicGroup] })).groups[0]!,
      (g) => g.groupState === 'Stable' && g.members.length === 1 && decodeConsumerAssignment(g.members[0]!.memberAssignment).length > 0,
    );

  const describeModern = (): Promise<ConsumerGroupDescription> =>
    until(
      async () => (await connection.request(consumerGroupDescribeV0, { groupIds: [modernGroup] })).groups[0]!,
      (g) => g.groupState === 'Stable' && g.members[0]?.assignment[0]?.partitions.length === 2,
    );

  it('describes a classic group with a live consumer and decodes its assignment', async () => {
    const group = await describeClassic();
    expect(group).toMatchObject({ errorCode: 0, groupId: classicGroup, groupState: 'Stable', protocolType: 'consumer' });
    expect(group.protocolData).not.toBe('');
    expect(group.members).toHaveLength(1);
    const [member] = group.members;
    expect(member).toMatchObject({ groupInstanceId: null, clientId: members[0]!.clientId });
    expect(member!.memberId).toContain(members[0]!.clientId);
    expect(member!.clientHost).toMatch(/127\.0\.0\.1/);
    expect(member!.memberMetadata.includes(topic)).toBe(true);
    expect(decodeConsumerAssignment(member!.memberAssignment).map((a) => ({ ...a, partitions: [...a.partitions].sort() }))).toEqual([{ topic, partitions: [0, 1] }]);
  });

  it('describes a group that does not exist as Dead with no members', async () => {
    const missing = freshName('missing-group');
    const response = await untilCoordinatorReady(() => connection.request(describeGroupsV5, { groups: [missing] }), (r) => r.groups.map((g) => g.errorCode));
    expect(response.groups).toEqual([{ errorCode: 0, groupId: missing, groupState: 'Dead', protocolType: '', protocolData: '', members: [] }]);
  });

  it('describes a KIP-848 group with ConsumerGroupDescribe: epochs, subscription and assignment by topic id', async () => {
    const group = await describeModern();
    expect(group).toMatchObject({ errorCode: 0, errorMessage: null, groupId: modernGroup, groupState: 'Stable' });
    expect(group.groupEpoch).toBeGreaterThan(0);
    expect(group.assignmentEpoch).toBe(group.groupEpoch);
    expect(group.assignorName).toMatch(/^(uniform|range)$/);
    expect(group.members).toHaveLength(1);
    const [member] = group.members;
    const topicId = (await connection.request(metadataV12, { topics: [topic] })).topics[0]!.topicId;
    expect(member).toMatchObject({ instanceId: null, rackId: null, clientId: members[1]!.clientId, subscribedTopicNames: [topic] });
    // @platformatic/kafka's heartbeat sends an empty regex rather than null, and the broker echoes it.
    expect([null, '']).toContain(member!.subscribedTopicRegex);
    expect(member!.memberEpoch).toBe(group.groupEpoch);
    expect(member!.clientHost).toMatch(/127\.0\.0\.1/);
    const sorted = (a: ConsumerGroupTopicPartitions[]) => a.map((t) => ({ ...t, partitions: [...t.partitions].sort() }));
    expect(sorted(member!.assignment)).toEqual([{ topicId, topicName: topic, partitions: [0, 1] }]);
    expect(sorted(member!.targetAssignment)).toEqual([{ topicId, topicName: topic, partitions: [0, 1] }]);
  });

  it('answers GROUP_ID_NOT_FOUND with a message when ConsumerGroupDescribe is asked for a classic group', async () => {
    await describeClassic();
    const [group] = (await connection.request(consumerGroupDescribeV0, { groupIds: [classicGroup] })).groups;
    expect(group).toMatchObject({ errorCode: 69, groupId: classicGroup, members: [] });
    expect(group!.errorMessage).toContain(classicGroup);
  });

  it('lists groups by type and state with ListGroups v5', async () => {
    await Promise.all([describeClassic(), describeModern()]);
    const list = async (statesFilter: string[], typesFilter: string[]) => {
      const response = await connection.request(listGroupsV5, { statesFilter, typesFilter });
      expect(response.errorCode).toBe(0);
      return response.groups.filter((g) => g.groupId === classicGroup || g.groupId === modernGroup).sort((a, b) => a.groupId.localeCompare(b.groupId));
    };
    const classic = { groupId: classicGroup, protocolType: 'consumer', groupState: 'Stable', groupType: 'classic' };
    const modern = { groupId: modernGroup, protocolType: 'consumer', groupState: 'Stable', groupType: 'consumer' };
    const both = [classic, modern].sort((a, b) => a.groupId.localeCompare(b.groupId));
    expect(await list([], [])).toEqual(both);
    expect(await list([], ['classic'])).toEqual([classic]);
    expect(await list([], ['consumer'])).toEqual([modern]);
    expect(await list(['Stable'], [])).toEqual(both);
    expect(await list(['Empty'], [])).toEqual([]);
  });

  it('lists groups with ListGroups v4, which does not say their type', async () => {
    await describeClassic();
    const response = await connection.request(listGroupsV4, { statesFilter: ['Stable'] });
    expect(response.errorCode).toBe(0);
    expect(response.groups.find((g) => g.groupId === classicGroup)).toEqual({ groupId: classicGroup, protocolType: 'consumer', groupState: 'Stable', groupType: null });
  });
});
