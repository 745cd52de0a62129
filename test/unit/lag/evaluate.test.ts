import type { KafkaAdmin } from '../../../shared/kafka/index.ts';
import { InMemoryLagStateStore, LagMonitor, evaluateCycle, publishLagMetrics } from '../../../shared/lag/index.ts';
import type { CollectedGroup, CollectedPartition, CollectedTopic, GroupEvaluation, GroupMemberInfo, LagCollection } from '../../../shared/lag/index.ts';
import { GROUP_STATUS_VALUE, LAG_METRICS_NAMESPACE, LagDimensions, LagMetrics } from '../../../shared/lag/metrics-contract.ts';

const MINUTE = 60_000;
const T0 = Date.now() - 60 * MINUTE;

interface Scenario {
  logEnds: number[];
  committed: Array<number | null>;
  members?: GroupMemberInfo[];
  state?: string;
}

function collection(groups: Record<string, Scenario>, extra: Partial<LagCollection> = {}): LagCollection {
  const topics = new Map<string, CollectedTopic>();
  const collected: CollectedGroup[] = [];
  for (const [groupId, s] of Object.entries(groups)) {
    topics.set('orders', { topic: 'orders', partitionCount: s.logEnds.length, logStartOffsets: s.logEnds.map(() => 0n), logEndOffsets: s.logEnds.map(BigInt) });
    const members = s.members ?? [];
    const partitions: CollectedPartition[] = s.logEnds.map((end, partition) => ({
      topic: 'orders',
      partition,
      committedOffset: s.committed[partition] === null ? null : BigInt(s.committed[partition]!),
      logStartOffset: 0n,
      logEndOffset: BigInt(end),
      owner: members.find((m) => m.assignment.get('orders')?.includes(partition)) ?? null,
    }));
    collected.push({ groupId, type: 'classic', state: s.state ?? (members.length ? 'Stable' : 'Empty'), members, generation: null, partitions, errors: [], offsetsAvailable: true, described: true });
  }
  return { groups: collected, topics, vanishedGroups: [], errors: [], listingComplete: true, outdatedTopics: [], ...extra };
}

/** Runs scenarios over several cycles through a real (in-memory) state store. */
async function cycles(steps: Array<Record<string, Scenario>>, extra: Array<Partial<LagCollection>> = []): Promise<GroupEvaluation[][]> {
  // Encoded, as the DynamoDB store does: the evaluation must survive a round trip.
  const store = new InMemoryLagStateStore({ encode: true });
  const results: GroupEvaluation[][] = [];
  for (const [i, step] of steps.entries()) {
    const c = collection(step, extra[i]);
    const loaded = await store.load({ groups: [...c.groups.map((g) => g.groupId), ...c.vanishedGroups], topics: [...c.topics.keys()] });
    const evaluation = evaluateCycle(c, loaded, T0 + i * MINUTE);
    await store.save({ groups: evaluation.groupStates, topics: evaluation.topicStates });
    results.push(evaluation.groups);
  }
  return results;
}

const consumer: GroupMemberInfo = { memberId: 'm-1', clientId: 'orders-fn', host: '/10.0.0.9', assignment: new Map([['orders', [0, 1]]]) };
const byId = (groups: GroupEvaluation[], id: string): GroupEvaluation => groups.find((g) => g.groupId === id)!;

describe('evaluating cycles', () => {
  it('tells a stopped group (nobody consuming) from a stalled one (a member that does not move)', async () => {
    const steps = [0, 1, 2].map((i) => ({
      stopped: { logEnds: [100 + i * 50, 100], committed: [40, 100] },
      stalled: { logEnds: [100 + i * 50, 100], committed: [40, 100], members: [consumer] },
    }));
    const last = (await cycles(steps)).at(-1)!;
    expect(byId(last, 'stopped').partitions[0]).toMatchObject({ status: 'STOP', lag: 160n });
    expect(byId(last, 'stopped').status).toBe('ERR');
    expect(byId(last, 'stalled').partitions[0]).toMatchObject({ status: 'STALL', owner: consumer });
    expect(byId(last, 'stalled').partitions[1]).toMatchObject({ status: 'OK', lag: 0n });
  });

  it('computes the current lag at evaluation time, so a stopped group keeps showing growing lag', async () => {
    const results = await cycles([0, 1, 2, 3].map((i) => ({ g: { logEnds: [100 + i * 100], committed: [50] } })));
    expect(results.map((r) => r[0]!.totalLag)).toEqual([50n, 150n, 250n, 350n]);
  });

  it('reports a partition without a committed offset as such, outside the sums', async () => {
    const [first] = await cycles([{ g: { logEnds: [100, 100, 100], committed: [40, null, 90] } }]);
    const g = first![0]!;
    expect(g.partitions[1]).toMatchObject({ lag: null, offsetStatus: 'NO_COMMITTED_OFFSET', timeLagSeconds: null, status: 'OK' });
    expect(g.totalLag).toBe(70n);
    expect(g.topics[0]).toMatchObject({ sumLag: 70n, maxLag: 60n, partitionsWithUnknownLag: 1 });
    expect(g.maxLagPartition?.partition).toBe(0);
  });

  it('estimates time lag from the log end samples of earlier cycles', async () => {
    // Log end 0 at minute 0, 600 at minute 1; committed 300 was produced at minute 0.5.
    const results = await cycles([{ g: { logEnds: [0], committed: [0] } }, { g: { logEnds: [600], committed: [300] } }]);
    expect(results[1]![0]!.partitions[0]).toMatchObject({ timeLagSeconds: 30, timeLagQuality: 'interpolated' });
    expect(results[1]![0]!.topics[0]!.maxTimeLagSeconds).toBe(30);
  });

  it('flags hot partitions', async () => {
    const [first] = await cycles([{ g: { logEnds: [10_000, 1_000, 1_000, 1_000], committed: [0, 900, 950, 1_000] } }]);
    expect(first![0]!.partitions.map((p) => p.hot)).toEqual([true, false, false, false]);
  });

  it('reports a group that vanished as NOTFOUND', async () => {
    const results = await cycles([{ g: { logEnds: [10], committed: [10] } }, {}], [{}, { vanishedGroups: ['g'] }]);
    expect(results[1]).toEqual([expect.objectContaining({ groupId: 'g', status: 'NOTFOUND', evaluated: false })]);
  });

  it('does not evaluate a group whose committed offsets could not be read, and keeps its errors', () => {
    const c = collection({ g: { logEnds: [10], committed: [5] } });
    const broken: LagCollection = { ...c, groups: [{ ...c.groups[0]!, offsetsAvailable: false, partitions: [], errors: ['OffsetFetch to coordinator 2 failed: timeout'] }] };
    const evaluation = evaluateCycle(broken, { groups: new Map(), topics: new Map() }, T0);
    expect(evaluation.groups[0]).toMatchObject({ evaluated: false, errors: ['OffsetFetch to coordinator 2 failed: timeout'] });
    expect(evaluation.groupStates).toEqual([]);
  });
  it('rejects a commit window size it cannot keep, naming the option', () => {
    const empty: LagCollection = { groups: [], topics: new Map(), vanishedGroups: [], errors: [], listingComplete: true, outdatedTopics: [] };
    const loaded = { groups: new Map(), topics: new Map() };
    for (const burrowWindow of [0, 2.5, 1_001]) {
      expect(() => evaluateCycle(empty, loaded, T0, { burrowWindow })).toThrow(/^burrowWindow: expected a whole number of observations from 1 to 1000, got /);
    }
    expect(evaluateCycle(empty, loaded, T0, { burrowWindow: 1_000 }).groups).toEqual([]);
    expect(() => new LagMonitor({ admin: {} as KafkaAdmin, store: new InMemoryLagStateStore() }, { burrowWindow: 0 })).toThrow(/^burrowWindow: /);
  });

  it('rejects a topic refresh interval that is not milliseconds from 0, naming the option', () => {
    const monitor = (topicRefreshMs: number) => new LagMonitor({ admin: {} as KafkaAdmin, store: new InMemoryLagStateStore() }, { topicRefreshMs });
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => monitor(bad)).toThrow(/^topicRefreshMs: expected milliseconds from 0, got /);
    expect(monitor(0)).toBeInstanceOf(LagMonitor);
  });
});

describe('publishing', () => {
  async function emf(perPartitionMetrics = false): Promise<Array<Record<string, unknown>>> {
    const [groups] = await cycles([{ g: { logEnds: [100, 100], committed: [40, null], members: [consumer] } }]);
    const lines: string[] = [];
    publishLagMetrics(groups!, [{ groupId: 'g', action: 'up', delta: 2, reason: 'lag' }], ['ListGroups failed on broker 3'], { timestampMs: T0, sink: (l) => lines.push(l), perPartitionMetrics });
    return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  }
  const directive = (doc: Record<string, unknown>) => (doc._aws as { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }> }).CloudWatchMetrics[0]!;

  it('writes one EMF document per dimension set, in the contract namespace, without a service dimension', async () => {
    const docs = await emf();
    expect(docs.map((d) => directive(d).Dimensions)).toEqual([[[LagDimensions.consumerGroup]], [[LagDimensions.consumerGroup, LagDimensions.topic]], [[]]]);
    for (const d of docs) expect(directive(d).Namespace).toBe(LAG_METRICS_NAMESPACE);
    expect(docs.some((d) => 'service' in d)).toBe(false);
  });

  it('puts group metrics, topic metrics and the error count in their own documents', async () => {
    const [group, topic, total] = await emf();
    expect(directive(group!).Metrics.map((m) => m.Name)).toEqual([LagMetrics.groupStatus, LagMetrics.members, LagMetrics.rebalances, LagMetrics.monitorErrors, LagMetrics.scalingDecision]);
    expect(group).toMatchObject({ ConsumerGroup: 'g', GroupStatus: GROUP_STATUS_VALUE.OK, Members: 1, Rebalances: 0, MonitorErrors: 0, PollerScalingDecision: 2 });
    expect(topic).toMatchObject({ ConsumerGroup: 'g', Topic: 'orders', SumOffsetLag: 60, MaxOffsetLag: 60 });
    // One sample only: time lag unknown, so no MaxTimeLagSeconds at all (not 0, not NaN).
    expect(directive(topic!).Metrics.map((m) => m.Name)).toEqual([LagMetrics.sumOffsetLag, LagMetrics.maxOffsetLag]);
    expect(total).toMatchObject({ MonitorErrors: 1 });
    expect(directive(total!).Dimensions).toEqual([[]]);
  });

  it('adds per-partition documents only behind the switch, skipping unknown values', async () => {
    const docs = await emf(true);
    const partitions = docs.filter((d) => directive(d).Dimensions[0]!.includes(LagDimensions.partition));
    expect(partitions).toHaveLength(1);
    expect(partitions[0]).toMatchObject({ ConsumerGroup: 'g', Topic: 'orders', Partition: '0', PartitionOffsetLag: 60 });
    expect((await emf(false)).some((d) => directive(d).Dimensions[0]!.includes(LagDimensions.partition))).toBe(false);
  });
});
