import fc from 'fast-check';
import { publishLagMetrics } from '../../../shared/lag/index.ts';
import type { GroupEvaluation, GroupMemberInfo, MappingScalingOutcome, PartitionEvaluation, TopicLagAggregate } from '../../../shared/lag/index.ts';
import { publishLagMetricsWithPowertools } from './support/reference-emf.ts';

// publishLagMetrics writes the high-cardinality documents itself instead of through
// Powertools Metrics (see EmfWriter in shared/lag/publish.ts). These tests pin that every
// line stays byte for byte what Powertools writes for the same metrics, on any input.

const NOW = Date.now();

/** Names as Kafka allows them and worse: quotes, backslashes, control and non-BMP characters, blanks. */
const name = fc.oneof(
  fc.string({ minLength: 1, maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.constantFrom('orders', 'a"b\\c', 'tab\there', 'line\u2028sep', '😀', '', ' ', '__consumer_offsets'),
);
const lag = fc.option(fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }), { nil: null });
/** Time lags as numbers can be: fractions, huge, -0, and the non-finite values JSON writes as null. */
const seconds = fc.option(fc.oneof(fc.double(), fc.integer({ min: 0, max: 1_000_000 }), fc.constantFrom(0.1 + 0.2, -0, 1e21, 5e-324, Number.NaN, Number.POSITIVE_INFINITY)), { nil: null });
const member: GroupMemberInfo = { memberId: 'm', clientId: 'c', host: '/10.0.0.1', assignment: new Map() };

const partition = fc.record({ topic: name, partition: fc.integer({ min: 0, max: 100_000 }), lag, timeLagSeconds: seconds }).map(
  (p): PartitionEvaluation => ({
    ...p,
    committedOffset: null,
    logStartOffset: null,
    logEndOffset: null,
    offsetStatus: 'COMMITTED',
    timeLagQuality: 'interpolated',
    status: 'OK',
    complete: 1,
    hot: false,
    owner: null,
  }),
);
const topic = fc.record({ topic: name, sumLag: fc.bigInt({ min: 0n, max: 2n ** 64n }), maxLag: lag, maxTimeLagSeconds: seconds }).map(
  (t): TopicLagAggregate => ({ ...t, partitions: 1, partitionsWithUnknownLag: 0 }),
);
const group = fc
  .record({
    groupId: name,
    status: fc.constantFrom('OK' as const, 'WARN' as const, 'ERR' as const, 'NOTFOUND' as const),
    evaluated: fc.boolean(),
    members: fc.nat(4),
    rebalances: fc.nat(1_000),
    errors: fc.array(fc.string(), { maxLength: 2 }),
    topics: fc.array(topic, { maxLength: 3 }),
    // Sorted by topic some of the time, as the collection returns them; interleaved otherwise.
    partitions: fc.tuple(fc.array(partition, { maxLength: 8 }), fc.boolean()).map(([ps, sort]) => (sort ? [...ps].sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0)) : ps)),
  })
  .map(
    (g): GroupEvaluation => ({
      ...g,
      type: 'classic',
      state: 'Stable',
      members: Array.from({ length: g.members }, () => member),
      generation: null,
      totalLag: 0n,
      maxLagPartition: null,
      complete: 1,
    }),
  );
const outcome = (groupIds: string[]) =>
  fc.record({
    groupId: groupIds.length > 0 ? fc.oneof(fc.constantFrom(...groupIds), name) : name,
    action: fc.constantFrom('up' as const, 'down' as const, 'hold' as const, 'skipped' as const, 'failed' as const),
    delta: fc.integer({ min: -5, max: 5 }),
    reason: fc.constant('policy'),
  });
const cycle = fc.array(group, { maxLength: 5 }).chain((groups) =>
  fc.record({
    groups: fc.constant(groups),
    scaling: fc.array(outcome(groups.map((g) => g.groupId)), { maxLength: 4 }),
    cycleErrors: fc.array(fc.string(), { maxLength: 2 }),
    perPartitionMetrics: fc.boolean(),
    timestampMs: fc.oneof(fc.constant(NOW), fc.integer({ min: NOW - 20 * 86_400_000, max: NOW + 86_400_000 }), fc.constantFrom(NOW + 0.5, Number.NaN)),
  }),
);

interface Cycle {
  groups: GroupEvaluation[];
  scaling: MappingScalingOutcome[];
  cycleErrors: string[];
  perPartitionMetrics: boolean;
  timestampMs: number;
}

function both(c: Cycle): { ours: { lines: string[]; documents: number }; powertools: { lines: string[]; documents: number } } {
  const run = (publish: typeof publishLagMetrics) => {
    const lines: string[] = [];
    const documents = publish(c.groups, c.scaling, c.cycleErrors, { timestampMs: c.timestampMs, perPartitionMetrics: c.perPartitionMetrics, sink: (line) => lines.push(line) });
    return { lines, documents };
  };
  return { ours: run(publishLagMetrics), powertools: run(publishLagMetricsWithPowertools) };
}

function withEnv(name: string, value: string, fn: () => void): void {
  const saved = process.env[name];
  process.env[name] = value;
  try {
    fn();
  } finally {
    if (saved === undefined) delete process.env[name];
    else process.env[name] = saved;
  }
}

describe('EMF documents written without Powertools', () => {
  it('are byte for byte the lines Powertools writes, in the same order, on any cycle', () => {
    fc.assert(
      fc.property(cycle, (c) => {
        const { ours, powertools } = both(c);
        expect(ours.lines).toEqual(powertools.lines);
        expect(ours.documents).toBe(powertools.documents);
        expect(ours.documents).toBe(ours.lines.length);
      }),
      { numRuns: 400 },
    );
  });

  it('are byte for byte the lines Powertools writes for a realistic cycle with every metric', () => {
    const partitions = [0, 1, 2].map((p): PartitionEvaluation => ({
      topic: 'orders',
      partition: p,
      committedOffset: 10n,
      logStartOffset: 0n,
      logEndOffset: 100n,
      lag: p === 2 ? null : BigInt(90 - p),
      offsetStatus: 'COMMITTED',
      timeLagSeconds: p === 1 ? null : 12.5 * (p + 1),
      timeLagQuality: 'interpolated',
      status: 'STOP',
      complete: 1,
      hot: false,
      owner: null,
    }));
    const g: GroupEvaluation = {
      groupId: 'orders-fn',
      type: 'consumer',
      state: 'Stable',
      members: [member],
      generation: 3,
      status: 'ERR',
      totalLag: 179n,
      maxLagPartition: partitions[0]!,
      complete: 1,
      rebalances: 2,
      topics: [{ topic: 'orders', sumLag: 179n, maxLag: 90n, maxTimeLagSeconds: 37.5, partitions: 3, partitionsWithUnknownLag: 1 }],
      partitions,
      errors: [],
      evaluated: true,
    };
    const { ours, powertools } = both({ groups: [g], scaling: [{ groupId: 'orders-fn', action: 'up', delta: 1, reason: 'lag' }], cycleErrors: [], perPartitionMetrics: true, timestampMs: NOW });
    expect(ours.lines).toHaveLength(6);
    expect(ours.lines).toEqual(powertools.lines);
    expect(ours.lines[0]).toBe(
      `{"_aws":{"Timestamp":${NOW},"CloudWatchMetrics":[{"Namespace":"ServerlessConsumerGroups","Dimensions":[["ConsumerGroup"]],"Metrics":[{"Name":"GroupStatus","Unit":"None"},{"Name":"Members","Unit":"Count"},{"Name":"Rebalances","Unit":"Count"},{"Name":"MonitorErrors","Unit":"Count"},{"Name":"PollerScalingDecision","Unit":"Count"}]}]},"ConsumerGroup":"orders-fn","GroupStatus":2,"Members":1,"Rebalances":2,"MonitorErrors":0,"PollerScalingDecision":1}`,
    );
  });

  it('write nothing, as Powertools, when its metrics are disabled, and still count the documents', () => {
    for (const variable of ['POWERTOOLS_METRICS_DISABLED', 'POWERTOOLS_DEV']) {
      withEnv(variable, 'true', () => {
        fc.assert(
          fc.property(cycle, (c) => {
            const { ours, powertools } = both(c);
            expect(ours.lines).toEqual([]);
            expect(powertools.lines).toEqual([]);
            expect(ours.documents).toBe(powertools.documents);
          }),
          { numRuns: 50 },
        );
      });
    }
  });

  it("pass on Powertools' warning about a timestamp CloudWatch would reject", () => {
    const warnings: string[] = [];
    publishLagMetrics([], [], [], { timestampMs: NOW - 30 * 86_400_000, sink: () => undefined, logger: { warn: (m) => warnings.push(m), error: () => undefined } });
    expect(warnings).toEqual([expect.stringContaining('will be skipped by Amazon CloudWatch')]);
  });
});
