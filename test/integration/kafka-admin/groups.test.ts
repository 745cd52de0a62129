import { KafkaRoutingError, type ConsumerGroupDescription, type GroupListing, type KafkaAdmin } from '../../../shared/kafka/index.ts';
import { KafkaProtocolError } from '../../../shared/kafka/wire/index.ts';
import { freshName, kafkaAdmin, kafkaTestResources } from '../support/kafka.ts';
import { coordinatorsReady, countRequests, liveMember, until, type LiveMember } from './support.ts';

describe('KafkaAdmin against a real broker: groups', () => {
  const kafka = kafkaTestResources();
  const classicGroup = kafka.group('admin-classic');
  const modernGroup = kafka.group('admin-kip848');
  const emptyGroup = kafka.group('admin-empty');
  const ours = new Set([classicGroup, modernGroup, emptyGroup]);
  const members: LiveMember[] = [];
  let classicMember: LiveMember;
  let modernMember: LiveMember;
  let topic: string;
  let admin: KafkaAdmin;

  beforeAll(async () => {
    topic = await kafka.topic({ partitions: 2, prefix: 'admin-groups' });
    await coordinatorsReady([...ours]);
    admin = kafkaAdmin();
    // An empty group: offsets committed by an operator, never a member.
    await admin.alterConsumerGroupOffsets({ groupId: emptyGroup, topics: [{ name: topic, partitionOffsets: [{ partition: 0, offset: 0n }] }] });
    classicMember = await liveMember(classicGroup, topic, 'classic');
    modernMember = await liveMember(modernGroup, topic, 'consumer');
    members.push(classicMember, modernMember);
    // Both groups stable, each member owning both partitions.
    await until(
      () => admin.describeGroups({ groups: [classicGroup] }),
      (groups) => groups.get(classicGroup)?.state === 'Stable' && [...groups.get(classicGroup)!.members.values()][0]?.assignments.get(topic)?.partitions.length === 2,
    );
    await until(
      () => admin.consumerGroupDescribe([modernGroup]),
      (groups) => {
        const group = groups.get(modernGroup);
        return !(group instanceof Error) && group?.state === 'Stable' && group.members[0]?.assignment[0]?.partitions.length === 2;
      },
    );
  });

  afterAll(async () => {
    await Promise.all(members.map((m) => m.close()));
    await admin.close();
  });

  /** Our groups among `listed`, sorted by id. */
  const ourGroups = (listed: Iterable<GroupListing>): GroupListing[] => [...listed].filter((g) => ours.has(g.id)).sort((a, b) => a.id.localeCompare(b.id));
  const sorted = (groups: GroupListing[]): GroupListing[] => [...groups].sort((a, b) => a.id.localeCompare(b.id));
  const classic: () => GroupListing = () => ({ id: classicGroup, state: 'Stable', groupType: 'classic', protocolType: 'consumer' });
  const modern: () => GroupListing = () => ({ id: modernGroup, state: 'Stable', groupType: 'consumer', protocolType: 'consumer' });
  const empty: () => GroupListing = () => ({ id: emptyGroup, state: 'Empty', groupType: 'classic', protocolType: '' });

  it('lists classic, KIP-848 and empty groups with their state and type, keyed by id', async () => {
    const listed = await admin.listGroups({ types: ['classic', 'consumer'] });
    expect(listed.get(classicGroup)).toEqual(classic());
    expect(ourGroups(listed.values())).toEqual(sorted([classic(), modern(), empty()]));
  });

  it('lists every type of group when no filter is given', async () => {
    expect(ourGroups((await admin.listGroups()).values())).toEqual(sorted([classic(), modern(), empty()]));
  });

  it('filters by state: Stable lists the groups with live members, Empty the one with commits only', async () => {
    const types = ['classic', 'consumer'];
    expect(ourGroups((await admin.listGroups({ states: ['Stable'], types })).values())).toEqual(sorted([classic(), modern()]));
    expect(ourGroups((await admin.listGroups({ states: ['Empty'], types })).values())).toEqual([empty()]);
    expect(ourGroups((await admin.listGroups({ states: ['Dead'], types })).values())).toEqual([]);
  });

  it('filters by type: classic groups, or KIP-848 (consumer) groups', async () => {
    expect(ourGroups((await admin.listGroups({ types: ['classic'] })).values())).toEqual(sorted([classic(), empty()]));
    expect(ourGroups((await admin.listGroups({ types: ['consumer'] })).values())).toEqual([modern()]);
    expect(ourGroups((await admin.listGroups({ states: ['Stable'], types: ['consumer'] })).values())).toEqual([modern()]);
  });

  it('lists the groups one broker coordinates with one ListGroups request', async () => {
    const [nodeId] = (await admin.metadata({ topics: [] })).brokers.keys();
    const counter = countRequests(admin);
    const listed = await admin.listGroupsOnBroker(nodeId!, { types: ['classic', 'consumer'] });
    counter.stop();
    expect(ourGroups(listed)).toEqual(sorted([classic(), modern(), empty()]));
    expect(counter.of('ListGroups')).toBe(1);
  });

  it('refuses to list the groups of a broker the cluster metadata does not name, without a request', async () => {
    await admin.metadata({ topics: [] });
    const counter = countRequests(admin);
    await expect(admin.listGroupsOnBroker(4242)).rejects.toThrow(new KafkaRoutingError('broker 4242 is not in the cluster metadata'));
    counter.stop();
    expect(counter.byApi.size).toBe(0);
  });

  it('describes a live classic consumer: member, client id, decoded subscription and assignment', async () => {
    const described = await admin.describeGroups({ groups: [classicGroup] });
    expect([...described.keys()]).toEqual([classicGroup]);
    const group = described.get(classicGroup)!;
    expect(group).toMatchObject({ id: classicGroup, state: 'Stable', protocolType: 'consumer' });
    expect(group.protocol).not.toBe('');
    expect(group.members.size).toBe(1);
    const [memberId, member] = [...group.members.entries()][0]!;
    expect(member.id).toBe(memberId);
    expect(member).toMatchObject({ groupInstanceId: null, clientId: classicMember.clientId, metadata: { topics: [topic] } });
    expect(member.id).toContain(classicMember.clientId);
    expect(member.clientHost).toMatch(/127\.0\.0\.1/);
    expect([...member.assignments.keys()]).toEqual([topic]);
    expect(member.assignments.get(topic)!.topic).toBe(topic);
    expect([...member.assignments.get(topic)!.partitions].sort()).toEqual([0, 1]);
  });

  it('describes a group that does not exist as Dead with no members, next to a live one', async () => {
    const missing = freshName('admin-missing-group');
    const described = await admin.describeGroups({ groups: [missing, classicGroup] });
    expect(described.get(missing)).toEqual({ id: missing, state: 'Dead', protocolType: '', protocol: '', members: new Map() });
    expect(described.get(classicGroup)!.state).toBe('Stable');
  });

  it('describes a KIP-848 group as Dead with DescribeGroups, which knows classic groups only', async () => {
    const described = await admin.describeGroups({ groups: [modernGroup] });
    expect(described.get(modernGroup)).toMatchObject({ id: modernGroup, state: 'Dead', members: new Map() });
  });

  it('describes a KIP-848 group with ConsumerGroupDescribe: epochs, member, subscription and assignment by topic name', async () => {
    const described = await admin.consumerGroupDescribe([modernGroup]);
    const group = described.get(modernGroup) as ConsumerGroupDescription;
    expect(group).not.toBeInstanceOf(Error);
    expect(group).toMatchObject({ groupId: modernGroup, state: 'Stable' });
    expect(group.groupEpoch).toBeGreaterThan(0);
    expect(group.assignmentEpoch).toBe(group.groupEpoch);
    expect(group.members).toHaveLength(1);
    const [member] = group.members;
    expect(member).toMatchObject({ instanceId: null, clientId: modernMember.clientId, subscribedTopicNames: [topic], memberEpoch: group.groupEpoch });
    expect(member!.memberId).not.toBe('');
    expect(member!.clientHost).toMatch(/127\.0\.0\.1/);
    expect(member!.assignment.map((a) => ({ topic: a.topic, partitions: [...a.partitions].sort() }))).toEqual([{ topic, partitions: [0, 1] }]);
  });

  it('maps a group ConsumerGroupDescribe does not know, or a classic group, to an error instead of throwing', async () => {
    const missing = freshName('admin-missing-group');
    const described = await admin.consumerGroupDescribe([missing, classicGroup, modernGroup]);
    expect([...described.keys()].sort()).toEqual([missing, classicGroup, modernGroup].sort());
    for (const id of [missing, classicGroup]) {
      const error = described.get(id);
      expect(error).toBeInstanceOf(KafkaProtocolError);
      expect((error as KafkaProtocolError).errorName).toBe('GROUP_ID_NOT_FOUND');
      expect((error as KafkaProtocolError).message).toContain(`ConsumerGroupDescribe for group '${id}'`);
    }
    expect(described.get(modernGroup)).not.toBeInstanceOf(Error);
  });
});
