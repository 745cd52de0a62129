import { Admin, FindCoordinatorKeyTypes, Producer, stringSerializers } from '@platformatic/kafka';
import { KafkaAdmin } from '../../../shared/kafka/index.ts';
import { KafkaCluster } from '../../../local/kafka/index.ts';
import { InMemoryLagStateStore, LagMonitor } from '../../../shared/lag/index.ts';
import { freshName } from '../support/kafka.ts';

// A broker dies: the cycle still completes, groups and partitions it served carry an
// error, the rest is exact, and MonitorErrors says so. Runs on its own 3-node cluster.
describe('a broker down', () => {
  let cluster: KafkaCluster;

  beforeAll(async () => {
    // Node 3 stays unfenced for the whole test: its groups keep their unreachable coordinator
    // (with the 4 s default, a slow cycle saw the coordinator already moved and the group fine).
    cluster = await KafkaCluster.start({ nodes: 3, brokerProperties: { 'broker.session.timeout.ms': '60000' } });
  }, 180_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('gives partial results with per-group errors instead of failing the cycle', async () => {
    const setup = new Admin({ clientId: freshName('faults-setup'), bootstrapBrokers: cluster.brokers });
    const producer = new Producer({ clientId: freshName('faults-producer'), bootstrapBrokers: cluster.brokers, serializers: stringSerializers });
    const topic = freshName('faults');
    // One replica per partition, one partition per broker: partition 2 lives on node 3 only
    // (partitions and replicas left unset: Kafka wants -1 with manual assignments).
    await setup.createTopics({ topics: [topic], assignments: [0, 1, 2].map((partition) => ({ partition, brokers: [partition + 1] })) });
    await producer.send({ messages: [0, 1, 2].flatMap((partition) => Array.from({ length: 10 }, (_, i) => ({ topic, partition, value: `v${i}` }))) });

    // A group coordinated by a surviving node, and one coordinated by node 3.
    const candidates = Array.from({ length: 60 }, (_, i) => `${topic}-g${i}`);
    const coordinators = await setup.findCoordinator({ keyType: FindCoordinatorKeyTypes.GROUP, keys: candidates });
    const healthy = coordinators.find((c) => c.nodeId !== 3)!.key;
    const orphaned = coordinators.find((c) => c.nodeId === 3)!.key;
    for (const groupId of [healthy, orphaned]) {
      await setup.alterConsumerGroupOffsets({ groupId, topics: [{ name: topic, partitionOffsets: [0, 1, 2].map((partition) => ({ partition, offset: 4n })) }] });
    }
    await producer.close();
    await setup.close();

    const admin = new KafkaAdmin({ clientId: freshName('faults-monitor'), bootstrapBrokers: cluster.brokers, retries: 1, retryDelayMs: 100, requestTimeoutMs: 3_000, connectTimeoutMs: 1_000 });
    const emf: string[] = [];
    try {
      const monitor = new LagMonitor({ admin, store: new InMemoryLagStateStore(), emfSink: (l) => emf.push(l) }, { include: [`${topic}-g*`] });
      // A healthy cycle first: the groups it saw are remembered in the state index.
      expect((await monitor.runCycle()).summary.errors).toEqual([]);
      emf.length = 0;

      await cluster.killNode(3);
      const { summary } = await monitor.runCycle();
      // ListGroups (every broker) failed; the listing fell back to the brokers that answer
      // plus the groups known from the previous cycle.
      expect(summary.errors.join('\n')).toMatch(/ListGroups to broker 3 .* failed/);
      expect(summary.groups.map((g) => g.groupId).sort()).toEqual([healthy, orphaned].sort());

      const good = summary.groups.find((g) => g.groupId === healthy)!;
      expect(good.evaluated).toBe(true);
      expect(good.partitions!.slice(0, 2).map((p) => [p.lag, p.offsetStatus])).toEqual([
        ['6', 'COMMITTED'],
        ['6', 'COMMITTED'],
      ]);
      expect(good.partitions![2]).toMatchObject({ lag: null, offsetStatus: 'LOG_OFFSETS_UNAVAILABLE' });
      expect(good.errors.join('\n')).toMatch(/leader broker 3|no leader/);

      // Until the controller fences node 3 (a minute here), its groups have no reachable coordinator.
      const bad = summary.groups.find((g) => g.groupId === orphaned)!;
      expect(bad.evaluated).toBe(false);
      expect(bad.errors.join('\n')).toMatch(/coordinator/);

      const total = emf.map((l) => JSON.parse(l) as Record<string, unknown>).find((d) => !('ConsumerGroup' in d))!;
      expect(total.MonitorErrors).toBeGreaterThanOrEqual(2);
    } finally {
      await admin.close();
    }
  });
});
