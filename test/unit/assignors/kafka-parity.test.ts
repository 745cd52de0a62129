// Exact outcomes taken from Apache Kafka's own documentation and unit tests (RangeAssignor,
// RoundRobinAssignor and StickyAssignor javadoc; AbstractStickyAssignorTest), so a drift from
// Kafka's semantics shows up here.
import {
  cooperativeStickyAssign,
  cooperativeStickyRebalance,
  rangeAssign,
  roundRobinAssign,
  stickyAssign,
} from '../../../shared/assignors/index.ts';
import type { MemberSubscription, TopicMetadata } from '../../../shared/assignors/index.ts';
import { javaHashMapOrder, javaStringHashCode } from '../../../shared/assignors/java-hash-order.ts';
import { membersOf, record, rejoin } from './helpers.ts';

const topicsOf = (counts: Record<string, number>): TopicMetadata[] =>
  Object.entries(counts).map(([topic, partitions]) => ({ topic, partitions }));

describe('RangeAssignor parity', () => {
  it('gives C0 [t0p0, t0p1, t1p0, t1p1] and C1 [t0p2, t1p2] for two 3-partition topics (javadoc)', () => {
    const result = rangeAssign({ members: membersOf(['C0', 'C1'], ['t0', 't1']), topics: topicsOf({ t0: 3, t1: 3 }) });
    expect(record(result)).toEqual({ C0: { t0: [0, 1], t1: [0, 1] }, C1: { t0: [2], t1: [2] } });
  });

  it('ranges each topic over its own subscribers only', () => {
    const members = [
      { memberId: 'a', topics: ['t0'] },
      { memberId: 'b', topics: ['t0', 't1'] },
    ];
    const result = rangeAssign({ members, topics: topicsOf({ t0: 4, t1: 3 }) });
    expect(record(result)).toEqual({ a: { t0: [0, 1] }, b: { t0: [2, 3], t1: [0, 1, 2] } });
  });
});

describe('RoundRobinAssignor parity', () => {
  it('gives C0 [t0p0, t0p2, t1p1] and C1 [t0p1, t1p0, t1p2] for equal subscriptions (javadoc)', () => {
    const result = roundRobinAssign({ members: membersOf(['C0', 'C1'], ['t0', 't1']), topics: topicsOf({ t0: 3, t1: 3 }) });
    expect(record(result)).toEqual({ C0: { t0: [0, 2], t1: [1] }, C1: { t0: [1], t1: [0, 2] } });
  });

  it('skips members not subscribed to a topic, leaving C2 with four partitions (javadoc)', () => {
    const members = [
      { memberId: 'C0', topics: ['t0'] },
      { memberId: 'C1', topics: ['t0', 't1'] },
      { memberId: 'C2', topics: ['t0', 't1', 't2'] },
    ];
    const result = roundRobinAssign({ members, topics: topicsOf({ t0: 1, t1: 2, t2: 3 }) });
    expect(record(result)).toEqual({ C0: { t0: [0] }, C1: { t1: [0] }, C2: { t1: [1], t2: [0, 1, 2] } });
  });
});

describe('Java HashMap iteration order', () => {
  it('hashes strings like java.lang.String', () => {
    expect(javaStringHashCode('C1')).toBe(2126);
    expect(javaStringHashCode('hello')).toBe(99162322);
    // The classic overflow example: this string hashes to Integer.MIN_VALUE in Java.
    expect(javaStringHashCode('polygenelubricants')).toBe(-2147483648);
  });

  it('walks C1..C4 as C3, C4, C1, C2 (buckets 0, 1, 14, 15 of 16)', () => {
    expect(javaHashMapOrder(['C1', 'C2', 'C3', 'C4'])).toEqual([2, 3, 0, 1]);
  });

  it('decides which members keep an extra partition when a member joins', () => {
    const ids = ['C1', 'C2', 'C3'];
    const fresh = stickyAssign({ members: membersOf(ids, ['t']), topics: topicsOf({ t: 10 }) });
    expect(record(fresh)).toEqual({ C1: { t: [0, 3, 6, 9] }, C2: { t: [1, 4, 7] }, C3: { t: [2, 5, 8] } });
    const joined = stickyAssign({ members: rejoin(fresh, ['t'], 1, { join: ['C4'] }), topics: topicsOf({ t: 10 }) });
    // Walked first, C3 keeps its three partitions; C2, walked last, is cut to the minimum.
    expect(record(joined)).toEqual({ C1: { t: [0, 3, 6] }, C2: { t: [1, 4] }, C3: { t: [2, 5, 8] }, C4: { t: [7, 9] } });
  });
});

describe('StickyAssignor parity', () => {
  const four = topicsOf({ t0: 2, t1: 2, t2: 2, t3: 2 });

  it("assigns a fresh group like round robin (javadoc example 1)", () => {
    const result = stickyAssign({ members: membersOf(['C0', 'C1', 'C2'], ['t0', 't1', 't2', 't3']), topics: four });
    expect(record(result)).toEqual({
      C0: { t0: [0], t1: [1], t3: [0] },
      C1: { t0: [1], t2: [0], t3: [1] },
      C2: { t1: [0], t2: [1] },
    });
  });

  it('hands a departed member\'s partitions out without moving any other partition', () => {
    const all = ['t0', 't1', 't2', 't3'];
    const fresh = stickyAssign({ members: membersOf(['C0', 'C1', 'C2'], all), topics: four });
    const after = stickyAssign({ members: rejoin(fresh, all, 1, { leave: ['C1'] }), topics: four });
    // The javadoc predates the equal-subscription fast path and shows t2p0 going to C0; the
    // current algorithm deals the freed partitions round-robin in (topic, partition) order.
    expect(record(after)).toEqual({ C0: { t0: [0, 1], t1: [1], t3: [0] }, C2: { t1: [0], t2: [0, 1], t3: [1] } });
  });

  it('balances unequal subscriptions and keeps them on a leave (javadoc example 2)', () => {
    const members: MemberSubscription[] = [
      { memberId: 'C0', topics: ['t0'] },
      { memberId: 'C1', topics: ['t0', 't1'] },
      { memberId: 'C2', topics: ['t0', 't1', 't2'] },
    ];
    const topics = topicsOf({ t0: 1, t1: 2, t2: 3 });
    const fresh = stickyAssign({ members, topics });
    expect(record(fresh)).toEqual({ C0: { t0: [0] }, C1: { t1: [0, 1] }, C2: { t2: [0, 1, 2] } });
    const after = stickyAssign({
      members: members.slice(1).map((member) => ({ ...member, ownedPartitions: rejoin(fresh, [], 1).find((m) => m.memberId === member.memberId)!.ownedPartitions!, generation: 1 })),
      topics,
    });
    expect(record(after)).toEqual({ C1: { t0: [0], t1: [0, 1] }, C2: { t2: [0, 1, 2] } });
  });

  it('gives consumer1 [t1p0, t1p2, t2p1] and consumer2 [t1p1, t2p0, t2p2] (testTwoConsumersTwoTopicsSixPartitions)', () => {
    const result = stickyAssign({ members: membersOf(['consumer1', 'consumer2'], ['topic1', 'topic2']), topics: topicsOf({ topic1: 3, topic2: 3 }) });
    expect(record(result)).toEqual({ consumer1: { topic1: [0, 2], topic2: [1] }, consumer2: { topic1: [1], topic2: [0, 2] } });
  });

  it('assigns mixed subscriptions (testMultipleConsumersMixedTopicSubscriptions)', () => {
    const members = [
      { memberId: 'consumer1', topics: ['topic1'] },
      { memberId: 'consumer2', topics: ['topic1', 'topic2'] },
      { memberId: 'consumer3', topics: ['topic1'] },
    ];
    const result = stickyAssign({ members, topics: topicsOf({ topic1: 3, topic2: 2 }) });
    expect(record(result)).toEqual({ consumer1: { topic1: [0, 2] }, consumer2: { topic2: [0, 1] }, consumer3: { topic1: [1] } });
  });

  const owning = (memberId: string, owned: Record<string, number[]>, topics = ['topic1', 'topic2']): MemberSubscription => ({
    memberId,
    topics,
    ownedPartitions: Object.entries(owned).map(([topic, partitions]) => ({ topic, partitions })),
    generation: 1,
  });

  it('cuts the member walked last to the minimum quota (testMaxQuotaConsumerMoreThanNumExpectedMaxCapacityMembers)', () => {
    const members = [owning('consumer1', { topic1: [0], topic2: [0] }), owning('consumer2', { topic1: [1], topic2: [1] }), owning('consumer3', {})];
    const topics = topicsOf({ topic1: 2, topic2: 2 });
    expect(record(stickyAssign({ members, topics }))).toEqual({
      consumer1: { topic1: [0] },
      consumer2: { topic1: [1], topic2: [1] },
      consumer3: { topic2: [0] },
    });
    // Cooperatively, topic2-0 changes owner, so it is withheld in this rebalance.
    expect(record(cooperativeStickyAssign({ members, topics }))).toEqual({
      consumer1: { topic1: [0] },
      consumer2: { topic1: [1], topic2: [1] },
      consumer3: {},
    });
  });

  it('fills members under the minimum first (testAllConsumersAreUnderMinQuota)', () => {
    const members = [owning('consumer1', { topic1: [0] }), owning('consumer2', { topic1: [1] }), owning('consumer3', {})];
    const result = stickyAssign({ members, topics: topicsOf({ topic1: 2, topic2: 3 }) });
    expect(record(result)).toEqual({
      consumer1: { topic1: [0], topic2: [1] },
      consumer2: { topic1: [1], topic2: [2] },
      consumer3: { topic2: [0] },
    });
  });

  it('gives the extra partition to the first member at minimum (testConsumerOwningMinQuotaExpectedMaxQuota)', () => {
    const members = [owning('consumer1', { topic1: [0], topic2: [1] }), owning('consumer2', { topic1: [1], topic2: [2] })];
    const result = stickyAssign({ members, topics: topicsOf({ topic1: 2, topic2: 3 }) });
    expect(record(result)).toEqual({ consumer1: { topic1: [0], topic2: [0, 1] }, consumer2: { topic1: [1], topic2: [2] } });
  });

  it('adds and removes two consumers on two topics (testAddRemoveTwoConsumersTwoTopics)', () => {
    const all = ['topic1', 'topic2'];
    const topics = topicsOf({ topic1: 3, topic2: 4 });
    const first = stickyAssign({ members: membersOf(['consumer1', 'consumer2'], all), topics });
    expect(record(first)).toEqual({ consumer1: { topic1: [0, 2], topic2: [1, 3] }, consumer2: { topic1: [1], topic2: [0, 2] } });

    const added = cooperativeStickyRebalance({ members: rejoin(first, all, 1, { join: ['consumer3', 'consumer4'] }), topics });
    expect(record(added.target)).toEqual({
      consumer1: { topic1: [0], topic2: [1] },
      consumer2: { topic1: [1], topic2: [0] },
      consumer3: { topic1: [2], topic2: [3] },
      consumer4: { topic2: [2] },
    });
    // Kafka's partitionsTransferringOwnership: topic1-2 and topic2-3 to consumer3, topic2-2 to consumer4.
    expect(record(added.revoked)).toEqual({ consumer1: { topic1: [2], topic2: [3] }, consumer2: { topic2: [2] }, consumer3: {}, consumer4: {} });

    const removed = stickyAssign({ members: rejoin(added.target, all, 2, { leave: ['consumer1', 'consumer2'] }), topics });
    expect(record(removed)).toEqual({ consumer3: { topic1: [0, 2], topic2: [1, 3] }, consumer4: { topic1: [1], topic2: [0, 2] } });
  });

  it('moves one partition to a joining member and back when the first member leaves (testAddRemoveConsumerOneTopic)', () => {
    const topics = topicsOf({ topic: 3 });
    const alone = stickyAssign({ members: membersOf(['consumer1'], ['topic']), topics });
    const joined = cooperativeStickyRebalance({ members: rejoin(alone, ['topic'], 1, { join: ['consumer2'] }), topics });
    expect(record(joined.first)).toEqual({ consumer1: { topic: [0, 1] }, consumer2: {} });
    expect(record(joined.second)).toEqual({ consumer1: { topic: [0, 1] }, consumer2: { topic: [2] } });
    const left = stickyAssign({ members: rejoin(joined.second, ['topic'], 3, { leave: ['consumer1'] }), topics });
    expect(record(left)).toEqual({ consumer2: { topic: [0, 1, 2] } });
  });
});

describe('generation conflicts', () => {
  const topics = topicsOf({ t: 4 });
  const claim = (memberId: string, partitions: number[], generation?: number): MemberSubscription => ({
    memberId,
    topics: ['t'],
    ownedPartitions: [{ topic: 't', partitions }],
    ...(generation === undefined ? {} : { generation }),
  });

  it('leaves a partition two members claim with the higher generation', () => {
    const result = stickyAssign({ members: [claim('a', [0, 1], 4), claim('b', [1, 2], 5)], topics });
    expect(record(result)).toEqual({ a: { t: [0, 3] }, b: { t: [1, 2] } });
  });

  it('trusts neither claim when both members report the same generation', () => {
    const result = cooperativeStickyRebalance({ members: [claim('a', [0, 1], 5), claim('b', [1, 2], 5)], topics });
    // Partition 1 is withheld in the first rebalance: both must have revoked it. Partition 3,
    // owned by nobody, is handed out at once.
    expect(record(result.first)).toEqual({ a: { t: [0] }, b: { t: [2, 3] } });
    expect(record(result.revoked)).toEqual({ a: { t: [1] }, b: { t: [1] } });
    expect(record(result.second)).toEqual({ a: { t: [0, 1] }, b: { t: [2, 3] } });
  });

  it('keeps partitions of unequal subscriptions unique across three generations (testSubscriptionNotEqualAndAssignSamePartitionWith3Generation)', () => {
    const orders = [[1, 2, 3], [1, 3, 2], [2, 1, 3], [2, 3, 1], [3, 1, 2], [3, 2, 1]] as const;
    for (const [g1, g2, g3] of orders) {
      const members: MemberSubscription[] = [
        { memberId: 'consumer1', topics: ['topic'], ownedPartitions: [{ topic: 'topic', partitions: [0, 2] }], generation: g1 },
        { memberId: 'consumer2', topics: ['topic'], ownedPartitions: [{ topic: 'topic', partitions: [1, 2, 3] }], generation: g2 },
        { memberId: 'consumer3', topics: ['topic'], ownedPartitions: [{ topic: 'topic', partitions: [2, 4, 5] }], generation: g3 },
        { memberId: 'consumer4', topics: ['topic1'], ownedPartitions: [{ topic: 'topic1', partitions: [0] }], generation: 2 },
      ];
      const result = stickyAssign({ members, topics: topicsOf({ topic: 6, topic1: 1 }) });
      const all = [...result.values()].flatMap((byTopic) => [...byTopic].flatMap(([topic, list]) => list.map((p) => `${topic}-${p}`)));
      expect(new Set(all).size).toBe(7);
      for (const byTopic of result.values()) {
        const count = [...byTopic.values()].reduce((sum, list) => sum + list.length, 0);
        expect(count).toBeGreaterThanOrEqual(1);
        expect(count).toBeLessThanOrEqual(2);
      }
    }
  });
});
