// Partition assignors at 1,000 members × 10,000 partitions (one topic, and 10 topics × 1,000):
// median time per assignment for each strategy, fresh and after one member leaves, and how
// many partitions move when it leaves. Baseline, measured in the same run: kafkajs's built-in
// RoundRobinAssigner on the same group (and our kafkajs adapter, for the same encoding work).
//   npm run bench -- assignors [--runs 7]
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import kafkajs from 'kafkajs';
import type { Cluster, GroupMember, Logger, PartitionAssigner } from 'kafkajs';
import {
  STRATEGY_NAMES,
  assign,
  cooperativeStickyRebalance,
  encodeStickyUserData,
} from '../shared/assignors/index.ts';
import type { Assignment, MemberSubscription, StrategyName, TopicMetadata } from '../shared/assignors/index.ts';
import { kafkajsAssigner } from '../shared/assignors/kafkajs.ts';

const { AssignerProtocol, PartitionAssigners } = kafkajs;

const MEMBERS = 1_000;
const TARGET_MS = 200;
const WARMUP = 2;

interface Scenario {
  readonly name: string;
  readonly topics: readonly TopicMetadata[];
  /** Every member subscribes to every topic (the case the targets are stated for). */
  readonly equal: boolean;
}

const TEN_TOPICS = Array.from({ length: 10 }, (_, i) => ({ topic: `orders-${i}`, partitions: 1_000 }));
const SCENARIOS: readonly Scenario[] = [
  { name: '1 topic × 10,000', topics: [{ topic: 'orders', partitions: 10_000 }], equal: true },
  { name: '10 topics × 1,000', topics: TEN_TOPICS, equal: true },
  { name: '10 topics × 1,000, unequal subscriptions (extra, informational)', topics: TEN_TOPICS, equal: false },
];

/** Deterministic subscriptions: every member takes the first topic and about half of the others. */
function subscriptions(ids: readonly string[], topics: readonly string[], equal: boolean): MemberSubscription[] {
  let seed = 0x9e3779b9;
  const coin = (): boolean => {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
    return seed >>> 31 === 1;
  };
  return ids.map((memberId) => ({ memberId, topics: equal ? [...topics] : topics.filter((_, i) => i === 0 || coin()) }));
}

/** Member ids shaped like Kafka's (`<client.id>-<uuid>`), deterministic. */
function memberIds(count: number): string[] {
  let seed = 0x2545f491;
  const hex = (): string => {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
    return seed.toString(16).padStart(8, '0');
  };
  return Array.from({ length: count }, (_, i) => `consumer-orders-${i + 1}-${hex()}-${hex().slice(0, 4)}`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timeMedian(runs: number, work: () => unknown): Promise<number> {
  for (let i = 0; i < WARMUP; i++) await work();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await work();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

function owners(assignment: Assignment): Map<string, string> {
  const result = new Map<string, string>();
  for (const [memberId, byTopic] of assignment) {
    for (const [topic, partitions] of byTopic) for (const p of partitions) result.set(`${topic}:${p}`, memberId);
  }
  return result;
}

/** The survivors of `before` rejoining, reporting what they own the way `strategy` reads it. */
function rejoin(
  strategy: StrategyName,
  before: Assignment,
  leaver: string,
  topicsOf: ReadonlyMap<string, readonly string[]>,
): MemberSubscription[] {
  return [...before.keys()]
    .filter((memberId) => memberId !== leaver)
    .map((memberId) => {
      const topics = topicsOf.get(memberId)!;
      const ownedPartitions = [...before.get(memberId)!].map(([topic, partitions]) => ({ topic, partitions }));
      if (strategy === 'sticky') return { memberId, topics, userData: encodeStickyUserData({ partitions: ownedPartitions, generation: 1 }) };
      if (strategy === 'cooperative-sticky') return { memberId, topics, ownedPartitions, generation: 1 };
      return { memberId, topics };
    });
}

function fakeCluster(topics: readonly TopicMetadata[]): Cluster {
  const metadata = new Map(
    topics.map(({ topic, partitions }) => [
      topic,
      Array.from({ length: partitions }, (_, partitionId) => ({ partitionErrorCode: 0, partitionId, leader: 1, replicas: [1], isr: [1] })),
    ]),
  );
  return { findTopicPartitionMetadata: (topic: string) => metadata.get(topic) ?? [] } as unknown as Cluster;
}

const verdict = (pass: boolean): string => (pass ? 'PASS' : 'FAIL');
const ms = (value: number): string => `${value.toFixed(1)} ms`;

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, strict: true, options: { runs: { type: 'string', default: '7' } } });
  const runs = Math.max(1, Number.parseInt(values.runs, 10) || 7);
  const ids = memberIds(MEMBERS);
  console.log(`${MEMBERS} members; median of ${runs} runs after ${WARMUP} warm-up runs; Node ${process.version}`);
  console.log(`target: <= ${TARGET_MS} ms per assignment for every strategy; sticky strategies move only the leaver's partitions`);

  for (const scenario of SCENARIOS) {
    const topicNames = scenario.topics.map((t) => t.topic);
    const members = subscriptions(ids, topicNames, scenario.equal);
    const topicsOf = new Map(members.map((member) => [member.memberId, member.topics]));
    console.log(`\n-- ${scenario.name} --`);
    let baseline: number | undefined;
    if (scenario.equal) baseline = await baselines(scenario, topicNames, ids, runs);
    else console.log('  (no baseline: kafkajs RoundRobinAssigner ignores subscriptions; verdict on time only)');
    console.log('  strategy                fresh      leave   moved/leaver     fresh vs baseline   verdict');
    for (const strategy of STRATEGY_NAMES) {
      const fresh = await timeMedian(runs, () => assign(strategy, { members, topics: scenario.topics }));
      const before = assign(strategy, { members, topics: scenario.topics });
      // The member in the middle of the id order leaves.
      const leaver = [...before.keys()][Math.floor(MEMBERS / 2)]!;
      const rejoining = rejoin(strategy, before, leaver, topicsOf);
      const leave = await timeMedian(runs, () => assign(strategy, { members: rejoining, topics: scenario.topics }));
      const after = strategy === 'cooperative-sticky'
        ? cooperativeStickyRebalance({ members: rejoining, topics: scenario.topics }).final
        : assign(strategy, { members: rejoining, topics: scenario.topics });
      const ownersAfter = owners(after);
      const ownersBefore = owners(before);
      const moved = [...ownersBefore].filter(([key, owner]) => ownersAfter.get(key) !== owner).length;
      const leaverHad = [...ownersBefore.values()].filter((owner) => owner === leaver).length;
      const sticky = strategy === 'sticky' || strategy === 'cooperative-sticky';
      const fast = fresh <= TARGET_MS && leave <= TARGET_MS;
      const pass = fast && (!sticky || !scenario.equal || moved === leaverHad);
      const stickiness = sticky && scenario.equal ? `${moved}/${leaverHad}` : `${moved}/${leaverHad} (n/a)`;
      const versus = baseline === undefined ? '-' : `${(baseline / Math.max(fresh, 0.001)).toFixed(1)}x faster`;
      console.log(
        `  ${strategy.padEnd(20)} ${ms(fresh).padStart(9)}  ${ms(leave).padStart(9)}   ${stickiness.padEnd(16)} ${versus.padEnd(19)} ${verdict(pass)}`,
      );
    }
  }
}

/**
 * Times kafkajs's RoundRobinAssigner, and round robin through our kafkajs adapter, on the same
 * group; returns the built-in's median.
 */
async function baselines(scenario: Scenario, topicNames: string[], ids: readonly string[], runs: number): Promise<number> {
  const kafkajsMembers: GroupMember[] = ids.map((memberId) => ({
    memberId,
    memberMetadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics: topicNames, userData: Buffer.alloc(0) }),
  }));
  const cluster = fakeCluster(scenario.topics);
  const build = (factory: PartitionAssigner) => factory({ cluster, groupId: 'bench', logger: {} as Logger });
  const builtin = build(PartitionAssigners.roundRobin);
  const adapter = build(kafkajsAssigner('roundrobin'));
  const baseline = await timeMedian(runs, () => builtin.assign({ members: kafkajsMembers, topics: topicNames }));
  const viaAdapter = await timeMedian(runs, () => adapter.assign({ members: kafkajsMembers, topics: topicNames }));
  console.log(`  baseline: kafkajs RoundRobinAssigner (built-in)   ${ms(baseline).padStart(9)}`);
  console.log(
    `  roundrobin through our kafkajs adapter            ${ms(viaAdapter).padStart(9)}` +
      '   (also decodes every subscription, which the built-in skips)',
  );
  return baseline;
}
