// npm run bench -- runtime [records]
// Records per second delivered by the local event-source runtime to a no-op function, against a
// raw @platformatic/kafka consumer reading the same topic in the same run (1 KB records, 6
// partitions), and the runtime's batch latency (build event → invoke → commit) p50/p99.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Admin, Consumer, Producer } from '@platformatic/kafka';
import { KafkaCluster } from '../local/kafka/index.ts';
import { LocalRuntime } from '../local/esm/index.ts';

const NOOP = fileURLToPath(new URL('./fixtures/noop-handler.ts', import.meta.url));
const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

export async function run(args: string[]): Promise<void> {
  const total = Number(args[0] ?? 100_000);
  const kafka = await KafkaCluster.start({ nodes: 1, heapMb: 1024 });
  const brokers = kafka.brokers;
  const topic = `bench-runtime-${randomUUID().slice(0, 8)}`;
  try {
    const admin = new Admin({ clientId: 'bench-admin', bootstrapBrokers: brokers });
    await admin.createTopics({ topics: [topic], partitions: 6, replicas: 1 });
    await admin.close();

    const producer = new Producer({ clientId: 'bench-producer', bootstrapBrokers: brokers });
    const value = Buffer.alloc(1024, 'x');
    for (let sent = 0; sent < total; sent += 2_000) {
      await producer.send({ messages: Array.from({ length: Math.min(2_000, total - sent) }, (_, i) => ({ topic, key: Buffer.from(`k${sent + i}`), value })) });
    }
    await producer.close();
    console.log(`produced ${total} records of 1 KB to ${topic} (6 partitions)`);

    // Baseline: a raw consumer in the same process, no invocation, no commits per batch.
    const consumer = new Consumer({ groupId: `bench-raw-${randomUUID()}`, clientId: 'bench-raw', bootstrapBrokers: brokers });
    const rawStart = performance.now();
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false, maxWaitTime: 250 });
    let seen = 0;
    for await (const _message of stream) {
      if (++seen === total) break;
    }
    const rawMs = performance.now() - rawStart;
    await stream.close();
    await consumer.close(true);
    const rawRate = total / (rawMs / 1000);

    const latencies: number[] = [];
    let delivered = 0;
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    const runtimeStart = performance.now();
    const runtime = await LocalRuntime.start({
      bootstrapServers: brokers.join(','),
      functions: [{ functionName: 'noop', functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:noop', modulePath: NOOP, handlerName: 'handler', timeoutSeconds: 60, memoryMb: 1024, environment: {} }],
      mappings: [{ uuid: randomUUID(), functionName: 'noop', topics: [topic], consumerGroupId: `bench-esm-${randomUUID()}`, source: { kind: 'self-managed' }, batchSize: 1_000, maximumBatchingWindowInSeconds: 0 }],
      onInvocation: (i) => {
        latencies.push(i.latencyMs);
        delivered += i.records;
        if (delivered >= total) done();
      },
    });
    await finished;
    const runtimeMs = performance.now() - runtimeStart;
    await runtime.stop();
    const runtimeRate = total / (runtimeMs / 1000);
    const ratio = runtimeRate / rawRate;

    console.log(`\n${'consumer'.padEnd(44)} ${'records/s'.padStart(10)} ${'wall ms'.padStart(9)}`);
    console.log(`${'raw @platformatic/kafka consumer (baseline)'.padEnd(44)} ${rawRate.toFixed(0).padStart(10)} ${rawMs.toFixed(0).padStart(9)}`);
    console.log(`${'local ESM runtime → no-op function'.padEnd(44)} ${runtimeRate.toFixed(0).padStart(10)} ${runtimeMs.toFixed(0).padStart(9)}`);
    console.log(`\nruntime / raw: ${(ratio * 100).toFixed(1)}%  (target ≥ 80%): ${ratio >= 0.8 ? 'PASS' : 'FAIL'}`);
    console.log(`batch latency over ${latencies.length} invocations of ≤1,000 records (event build → invoke → commit): p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`);
    console.log('includes: group join, worker-thread cold start, per-batch commit; raw consumer does no commits.');
  } finally {
    await kafka.stop();
  }
}
