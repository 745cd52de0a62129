import { InMemoryLagStateStore, KafkaRequestCounter, LagMonitor, collectLag } from '../../../shared/lag/index.ts';
import type { CollectedGroup, CollectedTopic, GroupSummary } from '../../../shared/lag/index.ts';
import type { KafkaAdmin } from '../../../shared/kafka/index.ts';
import { admin as newAdmin, kafkaAdmin, kafkaTestResources } from '../support/kafka.ts';
import { commit, produceEach, producer } from './support.ts';

/**
 * A monitor on its own state whose clock moves only when `runCycle(advanceMs)` says, so
 * that the topic refresh interval is crossed exactly where a test wants.
 */
function clockedMonitor(admin: KafkaAdmin, include: string[], topicRefreshMs: number) {
  let nowMs = Date.now();
  const monitor = new LagMonitor({ admin, store: new InMemoryLagStateStore(), emfSink: null, clock: () => nowMs }, { include, topicRefreshMs });
  return {
    runCycle(advanceMs = 0) {
      nowMs += advanceMs;
      return monitor.runCycle();
    },
  };
}

// A warm monitor reads the log offsets of the topics it already knows alongside the group
// requests (collect-prefetch.ts). These tests pin what must not change because of it.
describe('warm monitor cycles', () => {
  const kafka = kafkaTestResources();

  it('reports the same offsets as a cold cycle, and sees records produced between cycles; Metadata only when the topic refresh is due', async () => {
    const topic = await kafka.topic({ partitions: 3, prefix: 'warm' });
    const groupId = kafka.group('warm');
    const admin = newAdmin();
    const p = producer();
    const monitorAdmin = kafkaAdmin();
    try {
      await produceEach(p, topic, 3, 5);
      await commit(admin, groupId, topic, [1, 2, 3]);
      const monitor = clockedMonitor(monitorAdmin, [groupId], 60_000);
      const cold = (await monitor.runCycle()).summary.groups[0]!;
      expect(cold.partitions!.map((x) => [x.logEndOffset, x.lag])).toEqual([['5', '4'], ['5', '3'], ['5', '2']]);

      const warmCycle = async (advanceMs: number) => {
        await produceEach(p, topic, 3, 1);
        const counter = new KafkaRequestCounter(monitorAdmin);
        counter.start();
        const group = (await monitor.runCycle(advanceMs)).summary.groups[0]!;
        counter.stop();
        return { group, byApi: counter.snapshot().byApi };
      };
      // Within the refresh: ListOffsets routed by the leaders the client cached, no Metadata.
      const warm = await warmCycle(59_000);
      expect(warm.group.partitions!.map((x) => [x.logEndOffset, x.lag])).toEqual([['6', '5'], ['6', '4'], ['6', '3']]);
      expect(warm.group.errors).toEqual([]);
      expect(warm.byApi.Metadata).toBeUndefined();
      expect(warm.byApi.ListOffsets).toBe(2);
      // Refresh due (60 s after the cold cycle's): one Metadata request, alongside.
      const refreshed = await warmCycle(1_000);
      expect(refreshed.group.partitions!.map((x) => [x.logEndOffset, x.lag])).toEqual([['7', '6'], ['7', '5'], ['7', '4']]);
      expect(refreshed.byApi.Metadata).toBe(1);
      expect(refreshed.byApi.ListOffsets).toBe(2);
      // The refresh restarted the interval.
      expect((await warmCycle(59_000)).byApi.Metadata).toBeUndefined();
    } finally {
      await p.close();
      await admin.close();
      await monitorAdmin.close();
    }
  });

  it('hands each group to onGroup once, with its topics, as the objects of the result; warm, committed offsets come in pieces', async () => {
    const topic = await kafka.topic({ partitions: 2, prefix: 'pieces' });
    const prefix = kafka.group('pieces');
    // Named after `prefix` (and deleted after the test, as it is): the pattern below selects them.
    const groupIds = Array.from({ length: 30 }, () => kafka.group(prefix)).sort();
    const admin = newAdmin();
    const p = producer();
    const monitorAdmin = kafkaAdmin();
    try {
      await produceEach(p, topic, 2, 4);
      for (const [i, groupId] of groupIds.entries()) await commit(admin, groupId, topic, [i % 5, 1]);
      const collect = async (knownTopics?: ReadonlyMap<string, number>) => {
        const handed: Array<[CollectedGroup, CollectedTopic | undefined, ReadonlyMap<string, CollectedTopic>]> = [];
        const counter = new KafkaRequestCounter(monitorAdmin);
        counter.start();
        const collection = await collectLag(monitorAdmin, { include: [`${prefix}-*`], onGroup: (g, topics) => handed.push([g, topics.get(topic), topics]), ...(knownTopics ? { knownTopics } : {}) });
        counter.stop();
        return { collection, handed, byApi: counter.snapshot().byApi };
      };
      const cold = await collect();
      const warm = await collect(new Map([[topic, 2]]));
      for (const { collection, handed } of [cold, warm]) {
        expect(collection.groups.map((g) => g.groupId)).toEqual(groupIds);
        expect(new Set(handed.map(([g]) => g))).toEqual(new Set(collection.groups));
        expect(handed).toHaveLength(groupIds.length);
        for (const [, t] of handed) expect(t).toBe(collection.topics.get(topic));
        expect(collection.groups.map((g) => g.partitions.map((x) => x.logEndOffset! - x.committedOffset!))).toEqual(groupIds.map((_, i) => [BigInt(4 - (i % 5)), 3n]));
      }
      // Cold, every group is assembled once the round is over (with the cycle's topic map);
      // warm, each as soon as its piece is in, with the prefetched topics.
      expect(cold.handed.every(([, , topics]) => topics === cold.collection.topics)).toBe(true);
      expect(warm.handed.every(([, , topics]) => topics !== warm.collection.topics)).toBe(true);
      // 30 groups: two OffsetFetch pieces of at least 25 (collect.ts MIN_GROUPS_PER_PIECE).
      expect(warm.byApi).toMatchObject({ ListGroups: 1, DescribeGroups: 1, OffsetFetch: 2, Metadata: 1, ListOffsets: 2 });
    } finally {
      await p.close();
      await admin.close();
      await monitorAdmin.close();
    }
  });

  it('covers partitions added to a topic between cycles at once, for every group of the topic, when a group commits on one', async () => {
    const topic = await kafka.topic({ partitions: 2, prefix: 'grow' });
    // Groups are collected in id order: the committing one comes first.
    const [committing, idle] = [kafka.group('grow-a-committing'), kafka.group('grow-b-idle')];
    const admin = newAdmin();
    const p = producer();
    const monitorAdmin = kafkaAdmin();
    try {
      await produceEach(p, topic, 2, 4);
      await commit(admin, committing, topic, [4, 4]);
      await commit(admin, idle, topic, [4, 4]);
      const monitor = clockedMonitor(monitorAdmin, [committing, idle], 300_000);
      const partitionsOf = (groups: readonly GroupSummary[], id: string) => groups.find((g) => g.groupId === id)!.partitions!.map((x) => [x.partition, x.logEndOffset, x.offsetStatus]);
      expect(partitionsOf((await monitor.runCycle()).summary.groups, idle)).toHaveLength(2);

      await admin.createPartitions({ topics: [{ name: topic, count: 3 }] });
      // A new producer: @platformatic/kafka's producer with cached metadata sends an explicit
      // partition 2 of a then 2-partition topic to partition 0 (seen here), so the test
      // would check the wrong thing.
      const fresh = producer();
      try {
        await fresh.send({ messages: [0, 1, 2].map((partition) => ({ topic, partition, value: 'late' })) });
      } finally {
        await fresh.close();
      }
      // One group commits on the new partition: its commit says the cached count is short,
      // and the topic is read again in the same cycle, for every group.
      await admin.alterConsumerGroupOffsets({ groupId: committing, topics: [{ name: topic, partitionOffsets: [{ partition: 2, offset: 0n }] }] });
      const seen = await monitor.runCycle(1_000);
      expect(seen.collection.outdatedTopics).toEqual([topic]);
      expect(partitionsOf(seen.summary.groups, committing)).toEqual([
        [0, '5', 'COMMITTED'],
        [1, '5', 'COMMITTED'],
        [2, '1', 'COMMITTED'],
      ]);
      expect(partitionsOf(seen.summary.groups, idle)).toEqual([
        [0, '5', 'COMMITTED'],
        [1, '5', 'COMMITTED'],
        [2, '1', 'NO_COMMITTED_OFFSET'],
      ]);
      // The next cycle refreshes the topic, and nothing is outdated any more.
      expect((await monitor.runCycle(1_000)).collection.outdatedTopics).toEqual([]);
    } finally {
      await p.close();
      await admin.close();
      await monitorAdmin.close();
    }
  });

  it('keeps a topic as the groups evaluated earlier in the cycle saw it, and refreshes it the next cycle, when a later group shows it grew', async () => {
    const topic = await kafka.topic({ partitions: 2, prefix: 'grow-late' });
    // Id order: the idle group is evaluated first, with the cached layout (2 partitions).
    const [idle, committing] = [kafka.group('grow-a-idle'), kafka.group('grow-b-committing')];
    const admin = newAdmin();
    const monitorAdmin = kafkaAdmin();
    try {
      await commit(admin, idle, topic, [0, 0]);
      await commit(admin, committing, topic, [0, 0]);
      const monitor = clockedMonitor(monitorAdmin, [idle, committing], 300_000);
      const cycle = async () => {
        const { summary, collection } = await monitor.runCycle(1_000);
        return { outdated: collection.outdatedTopics, counts: summary.groups.map((g) => [g.groupId, g.partitions!.length]) };
      };
      await cycle();
      await admin.createPartitions({ topics: [{ name: topic, count: 3 }] });
      await admin.alterConsumerGroupOffsets({ groupId: committing, topics: [{ name: topic, partitionOffsets: [{ partition: 2, offset: 0n }] }] });
      // One layout per topic per cycle: the committing group too is read with 2 partitions.
      expect(await cycle()).toEqual({ outdated: [topic], counts: [[idle, 2], [committing, 2]] });
      expect(await cycle()).toEqual({ outdated: [], counts: [[idle, 3], [committing, 3]] });
    } finally {
      await admin.close();
      await monitorAdmin.close();
    }
  });

  it('shows a partition nobody commits on or is assigned at the next topic refresh', async () => {
    const topic = await kafka.topic({ partitions: 2, prefix: 'grow-idle' });
    const groupId = kafka.group('grow-idle');
    const admin = newAdmin();
    const p = producer();
    const monitorAdmin = kafkaAdmin();
    try {
      await produceEach(p, topic, 2, 4);
      await commit(admin, groupId, topic, [4, 4]);
      const monitor = clockedMonitor(monitorAdmin, [groupId], 300_000);
      const cycle = async (advanceMs: number) => {
        return (await monitor.runCycle(advanceMs)).summary.groups[0]!.partitions!.map((x) => [x.partition, x.offsetStatus]);
      };
      await cycle(0);
      await admin.createPartitions({ topics: [{ name: topic, count: 3 }] });
      // Within the refresh: the cached layout, two partitions.
      expect(await cycle(299_000)).toEqual([
        [0, 'COMMITTED'],
        [1, 'COMMITTED'],
      ]);
      expect(await cycle(1_000)).toEqual([
        [0, 'COMMITTED'],
        [1, 'COMMITTED'],
        [2, 'NO_COMMITTED_OFFSET'],
      ]);
    } finally {
      await p.close();
      await admin.close();
      await monitorAdmin.close();
    }
  });

  it('keeps monitoring the other topics when a known topic is deleted', async () => {
    const [kept, deleted] = [await kafka.topic({ partitions: 1, prefix: 'kept' }), await kafka.topic({ partitions: 1, prefix: 'gone' })];
    const groupId = kafka.group('deleted');
    const admin = newAdmin();
    const p = producer();
    const monitorAdmin = kafkaAdmin();
    try {
      await produceEach(p, kept, 1, 3);
      await produceEach(p, deleted, 1, 3);
      await commit(admin, groupId, kept, [1]);
      await commit(admin, groupId, deleted, [1]);
      const monitor = new LagMonitor({ admin: monitorAdmin, store: new InMemoryLagStateStore(), emfSink: null }, { include: [groupId] });
      expect((await monitor.runCycle()).summary.groups[0]!.partitions).toHaveLength(2);

      await admin.deleteTopics({ topics: [deleted] });
      const { summary } = await monitor.runCycle();
      const group = summary.groups[0]!;
      expect(group.partitions!.map((x) => [x.topic, x.lag])).toEqual([[kept, '2']]);
    } finally {
      await p.close();
      await admin.close();
      await monitorAdmin.close();
    }
  });
});
