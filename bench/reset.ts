// Offset reset of a group over 1,000 partitions (10 topics × 100) on a real local broker:
// Kafka requests and wall time of our plan + write (execute with pause: false, so no
// mapping waits), beside two naive baselines measured in the same run: one ListOffsets
// and one offset commit per partition (a loop over partitions), and the same per topic.
// Every approach resets the group to the earliest offsets from the same starting point.
//   npm run bench -- reset [--topics 10] [--partitions 100] [--runs 3] [--bootstrap-servers H:P]
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Admin, Producer, stringSerializers } from '@platformatic/kafka';
import { KafkaAdmin } from '../shared/kafka/index.ts';
import { KafkaCluster } from '../local/kafka/index.ts';
import { parseResetInput, planReset, runReset, writeOffsets, type ResetAdmin } from '../shared/offset-reset/index.ts';


interface Measure {
  readonly name: string;
  readonly adminCalls: number;
  readonly requests: Map<string, number>;
  readonly wallMs: number;
}

/** Counts every request the admin client puts on the wire, by API, while `work` runs. */
async function measure(name: string, brokers: string[], work: (admin: ResetAdmin) => Promise<void>): Promise<Measure> {
  const requests = new Map<string, number>();
  // A fresh client per run: connection setup (ApiVersions, Metadata) is counted for all alike.
  const admin = new KafkaAdmin({ clientId: `bench-${name}`, bootstrapBrokers: brokers });
  const unsubscribe = admin.onRequest((event) => void requests.set(event.api, (requests.get(event.api) ?? 0) + 1));
  let adminCalls = 0;
  const counted = new Proxy(admin, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        adminCalls++;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as unknown as ResetAdmin;
  const start = performance.now();
  try {
    await work(counted);
  } finally {
    unsubscribe();
    await admin.close();
  }
  return { name, adminCalls, requests, wallMs: performance.now() - start };
}

const total = (m: Measure): number => [...m.requests.values()].reduce((a, b) => a + b, 0);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: { topics: { type: 'string' }, partitions: { type: 'string' }, runs: { type: 'string' }, 'bootstrap-servers': { type: 'string' } },
  });
  const topicCount = Number(values.topics ?? 10);
  const partitionCount = Number(values.partitions ?? 100);
  const runs = Number(values.runs ?? 3);
  const cluster = values['bootstrap-servers'] ? undefined : await KafkaCluster.start({ nodes: 1 });
  const brokers = (values['bootstrap-servers'] ?? cluster!.bootstrapServers).split(',');
  const setup = new Admin({ clientId: 'bench-setup', bootstrapBrokers: brokers });
  try {
    const prefix = `bench-reset-${Date.now().toString(36)}`;
    const topics = Array.from({ length: topicCount }, (_, i) => `${prefix}-${i}`);
    const group = `${prefix}-group`;
    await setup.createTopics({ topics, partitions: partitionCount, replicas: 1 });
    // 1,000 new partitions take the broker a while to lead; wait until all answer ListOffsets.
    for (let attempt = 1; ; attempt++) {
      try {
        await setup.listOffsets({ topics: topics.map((name) => ({ name, partitions: Array.from({ length: partitionCount }, (_, partitionIndex) => ({ partitionIndex, timestamp: -1n })) })) });
        break;
      } catch (error) {
        if (attempt === 60) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
    const producer = new Producer({ clientId: 'bench-producer', bootstrapBrokers: brokers, serializers: stringSerializers });
    try {
      for (const topic of topics) {
        await producer.send({ messages: Array.from({ length: partitionCount * 5 }, (_, i) => ({ topic, partition: i % partitionCount, key: `k${i}`, value: `v${i}` })) });
      }
    } finally {
      await producer.close();
    }
    const partitions = topics.flatMap((topic) => Array.from({ length: partitionCount }, (_, partition) => ({ topic, partition })));
    // Every run starts from the group at the log end (5), and resets it to the earliest (0).
    const rewind = async (): Promise<void> => {
      await setup.alterConsumerGroupOffsets({ groupId: group, topics: topics.map((name) => ({ name, partitionOffsets: partitions.filter((p) => p.topic === name).map((p) => ({ partition: p.partition, offset: 5n })) })) });
    };
    const check = async (name: string): Promise<void> => {
      const [offsets] = await setup.listConsumerGroupOffsets({ groups: [group] });
      const atZero = offsets!.topics.flatMap((t) => t.partitions).filter((p) => p.committedOffset === 0n).length;
      if (atZero !== partitions.length) throw new Error(`${name}: ${atZero} of ${partitions.length} partitions at the earliest offset`);
    };

    const approaches: [string, (admin: ResetAdmin) => Promise<void>][] = [
      [
        'ours: plan + write + verify (runReset, execute, pause: false)',
        async (admin) => {
          const input = parseResetInput({ groupId: group, allTopics: true, strategy: 'earliest', execute: true, pause: false, reason: 'bench' });
          const result = await runReset(input, { admin });
          if (result.outcome !== 'SUCCEEDED') throw new Error(result.summary);
        },
      ],
      [
        '  of which: plan alone (a dry run)',
        async (admin) => {
          await planReset(admin, parseResetInput({ groupId: group, allTopics: true, strategy: 'earliest' }));
        },
      ],
      [
        '  of which: write + read-back alone (writeOffsets)',
        async (admin) => {
          const report = await writeOffsets(admin, group, partitions.map((p) => ({ ...p, offset: 0n })));
          if (report.written.length !== partitions.length) throw new Error('write incomplete');
        },
      ],
      [
        'baseline: per partition (ListOffsets + commit each)',
        async (admin) => {
          for (const p of partitions) {
            const [listed] = await admin.listOffsets({ topics: [{ name: p.topic, partitions: [{ partitionIndex: p.partition, timestamp: -2n }] }] });
            const offset = listed!.partitions[0]!.offset;
            await admin.alterConsumerGroupOffsets({ groupId: group, topics: [{ name: p.topic, partitionOffsets: [{ partition: p.partition, offset }] }] });
          }
        },
      ],
      [
        'baseline: per topic (ListOffsets + commit each)',
        async (admin) => {
          for (const topic of topics) {
            const own = partitions.filter((p) => p.topic === topic);
            const [listed] = await admin.listOffsets({ topics: [{ name: topic, partitions: own.map((p) => ({ partitionIndex: p.partition, timestamp: -2n })) }] });
            await admin.alterConsumerGroupOffsets({
              groupId: group,
              topics: [{ name: topic, partitionOffsets: listed!.partitions.map((x) => ({ partition: x.partitionIndex, offset: x.offset })) }],
            });
          }
        },
      ],
    ];

    console.log(`group over ${partitions.length} partitions (${topicCount} topics × ${partitionCount}), 1 local broker; median wall time of ${runs} runs after a warm-up; Node ${process.version}`);
    console.log('ours = a plan before pausing (so a doomed reset never pauses consumers), the Empty check, the plan, one write, one read-back');
    // One warm-up round (JIT, broker caches), then the runs interleaved so that no approach
    // gets a warmer broker than another.
    const samples: Measure[][] = approaches.map(() => []);
    for (let round = 0; round <= runs; round++) {
      for (const [i, [name, work]] of approaches.entries()) {
        await rewind();
        const m = await measure(name, brokers, work);
        if (!name.includes('plan alone')) await check(name);
        if (round > 0) samples[i]!.push(m);
      }
    }
    const results: Measure[] = samples.map((list) => ({ ...list[0]!, wallMs: median(list.map((m) => m.wallMs)) }));
    const ours = results[0]!;
    console.log(`\n  ${'approach'.padEnd(62)} ${'admin calls'.padStart(11)} ${'Kafka requests'.padStart(14)} ${'wall ms'.padStart(9)}   vs ours`);
    for (const r of results) {
      const versus = r === ours || r.name.startsWith('  ') ? '' : `${(r.wallMs / ours.wallMs).toFixed(1)}× time, ${(total(r) / total(ours)).toFixed(0)}× requests`;
      console.log(`  ${r.name.padEnd(62)} ${String(r.adminCalls).padStart(11)} ${String(total(r)).padStart(14)} ${r.wallMs.toFixed(0).padStart(9)}   ${versus}`);
    }
    console.log('\n  Kafka requests by API:');
    for (const r of results) {
      console.log(`  ${r.name.slice(0, 40).padEnd(40)} ${[...r.requests].sort().map(([api, n]) => `${api} ${n}`).join(', ')}`);
    }
    await setup.deleteGroups({ groups: [group] }).catch(() => undefined);
    await setup.deleteTopics({ topics });
  } finally {
    await setup.close();
    await cluster?.stop();
  }
}
