// The client adapters, on synthetic group data (no broker).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';
import type { Cluster, GroupMember, Logger, PartitionAssigner } from 'kafkajs';
import {
  decodeConsumerProtocolAssignment,
  decodeConsumerProtocolSubscription,
  encodeConsumerProtocolAssignment,
  encodeConsumerProtocolSubscription,
} from '@platformatic/kafka';
import type { ClusterMetadata, ExtendedGroupProtocolSubscription } from '@platformatic/kafka';
import {
  ASSIGNOR_ERROR_CODES,
  AssignorError,
  decodeStickyUserData,
  encodeStickyUserData,
} from '../../../shared/assignors/index.ts';
import type { StickyMemberData } from '../../../shared/assignors/index.ts';
import { kafkajsAssigner, kafkajsOwnershipTracker } from '../../../shared/assignors/kafkajs.ts';
import { platformaticAssignor, platformaticOwnership } from '../../../shared/assignors/platformatic.ts';

const { AssignerProtocol, PartitionAssigners } = kafkajs;

/** A kafkajs cluster that only knows partition counts. */
function fakeCluster(counts: Record<string, number>): Cluster {
  const cluster = {
    findTopicPartitionMetadata: (topic: string) =>
      Array.from({ length: counts[topic] ?? 0 }, (_, partitionId) => ({ partitionErrorCode: 0, partitionId, leader: 1, replicas: [1], isr: [1] })),
  };
  return cluster as unknown as Cluster;
}

function build(factory: PartitionAssigner, counts: Record<string, number>) {
  return factory({ cluster: fakeCluster(counts), groupId: 'orders-group', logger: {} as Logger });
}

function decodeAssignments(assignments: { memberId: string; memberAssignment: Buffer }[]): Record<string, Record<string, number[]>> {
  return Object.fromEntries(assignments.map(({ memberId, memberAssignment }) => [memberId, AssignerProtocol.MemberAssignment.decode(memberAssignment)!.assignment]));
}

describe('kafkajs adapter', () => {
  it("names the protocol after Kafka's assignor and encodes ownership as StickyAssignor user data", () => {
    const owned: StickyMemberData = { partitions: [{ topic: 'orders', partitions: [0, 3] }], generation: 4 };
    const assigner = build(kafkajsAssigner('sticky', { ownership: () => owned }), { orders: 6 });
    expect(assigner.name).toBe('sticky');
    expect(assigner.version).toBe(0);
    const { name, metadata } = assigner.protocol({ topics: ['orders'] });
    expect(name).toBe('sticky');
    const decoded = AssignerProtocol.MemberMetadata.decode(metadata)!;
    expect(decoded.topics).toEqual(['orders']);
    expect(decodeStickyUserData(decoded.userData)).toEqual(owned);
  });

  it('assigns from the members\' metadata on a fake cluster, keeping what survivors owned', async () => {
    const cluster = { orders: 6 };
    const owned: Record<string, StickyMemberData> = {
      C1: { partitions: [{ topic: 'orders', partitions: [0, 3] }], generation: 1 },
      C3: { partitions: [{ topic: 'orders', partitions: [2, 5] }], generation: 1 },
    };
    const members: GroupMember[] = Object.keys(owned).map((memberId) => ({
      memberId,
      memberMetadata: build(kafkajsAssigner('sticky', { ownership: () => owned[memberId] }), cluster).protocol({ topics: ['orders'] }).metadata,
    }));
    const leader = build(kafkajsAssigner('sticky'), cluster);
    const result = decodeAssignments(await leader.assign({ members, topics: ['orders'] }));
    expect(result).toEqual({ C1: { orders: [0, 1, 3] }, C3: { orders: [2, 4, 5] } });
  });

  it('gives the same round-robin assignment as kafkajs\'s own RoundRobinAssigner for one topic', async () => {
    const members: GroupMember[] = ['m-b', 'm-a', 'm-c'].map((memberId) => ({
      memberId,
      memberMetadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics: ['orders'], userData: Buffer.alloc(0) }),
    }));
    const ours = decodeAssignments(await build(kafkajsAssigner('round-robin'), { orders: 10 }).assign({ members, topics: ['orders'] }));
    const theirs = decodeAssignments(await build(PartitionAssigners.roundRobin, { orders: 10 }).assign({ members, topics: ['orders'] }));
    expect(ours).toEqual(theirs);
    expect(ours['m-a']).toEqual({ orders: [0, 3, 6, 9] });
  });

  it('skips topics the leader has no metadata for, as Kafka does', async () => {
    const members: GroupMember[] = [
      { memberId: 'x', memberMetadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics: ['orders', 'unknown'], userData: Buffer.alloc(0) }) },
    ];
    expect(decodeAssignments(await build(kafkajsAssigner('range'), { orders: 2 }).assign({ members, topics: ['orders'] }))).toEqual({
      x: { orders: [0, 1] },
    });
  });

  it('refuses cooperative-sticky, which needs a client that rejoins after revoking', () => {
    expect(() => kafkajsAssigner('cooperative-sticky')).toThrow(AssignorError);
    try {
      kafkajsAssigner('cooperative-sticky');
    } catch (error) {
      expect((error as AssignorError).code).toBe(ASSIGNOR_ERROR_CODES.UNSUPPORTED_STRATEGY);
    }
  });

  it('tracks ownership from GROUP_JOIN, adding the generation once a heartbeat reports it', () => {
    const tracker = kafkajsOwnershipTracker();
    expect(tracker.ownership()).toBeUndefined();
    tracker.onHeartbeat({ payload: { groupGenerationId: 3 } });
    expect(tracker.ownership()).toBeUndefined();
    tracker.onGroupJoin({ payload: { memberAssignment: { orders: [1, 4] } } });
    expect(tracker.ownership()).toEqual({ partitions: [{ topic: 'orders', partitions: [1, 4] }] });
    tracker.onHeartbeat({ payload: { groupGenerationId: 4 } });
    expect(tracker.ownership()).toEqual({ partitions: [{ topic: 'orders', partitions: [1, 4] }], generation: 4 });
    tracker.onGroupJoin({ payload: { memberAssignment: {} } });
    expect(tracker.ownership()).toBeUndefined();
  });
});

function clusterMetadata(counts: Record<string, number>): ClusterMetadata {
  return {
    id: 'cluster',
    brokers: new Map(),
    controllerId: 1,
    lastUpdate: 0,
    topics: new Map(Object.entries(counts).map(([topic, partitionsCount]) => [topic, { id: topic, partitions: [], partitionsCount, lastUpdate: 0 }])),
  };
}

const flatten = (result: { memberId: string; assignments: Map<string, { topic: string; partitions: number[] }> }[]) =>
  Object.fromEntries(result.map(({ memberId, assignments }) => [memberId, Object.fromEntries([...assignments].map(([topic, a]) => [topic, a.partitions]))]));

describe('@platformatic/kafka adapter', () => {
  it('returns protocols, an assigner and, for sticky, a user-data encoder', () => {
    const owned: StickyMemberData = { partitions: [{ topic: 'orders', partitions: [2] }], generation: 9 };
    const options = platformaticAssignor('sticky', { ownership: () => owned });
    expect(options.protocols).toEqual([{ name: 'sticky', version: 1 }]);
    expect(typeof options.partitionAssigner).toBe('function');
    const userData = options.protocolsMetadata!([], ['orders'], clusterMetadata({ orders: 3 }), () => undefined);
    expect(Buffer.isBuffer(userData)).toBe(true);
    expect(decodeStickyUserData(userData as Buffer)).toEqual(owned);
  });

  it('encodes empty user data while the member owns nothing', () => {
    const options = platformaticAssignor('sticky');
    const userData = options.protocolsMetadata!([], ['orders'], clusterMetadata({ orders: 3 }), () => undefined);
    expect((userData as Buffer).byteLength).toBe(0);
  });

  it('assigns sticky from the members\' user data', () => {
    const members = new Map<string, ExtendedGroupProtocolSubscription>([
      ['C1', { memberId: 'C1', version: 1, topics: ['orders'], metadata: Buffer.from(encodeStickyUserData({ partitions: [{ topic: 'orders', partitions: [0, 1] }], generation: 1 })) }],
      ['C3', { memberId: 'C3', version: 1, topics: ['orders'], metadata: Buffer.from(encodeStickyUserData({ partitions: [{ topic: 'orders', partitions: [4, 5] }], generation: 1 })) }],
    ]);
    const { partitionAssigner } = platformaticAssignor('sticky');
    const result = partitionAssigner('C1', members, new Set(['orders']), clusterMetadata({ orders: 6 }));
    expect(flatten(result)).toEqual({ C1: { orders: [0, 1, 2] }, C3: { orders: [3, 4, 5] } });
    expect(result[0]!.assignments.get('orders')).toEqual({ topic: 'orders', partitions: [0, 1, 2] });
  });

  it('withholds moving partitions for cooperative-sticky, reading ownedPartitions and generationId', () => {
    const options = platformaticAssignor('cooperative-sticky');
    expect(options.protocols).toEqual([{ name: 'cooperative-sticky', version: 3 }]);
    expect(options.protocolsMetadata).toBeUndefined();
    const members = new Map<string, ExtendedGroupProtocolSubscription>([
      ['a', { memberId: 'a', version: 3, topics: ['orders'], ownedPartitions: [{ topic: 'orders', partitions: [0, 1, 2, 3] }], generationId: 5 }],
      ['b', { memberId: 'b', version: 3, topics: ['orders'], ownedPartitions: [], generationId: -1 }],
    ]);
    const result = options.partitionAssigner('a', members, new Set(['orders']), clusterMetadata({ orders: 4 }));
    expect(flatten(result)).toEqual({ a: { orders: [0, 1] }, b: {} });
  });

  it('runs range and round robin without user data', () => {
    const members = new Map<string, ExtendedGroupProtocolSubscription>(
      ['C1', 'C2', 'C3'].map((memberId) => [memberId, { memberId, version: 1, topics: ['orders'], metadata: Buffer.alloc(0) }]),
    );
    const range = platformaticAssignor('range');
    expect(range.protocolsMetadata).toBeUndefined();
    expect(flatten(range.partitionAssigner('C1', members, new Set(['orders']), clusterMetadata({ orders: 6 })))).toEqual({
      C1: { orders: [0, 1] },
      C2: { orders: [2, 3] },
      C3: { orders: [4, 5] },
    });
    expect(flatten(platformaticAssignor('roundrobin').partitionAssigner('C1', members, new Set(['orders']), clusterMetadata({ orders: 6 })))).toEqual({
      C1: { orders: [0, 3] },
      C2: { orders: [1, 4] },
      C3: { orders: [2, 5] },
    });
  });

  it("round-trips through @platformatic/kafka's own subscription and assignment codecs", () => {
    // What the Consumer does: encode each member's subscription with our user data, decode it
    // on the leader, run the assigner, encode the assignments, decode them on the members.
    const owned: Record<string, StickyMemberData | undefined> = {
      C1: { partitions: [{ topic: 'orders', partitions: [0, 3] }], generation: 2 },
      C2: undefined,
      C3: { partitions: [{ topic: 'orders', partitions: [2, 5] }], generation: 2 },
    };
    const metadata = clusterMetadata({ orders: 6 });
    const members = new Map<string, ExtendedGroupProtocolSubscription>();
    for (const [memberId, ownership] of Object.entries(owned)) {
      const { protocols, protocolsMetadata } = platformaticAssignor('sticky', { ownership: () => ownership });
      const userData = protocolsMetadata!(protocols, ['orders'], metadata, () => undefined) as Buffer;
      const wire = encodeConsumerProtocolSubscription({ version: protocols[0]!.version, topics: ['orders'], userData });
      const decoded = decodeConsumerProtocolSubscription(wire);
      members.set(memberId, { memberId, version: decoded.version, topics: decoded.topics, metadata: decoded.userData, ownedPartitions: decoded.ownedPartitions, generationId: decoded.generationId });
    }
    const result = platformaticAssignor('sticky').partitionAssigner('C1', members, new Set(['orders']), metadata);
    const received = Object.fromEntries(
      result.map(({ memberId, assignments }) => [
        memberId,
        decodeConsumerProtocolAssignment(encodeConsumerProtocolAssignment({ version: 0, assignedPartitions: [...assignments.values()] })).assignedPartitions,
      ]),
    );
    // C1 and C3 keep what their user data reports; C2, owning nothing, gets what nobody reported.
    expect(received).toEqual({
      C1: [{ topic: 'orders', partitions: [0, 3] }],
      C2: [{ topic: 'orders', partitions: [1, 4] }],
      C3: [{ topic: 'orders', partitions: [2, 5] }],
    });
  });

  it('reads a consumer\'s ownership, and none once it lost its member id', () => {
    const consumer = { memberId: 'm-1' as string | null, generationId: 6, assignments: [{ topic: 'orders', partitions: [3] }] };
    const ownership = platformaticOwnership(() => consumer);
    expect(ownership()).toEqual({ partitions: [{ topic: 'orders', partitions: [3] }], generation: 6 });
    consumer.memberId = null;
    expect(ownership()).toBeUndefined();
    expect(platformaticOwnership(() => undefined)()).toBeUndefined();
  });
});

describe('module boundaries', () => {
  it('loads no Kafka client at runtime when the core module is imported', () => {
    const root = join(dirname(fileURLToPath(import.meta.url)), '../../../shared/assignors');
    const seen = new Set<string>();
    const runtimeImports: string[] = [];
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(join(root, file), 'utf8');
      for (const match of source.matchAll(/^(?:import|export)\s+(type\s+)?[^;]*?from\s+'([^']+)';/gms)) {
        const [, typeOnly, specifier] = match;
        if (specifier!.startsWith('./')) visit(specifier!.slice(2));
        else if (typeOnly === undefined) runtimeImports.push(specifier!);
      }
    };
    visit('index.ts');
    expect(seen.has('platformatic.ts')).toBe(false);
    expect(seen.has('kafkajs.ts')).toBe(false);
    expect(runtimeImports.filter((specifier) => /kafka/.test(specifier))).toEqual([]);
    expect(seen.size).toBeGreaterThan(10);
  });
});
