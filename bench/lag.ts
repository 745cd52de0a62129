// `npm run bench -- lag [--groups N] [--topics N] [--partitions N] [--runs N] [--warmup N] [--rtt 0,1,2|none] [--rtt-runs N]`
//
// One lag monitor cycle over 200 groups × 50 topics × 12 partitions on a local 1-node
// Kafka, against, in the same run and on the same data:
//   (a) the kafkajs way: listGroups, then one admin.fetchOffsets per group and one
//       admin.fetchTopicOffsets per topic (sequential, as in a monitoring loop, and all
//       at once with Promise.all, the stronger baseline);
//   (b) Apache Kafka's kafka-consumer-groups.sh --describe --all-groups, from the same
//       jars as the broker, with and without JVM start (the same class run with --version).
// Every approach's total lag is printed too: they must agree, or the timing means nothing.
// The monitor asks Metadata for the topics it knows every 5 minutes (topicRefreshMs), so its
// timed cycles here send none; the same monitor refreshing every cycle is measured after.
//
// On loopback a request costs ~0.1 ms, so sending 50× more requests is nearly free; a
// Lambda function talking to MSK pays a network round trip per request (~0.5 ms in one AZ,
// 1–2 ms across AZs). So ours and (a) are measured again behind a TCP proxy that adds each
// `--rtt` (bench/support/latency-proxy.ts; the kernel here has no netem), on a second
// broker listener advertised on the proxy's port: clients bootstrapping through the proxy
// stay behind it, clients of the loopback listener never see it. RTT 0 goes through the
// proxy without delay: the proxy's own cost, apart from the RTT.
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Admin, Producer, stringSerializers } from '@platformatic/kafka';
import kafkajs from 'kafkajs';
import { KafkaCluster, resolveKafkaDistribution } from '../local/kafka/index.ts';
import { mapWithConcurrency } from '../shared/lag/batching.ts';
import { KafkaAdmin } from '../shared/kafka/index.ts';
import { InMemoryLagStateStore, KafkaRequestCounter, LagMonitor, collectLag, publishLagMetrics } from '../shared/lag/index.ts';
import type { GroupEvaluation, LagMonitorOptions } from '../shared/lag/index.ts';
import { LatencyProxyThread } from './support/latency-proxy.ts';
import { type RttPhase, pairedRatioText, printRttPhase, printTargetMatrix } from './support/rtt-report.ts';
import { calibrateRtt } from './support/rtt-probe.ts';

const TARGET_VS_KAFKAJS = 10;

interface Measure {
  coldMs: number;
  warmMs: number;
  /** Every timed run, in round order: run i of every approach ran in the same round. */
  warmRuns: number[];
  requests: number;
  totalLag: bigint;
  emfDocuments?: number;
}

/** One way of computing the lag of every group; `cycle` returns the total lag and the requests it sent. */
interface Approach {
  readonly name: string;
  open(): Promise<void>;
  cycle(): Promise<{ totalLag: bigint; requests: number; emfDocuments?: number }>;
  close(): Promise<void>;
}

/** Untimed rounds for the new clients of a later phase, on a warm broker (see the proxy phases). */
const NEW_CLIENT_WARMUP = 10;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

/**
 * Cold: open + first cycle of each approach. Then `warmup` untimed rounds: the broker's JVM
 * compiles its request paths only after they have run a while (and so does this process's
 * V8), and a production broker has been up for weeks. Seen in this bench (--warmup 300),
 * medians per 25 rounds, ours: 20.4, 13.1, 11.2, 10.1 ms, then 8.2–10.1 ms from round 100
 * on; (a) sequential: 158, 118, 118, 114 ms, then 96–120 ms. So (a) / ours per block was
 * 7.8×, 9.0×, 10.5×, 11.3×, then 11.4–12.5×: timed rounds before ~round 100 measure the
 * warm-up, and the former default of 40 rounds timed the third block. 150 rounds leave a
 * margin (~60 s on a 2-vCPU machine).
 * Warm: `runs` timed rounds in which every approach runs one cycle, in rotating order, so
 * that broker load and machine noise hit all alike. Cycle times spread by ±30% around
 * their median (round by round, (a) / ours has p25–p75 of ±12%), so the median needs
 * ~40 rounds to move less than the noise between runs.
 */
async function measureAll(approaches: Approach[], runs: number, warmup: number): Promise<Measure[]> {
  const cold: number[] = [];
  for (const a of approaches) {
    const started = performance.now();
    await a.open();
    await a.cycle();
    cold.push(performance.now() - started);
  }
  for (let round = 0; round < warmup; round++) {
    for (let k = 0; k < approaches.length; k++) await approaches[(k + round) % approaches.length]!.cycle();
  }
  const warm = approaches.map(() => [] as number[]);
  const last: Array<{ totalLag: bigint; requests: number; emfDocuments?: number }> = approaches.map(() => ({ totalLag: 0n, requests: 0 }));
  for (let round = 0; round < runs; round++) {
    for (let k = 0; k < approaches.length; k++) {
      const i = (k + round) % approaches.length;
      const started = performance.now();
      last[i] = await approaches[i]!.cycle();
      warm[i]!.push(performance.now() - started);
    }
  }
  for (const a of approaches) await a.close();
  return approaches.map((_, i) => ({ coldMs: cold[i]!, warmMs: median(warm[i]!), warmRuns: warm[i]!, ...last[i]! }));
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      groups: { type: 'string', default: '200' },
      topics: { type: 'string', default: '50' },
      partitions: { type: 'string', default: '12' },
      // Timed rounds (see measureAll for why ~40).
      runs: { type: 'string', default: '41' },
      // Untimed rounds before the timed ones (JVM warm-up of the broker, see measureAll); 0 to see a cold broker.
      warmup: { type: 'string', default: '150' },
      // 0: through the proxy without delay, to show what the proxy's own hop costs.
      rtt: { type: 'string', default: '0,1,2' },
      // Timed rounds of the phases with a delay (a round of (a) takes seconds there); the
      // no-delay phase runs --runs.
      'rtt-runs': { type: 'string', default: '7' },
    },
  });
  const groupCount = Number(values.groups);
  const topicCount = Number(values.topics);
  const partitions = Number(values.partitions);
  const runs = Number(values.runs);
  const warmup = Number(values.warmup);
  if (!Number.isInteger(warmup) || warmup < 0) throw new Error(`--warmup: expected a whole number of rounds, got ${values.warmup}`);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: expected a whole number of rounds from 1, got ${values.runs}`);
  const rttRuns = Number(values['rtt-runs']);
  const rtts = values.rtt === 'none' ? [] : values.rtt.split(',').map(Number);
  if (rtts.some((ms) => !Number.isFinite(ms) || ms < 0 || ms > 50)) throw new Error(`--rtt: expected "none" or round-trip times in ms from 0 to 50, e.g. 0,1,2; got ${values.rtt}`);
  const log = (line: string): void => console.log(line);

  // The proxy starts first: the broker must know its port to advertise it.
  const proxy = rtts.length > 0 ? await LatencyProxyThread.start(1) : undefined;
  let cluster: KafkaCluster | undefined;
  // Ctrl-C: stop the broker and the proxy instead of leaving them to the exit hooks.
  const onSigint = (): void => {
    log('interrupted: stopping the broker and the latency proxy');
    void Promise.allSettled([cluster?.stop(), proxy?.close()]).then(() => process.exit(130));
  };
  process.once('SIGINT', onSigint);
  try {
    cluster = await KafkaCluster.start({ nodes: 1, ...(proxy ? { extraListeners: [{ name: 'DELAYED', advertisedPort: (id: number) => proxy.ports[id - 1]! }] } : {}) });
    if (proxy) await proxy.route(cluster.listenerPorts('DELAYED').map((l) => ({ host: '127.0.0.1', port: l.port })));
    const lastGroups: { value: readonly GroupEvaluation[] } = { value: [] };
    // One state table for every phase, as a deployed monitor keeps its state between
    // invocations: the later phases evaluate full Burrow windows and sample tables too,
    // not the short ones of a monitor that has just started.
    const state = new InMemoryLagStateStore();
    const setupStarted = performance.now();
    const { topics, groups } = await setup(cluster.brokers, groupCount, topicCount, partitions);
    log(`setup: ${topicCount} topics × ${partitions} partitions, ${groupCount} groups with committed offsets (${Math.round(performance.now() - setupStarted)} ms)`);
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // let the broker settle after the burst of writes

    const [ours, collectOnly, sequential, concurrent] = (await measureAll(
      [oursApproach(cluster.brokers, lastGroups, state), collectOnlyApproach(cluster.brokers), kafkajsApproach(cluster.brokers, false), kafkajsApproach(cluster.brokers, true)],
      runs,
      warmup,
    )) as [Measure, Measure, Measure, Measure];
    // The monitor asks Metadata for the topics it knows every `topicRefreshMs` (5 minutes by
    // default), so the timed cycles above send none. The same monitor refreshing every
    // cycle, with its own state, against (a) sequential in the same rounds: what that costs.
    // Apart, so that the target's rounds hold exactly the approaches it names.
    const [refreshing, refreshingVs] = (await measureAll(
      [oursApproach(cluster.brokers, { value: [] }, new InMemoryLagStateStore(), { topicRefreshMs: 0 }), kafkajsApproach(cluster.brokers, false)],
      runs,
      // The broker is warm by now; a few rounds warm the new clients.
      Math.min(warmup, 5),
    )) as [Measure, Measure];
    const publishMs = measurePublishing(lastGroups.value, runs);
    const tool = await measureConsumerGroupsCommand(cluster.bootstrapServers, Math.min(runs, 3));

    const fmt = (n: number): string => n.toFixed(0).padStart(9);
    const row = (name: string, cold: number | string, warm: number | string, requests: number | string, lag: bigint | string): string =>
      `${name.padEnd(58)}${typeof cold === 'number' ? fmt(cold) : cold.padStart(9)}${typeof warm === 'number' ? fmt(warm) : warm.padStart(11)}${String(requests).padStart(10)}${String(lag).padStart(12)}`;
    log('');
    log('== loopback (no added delay: a Kafka request costs what the client and broker spend on it) ==');
    log(`${'approach'.padEnd(58)}${'cold ms'.padStart(9)}${'warm ms'.padStart(11)}${'requests'.padStart(10)}${'total lag'.padStart(12)}`);
    log(row('ours: LagMonitor.runCycle (full cycle, in-memory state)', ours.coldMs, ours.warmMs, ours.requests, ours.totalLag));
    log(row('ours: the same, Metadata every cycle (measured after)', refreshing.coldMs, refreshing.warmMs, refreshing.requests, refreshing.totalLag));
    log(row('ours: collectLag + partition lag only (what (a) computes)', collectOnly.coldMs, collectOnly.warmMs, collectOnly.requests, collectOnly.totalLag));
    log(row('(a) kafkajs, sequential', sequential.coldMs, sequential.warmMs, sequential.requests, sequential.totalLag));
    log(row('(a) kafkajs, concurrent (Promise.all)', concurrent.coldMs, concurrent.warmMs, concurrent.requests, concurrent.totalLag));
    log(row('(b) kafka-consumer-groups.sh --describe --all-groups', tool.totalMs, '-', 'n/a', tool.totalLag));
    log(row('    JVM start (same class, --version)', tool.jvmMs, '-', '-', '-'));
    log(row('    without JVM start', tool.totalMs - tool.jvmMs, '-', 'n/a', '-'));
    log('');
    log(`cold = first cycle of a new client (connections included); warm = median of ${runs} timed runs on the same client, after ${warmup} untimed rounds of every approach (broker JVM warm-up; --warmup 0 to skip).`);
    log(`The full cycle also evaluates Burrow statuses, time lag, hot partitions and rebalances, and writes ${ours.emfDocuments} EMF documents (discarded).`);
    log(`EMF publishing alone (publishLagMetrics on the same ${ours.emfDocuments} documents, CPU only, median): ${publishMs.toFixed(1)} ms of the full cycle's ${ours.warmMs.toFixed(0)} ms.`);
    log('requests: Kafka requests of one warm cycle (ours: the client\'s diagnostics channel, every frame sent;');
    log('kafkajs: its admin.network.request events). The Java tool\'s requests are not observable from here.');

    const agree = [collectOnly, sequential, concurrent, refreshing, refreshingVs].every((m) => m.totalLag === ours.totalLag) && tool.totalLag === ours.totalLag;
    const verdict = (ok: boolean): string => (ok ? 'PASS' : 'FAIL');
    // `ok` undefined: a comparison beyond the issue's targets, shown for information.
    const line = (label: string, ratio: number, ok?: boolean): string => `  ${`${label}: ${ratio.toFixed(1)}×`.padEnd(76, '.')} ${ok === undefined ? 'info' : verdict(ok)}`;
    const vsSequential = sequential.warmMs / ours.warmMs;
    const vsConcurrent = concurrent.warmMs / ours.warmMs;
    const collectVsConcurrent = concurrent.warmMs / collectOnly.warmMs;
    const collectVsSequential = sequential.warmMs / collectOnly.warmMs;
    const vsTool = (tool.totalMs - tool.jvmMs) / ours.coldMs;
    log('');
    log('targets (computed from this run):');
    log(`  ${'all approaches report the same total lag'.padEnd(76, '.')} ${verdict(agree)}`);
    log(line(`≥ ${TARGET_VS_KAFKAJS}× faster than (a) the kafkajs way (one call per group/topic), warm`, vsSequential, vsSequential >= TARGET_VS_KAFKAJS));
    log(line(`  same, collection only`, collectVsSequential, collectVsSequential >= TARGET_VS_KAFKAJS));
    log(`    (a) sequential / ours full cycle, ${pairedRatioText(sequential, ours)}`);
    log(line(`  same, topic Metadata every cycle (SCG_LAG_TOPIC_REFRESH_SECONDS=0; (a) ${refreshingVs.warmMs.toFixed(0)} ms in those rounds)`, refreshingVs.warmMs / refreshing.warmMs));
    log(line('compared with (a) run all at once (Promise.all, a stronger baseline than the target names), warm', vsConcurrent));
    log(line(`  same, collection only`, collectVsConcurrent));
    log(line('faster than (b) without JVM start (ours cold)', vsTool, vsTool > 1));
    log(line('faster than (b) with JVM start (ours cold)', tool.totalMs / ours.coldMs, tool.totalMs > ours.coldMs));
    log(`  requests per cycle: ours ${ours.requests}, (a) ${sequential.requests}`);
    log(`topics: ${topics.length}, groups: ${groups.length}`);

    const phases: RttPhase[] = [{ label: 'loopback', ours, collectOnly, sequential, concurrent, publishMs }];
    if (proxy) {
      const proxied = proxy.ports.map((port) => `127.0.0.1:${port}`);
      for (const targetMs of rtts) {
        const calibration = await calibrateRtt(proxy, targetMs, cluster.brokers[0]!, proxied[0]!);
        const [o, c, s, k] = (await measureAll(
          [oursApproach(proxied, lastGroups, state), collectOnlyApproach(proxied), kafkajsApproach(proxied, false), kafkajsApproach(proxied, true)],
          // Without delay a round costs what a loopback round does: as many rounds as there,
          // since a median of --rtt-runs (7) moves by ±15% between runs at these cycle times.
          targetMs === 0 ? runs : rttRuns,
          // The broker is warm by now; the rounds warm the new clients and the proxy. Without
          // delay a round is fast, and a new monitor's first cycles are slow (seen after 2
          // rounds: 20.6, 13.4, 15.0 ms, then ~9 ms): 10 there, 2 where (a) takes seconds.
          Math.min(warmup, targetMs === 0 ? NEW_CLIENT_WARMUP : 2),
        )) as [Measure, Measure, Measure, Measure];
        const phase: RttPhase = { label: targetMs === 0 ? 'proxy, no delay' : `RTT ${targetMs} ms`, calibration, ours: o, collectOnly: c, sequential: s, concurrent: k, publishMs };
        phases.push(phase);
        printRttPhase(phase, log, TARGET_VS_KAFKAJS, ours.totalLag);
      }
      await proxy.setRttMs(0);
      // Loopback once more, last, with new clients: the same figure after the broker served
      // the RTT runs, to show how much it moves within one run.
      const [o, c, s, k] = (await measureAll(
        [oursApproach(cluster.brokers, lastGroups, state), collectOnlyApproach(cluster.brokers), kafkajsApproach(cluster.brokers, false), kafkajsApproach(cluster.brokers, true)],
        runs,
        Math.min(warmup, NEW_CLIENT_WARMUP),
      )) as [Measure, Measure, Measure, Measure];
      const again: RttPhase = { label: 'loopback, last', ours: o, collectOnly: c, sequential: s, concurrent: k, publishMs };
      phases.push(again);
      printRttPhase(again, log, TARGET_VS_KAFKAJS, ours.totalLag);
    }
    printTargetMatrix(phases, log, TARGET_VS_KAFKAJS);
  } finally {
    process.off('SIGINT', onSigint);
    try {
      await cluster?.stop();
    } finally {
      await proxy?.close();
    }
  }
}

/** Median time of publishing one cycle's EMF documents (serialized by Powertools, discarded). */
function measurePublishing(groups: readonly GroupEvaluation[], runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    const started = performance.now();
    publishLagMetrics(groups, [], [], { timestampMs: Date.now(), sink: () => undefined });
    if (i >= 2) times.push(performance.now() - started);
  }
  return median(times);
}

/** One createTopics call, one produce call, one alterConsumerGroupOffsets per group (20 in flight). */
async function setup(brokers: string[], groupCount: number, topicCount: number, partitions: number): Promise<{ topics: string[]; groups: string[] }> {
  const admin = new Admin({ clientId: 'bench-setup', bootstrapBrokers: brokers });
  const producer = new Producer({ clientId: 'bench-producer', bootstrapBrokers: brokers, serializers: stringSerializers });
  const topics = Array.from({ length: topicCount }, (_, i) => `bench-topic-${String(i).padStart(3, '0')}`);
  const groups = Array.from({ length: groupCount }, (_, i) => `bench-group-${String(i).padStart(4, '0')}`);
  try {
    await admin.createTopics({ topics, partitions, replicas: 1 });
    const records = 20;
    // Leaders of freshly created partitions take a moment to be elected: retry the produce.
    await retry(() => producer.send({
      messages: topics.flatMap((topic) => Array.from({ length: partitions * records }, (_, i) => ({ topic, partition: i % partitions, value: 'x' }))),
    }));
    await mapWithConcurrency(groups, 20, async (groupId, g) => {
      const mine = [g % topicCount, (g + 17) % topicCount, (g + 33) % topicCount].map((t) => topics[t]!);
      await admin.alterConsumerGroupOffsets({
        groupId,
        topics: [...new Set(mine)].map((name) => ({ name, partitionOffsets: Array.from({ length: partitions }, (_, partition) => ({ partition, offset: BigInt((g + partition) % (records + 1)) })) })),
      });
    });
  } finally {
    await producer.close();
    await admin.close();
  }
  return { topics, groups };
}

async function retry<T>(fn: () => Promise<T>, attempts = 10): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

function collectOnlyApproach(brokers: string[]): Approach {
  const admin = new KafkaAdmin({ clientId: 'bench-collect', bootstrapBrokers: brokers });
  const counter = new KafkaRequestCounter(admin);
  // Warm like the monitor: the topics of the previous cycle are known (collect-prefetch.ts).
  let knownTopics: ReadonlyMap<string, number> | undefined;
  return {
    name: 'collect only',
    open: async () => undefined,
    async cycle() {
      counter.reset();
      counter.start();
      try {
        const collection = await collectLag(admin, knownTopics ? { knownTopics } : {});
        knownTopics = new Map([...collection.topics].map(([topic, t]) => [topic, t.partitionCount]));
        let totalLag = 0n;
        for (const g of collection.groups) {
          for (const p of g.partitions) if (p.committedOffset !== null && p.logEndOffset !== null && p.logEndOffset > p.committedOffset) totalLag += p.logEndOffset - p.committedOffset;
        }
        return { totalLag, requests: counter.snapshot().total };
      } finally {
        counter.stop();
      }
    },
    close: () => admin.close(),
  };
}

function oursApproach(brokers: string[], lastGroups: { value: readonly GroupEvaluation[] }, store: InMemoryLagStateStore, options: LagMonitorOptions = {}): Approach {
  const admin = new KafkaAdmin({ clientId: 'bench-ours', bootstrapBrokers: brokers });
  // EMF is serialized by Powertools as in Lambda, then discarded instead of written to stdout.
  const monitor = new LagMonitor({ admin, store, emfSink: () => undefined }, { summaryPartitions: false, ...options });
  return {
    name: 'ours',
    open: async () => undefined,
    async cycle() {
      const { groups, summary } = await monitor.runCycle();
      lastGroups.value = groups;
      return { totalLag: groups.reduce((sum, g) => sum + g.totalLag, 0n), requests: summary.kafkaRequests.total, emfDocuments: summary.metricsDocuments };
    },
    close: () => admin.close(),
  };
}

function kafkajsApproach(brokers: string[], concurrent: boolean): Approach {
  const kafka = new kafkajs.Kafka({ clientId: 'bench-kafkajs', brokers, logLevel: kafkajs.logLevel.NOTHING });
  const admin = kafka.admin();
  let requests = 0;
  admin.on(admin.events.REQUEST, () => void requests++);
  const each = async <T, R>(items: T[], fn: (item: T) => Promise<R>): Promise<R[]> => {
    if (concurrent) return Promise.all(items.map(fn));
    const out: R[] = [];
    for (const item of items) out.push(await fn(item));
    return out;
  };
  return {
    name: concurrent ? 'kafkajs concurrent' : 'kafkajs sequential',
    open: () => admin.connect(),
    async cycle() {
      const before = requests;
      const { groups } = await admin.listGroups();
      const committed = await each(groups, async (g) => ({ groupId: g.groupId, topics: await admin.fetchOffsets({ groupId: g.groupId }) }));
      const topicNames = [...new Set(committed.flatMap((c) => c.topics.map((t) => t.topic)))];
      const ends = new Map((await each(topicNames, async (t) => [t, await admin.fetchTopicOffsets(t)] as const)).map(([t, offsets]) => [t, new Map(offsets.map((o) => [o.partition, BigInt(o.high)]))]));
      let totalLag = 0n;
      for (const c of committed) {
        for (const t of c.topics) {
          for (const p of t.partitions) {
            const offset = BigInt(p.offset);
            const end = ends.get(t.topic)?.get(p.partition);
            if (offset >= 0n && end !== undefined && end > offset) totalLag += end - offset;
          }
        }
      }
      return { totalLag, requests: requests - before };
    },
    close: () => admin.disconnect(),
  };
}

async function measureConsumerGroupsCommand(bootstrap: string, runs: number): Promise<{ totalMs: number; jvmMs: number; totalLag: bigint }> {
  const dist = await resolveKafkaDistribution();
  const java = (args: string[]): { ms: number; stdout: string } => {
    const started = performance.now();
    const result = spawnSync('java', [`-Dlog4j2.configurationFile=${dist.log4jConfig}`, '-cp', dist.classpath, 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand', ...args], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const ms = performance.now() - started;
    if (result.status !== 0) throw new Error(`ConsumerGroupCommand ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
    return { ms, stdout: result.stdout };
  };
  const totals: number[] = [];
  const jvm: number[] = [];
  let stdout = '';
  for (let i = 0; i < runs; i++) {
    const describe = java(['--bootstrap-server', bootstrap, '--describe', '--all-groups']);
    totals.push(describe.ms);
    stdout = describe.stdout;
    jvm.push(java(['--version']).ms);
  }
  // GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID
  let totalLag = 0n;
  for (const line of stdout.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols.length >= 6 && /^\d+$/.test(cols[2]!) && /^\d+$/.test(cols[5]!)) totalLag += BigInt(cols[5]!);
  }
  return { totalMs: median(totals), jvmMs: median(jvm), totalLag };
}
