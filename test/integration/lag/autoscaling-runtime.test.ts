import { randomUUID } from 'node:crypto';
import { LambdaEventSourceMappings } from '../../../shared/aws/index.ts';
import { KafkaAdmin } from '../../../shared/kafka/index.ts';
import { LocalRuntime } from '../../../local/esm/index.ts';
import { InMemoryLagStateStore, LagMonitor } from '../../../shared/lag/index.ts';
import { bootstrapServers, kafkaTestResources } from '../support/kafka.ts';
import { eventually, produce, recordingFunction, sinkFile } from '../esm/support.ts';

describe('lag-driven poller scaling against the local runtime', () => {
  const kafka = kafkaTestResources();

  it('raises pollers while lag is high, within the policy, and lowers them after the cooldown once lag drains', async () => {
    const topic = await kafka.topic({ partitions: 3 });
    const group = kafka.group();
    const sink = sinkFile();
    const uuid = randomUUID();
    const runtime = await LocalRuntime.start({
      bootstrapServers: bootstrapServers().join(','),
      transitionDelayMs: 0,
      // A slow function: 20 records per 200 ms per poller, so lag builds up.
      functions: [recordingFunction('slow', { SINK_FILE: sink.path, SLOW_MS: '200' })],
      mappings: [{ uuid, functionName: 'slow', topics: [topic], consumerGroupId: group, source: { kind: 'self-managed' }, batchSize: 20, maximumBatchingWindowInSeconds: 0, provisionedPollerConfig: { minimumPollers: 1, maximumPollers: 5 } }],
    });
    const lambda = new LambdaEventSourceMappings({ endpoint: runtime.endpoint });
    const admin = new KafkaAdmin({ clientId: 'autoscaling-test', bootstrapBrokers: bootstrapServers() });
    let now = Date.now();
    const monitor = new LagMonitor(
      { admin, store: new InMemoryLagStateStore(), lambda, clock: () => now, emfSink: null },
      { include: [group], autoscaling: { [group]: { scaleUpLag: 200n, scaleDownLag: 10n, minPollers: 1, maxPollers: 5, cooldownSeconds: 120, step: 1 } } },
    );
    const pollers = (): number => runtime.mapping(uuid).pollers.length;
    try {
      await produce(topic, 3_000);
      await eventually('the group committed something', async () => runtime.mapping(uuid).counters.committedEventCount > 0);

      // Lag is far above scaleUpLag: one step per cycle, each after the cooldown.
      await monitor.runCycle();
      await runtime.mapping(uuid).settled();
      expect(pollers()).toBe(2);
      now += 30_000; // within the cooldown: no change
      await monitor.runCycle();
      await runtime.mapping(uuid).settled();
      expect(pollers()).toBe(2);
      now += 120_000;
      await monitor.runCycle();
      await runtime.mapping(uuid).settled();
      expect(pollers()).toBe(3);
      now += 120_000;
      await monitor.runCycle();
      await runtime.mapping(uuid).settled();
      expect(pollers()).toBe(3); // never above the partition count, though maxPollers is 5

      await eventually(
        'lag drained',
        async () => {
          const [offsets] = await admin.listConsumerGroupOffsets({ groups: [group] });
          return (offsets?.topics[0]?.partitions ?? []).reduce((sum, p) => sum + p.committedOffset, 0n) === 3_000n;
        },
        90_000,
      );
      now += 120_000;
      await monitor.runCycle();
      await runtime.mapping(uuid).settled();
      expect(pollers()).toBe(2);
      now += 120_000;
      await monitor.runCycle();
      await runtime.mapping(uuid).settled();
      expect(pollers()).toBe(1);
      now += 120_000;
      await monitor.runCycle();
      await runtime.mapping(uuid).settled();
      expect(pollers()).toBe(1); // never below minPollers
    } finally {
      await admin.close();
      await runtime.stop();
      sink.cleanup();
    }
  });
});
