import { Consumer } from '@platformatic/kafka';
import { setTimeout as sleep } from 'node:timers/promises';
import { InMemoryLagStateStore, LagMonitor } from '../../../shared/lag/index.ts';
import { admin as newAdmin, kafkaAdmin, bootstrapServers, freshName, kafkaTestResources } from '../support/kafka.ts';
import { commit, produceEach, producer } from './support.ts';

describe('group types and selection', () => {
  const kafka = kafkaTestResources();

  it('describes KIP-848 (consumer protocol) groups with ConsumerGroupDescribe: members, assignment and epoch', async () => {
    const topic = await kafka.topic({ partitions: 2, prefix: 'kip848' });
    const groupId = kafka.group('kip848');
    const consumer = new Consumer({ groupId, clientId: freshName('kip848'), bootstrapBrokers: bootstrapServers(), groupProtocol: 'consumer' });
    const monitorAdmin = kafkaAdmin();
    try {
      const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
      stream.pause();
      const monitor = new LagMonitor({ admin: monitorAdmin, store: new InMemoryLagStateStore(), emfSink: null }, { include: [groupId] });
      let group;
      for (let attempt = 0; attempt < 50; attempt++) {
        const { summary } = await monitor.runCycle();
        group = summary.groups.find((g) => g.groupId === groupId);
        if (group?.state === 'Stable' && group.members[0]?.assignment[topic]?.length === 2) break;
        await sleep(200);
      }
      expect(group).toMatchObject({ type: 'consumer', state: 'Stable', evaluated: true, errors: [] });
      expect(group!.generation).toBeGreaterThan(0);
      expect(group!.members[0]!.assignment[topic]!.sort()).toEqual([0, 1]);
      expect(group!.partitions!.map((p) => p.offsetStatus)).toEqual(['NO_COMMITTED_OFFSET', 'NO_COMMITTED_OFFSET']);
      await stream.close();
    } finally {
      await consumer.close(true);
      await monitorAdmin.close();
    }
  });

  it('selects groups by include and exclude patterns', async () => {
    const topic = await kafka.topic({ partitions: 1, prefix: 'select' });
    const prefix = freshName('sel');
    // kafka.group() appends a unique suffix: `<prefix>-orders-<time>-<random>`.
    const [keep, drop, other] = [kafka.group(`${prefix}-orders`), kafka.group(`${prefix}-orders-test`), kafka.group(`${prefix}-email`)];
    const admin = newAdmin();
    const p = producer();
    const monitorAdmin = kafkaAdmin();
    try {
      await produceEach(p, topic, 1, 3);
      for (const g of [keep, drop, other]) await commit(admin, g, topic, [1]);
      const monitor = new LagMonitor({ admin: monitorAdmin, store: new InMemoryLagStateStore(), emfSink: null }, { include: [`${prefix}-orders*`], exclude: ['*-orders-test-*'] });
      const { summary } = await monitor.runCycle();
      expect(summary.groups.map((g) => g.groupId)).toEqual([keep]);
    } finally {
      await p.close();
      await admin.close();
      await monitorAdmin.close();
    }
  });
});
