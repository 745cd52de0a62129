import { InMemoryLagStateStore, KafkaRequestCounter, LagMonitor, collectLag } from '../../../shared/lag/index.ts';
import type { CollectedGroup, CollectedTopic } from '../../../shared/lag/index.ts';
import { admin as newAdmin, kafkaAdmin, kafkaTestResources } from '../support/kafka.ts';
import { commit, produceEach, producer } from './support.ts';

// A warm monitor reads the log offsets of the topics it already knows alongside the group
// requests (collect-prefetch.ts). These tests pin what must not change because of it.
describe('warm monitor cycles', () => {
  const kafka = kafkaTestResources();

  it('reports the same offsets as a cold cycle, and sees records produced between cycles', async () => {
    const topic = await kafka.topic({ partitions: 3, prefix: 'warm' });
    const groupId = kafka.group('warm');
    const admin = newAdmin();
    const p = producer();
    const monitorAdmin = kafkaAdmin();
    try {
      await produceEach(p, topic, 3, 5);
      await commit(admin, groupId, topic, [1, 2, 3]);
      const monitor = new LagMonitor({ admin: monitorAdmin, store: new InMemoryLagStateStore(), emfSink: null }, { include: [groupId] });
      const cold = (await monitor.runCycle()).summary.groups[0]!;
      expect(cold.partitions!.map((x) => [x.logEndOffset, x.lag])).toEqual([['5', '4'], ['5', '3'], ['5', '2']]);

      await produceEach(p, topic, 3, 2);
      const counter = new KafkaRequestCounter(monitorAdmin);
      counter.start();
      const warm = (await monitor.runCycle()).summary.groups[0]!;
      counter.stop();
      expect(warm.partitions!.map((x) => [x.logEndOffset, x.lag])).toEqual([['7', '6'], ['7', '5'], ['7', '4']]);
      expect(warm.errors).toEqual([]);
      // The prefetch's ListOffsets route by the leaders the client cached last cycle; the
      // one Metadata request is the cycle's own (partition counts and leaders, fresh).
      expect(counter.snapshot().byApi.Metadata).toBe(1);
      expect(counter.snapshot().byApi.ListOffsets).toBe(2);
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

  it('covers partitions added to a topic between cycles', async () => {
    const topic = await kafka.topic({ partitions: 2, prefix: 'grow' });
    const groupId = kafka.group('grow');
    const admin = newAdmin();
    const p = producer();
    const monitorAdmin = kafkaAdmin();
    try {
      await produceEach(p, topic, 2, 4);
      await commit(admin, groupId, topic, [4, 4]);
      const monitor = new LagMonitor({ admin: monitorAdmin, store: new InMemoryLagStateStore(), emfSink: null }, { include: [groupId] });
      expect((await monitor.runCycle()).summary.groups[0]!.partitions).toHaveLength(2);

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
      const group = (await monitor.runCycle()).summary.groups[0]!;
      expect(group.partitions!.map((x) => [x.partition, x.logEndOffset, x.offsetStatus])).toEqual([
        [0, '5', 'COMMITTED'],
        [1, '5', 'COMMITTED'],
        [2, '1', 'NO_COMMITTED_OFFSET'],
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
