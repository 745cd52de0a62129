import fc from 'fast-check';
import { PLAN_WARNING, ResetPlanError, clampOffset, planPartition, planPartitions, type PartitionSnapshot, type ResetStrategy } from '../../../shared/offset-reset/index.ts';

const snapshot = (over: Partial<PartitionSnapshot> = {}): PartitionSnapshot => ({ topic: 'orders', partition: 0, committed: 50n, logStart: 10n, logEnd: 100n, ...over });

const plan = (strategy: ResetStrategy, over: Partial<PartitionSnapshot> = {}) => {
  const p = planPartition(strategy, snapshot(over));
  if ('error' in p) throw new Error(p.error);
  return p;
};

/** A snapshot with logStart <= logEnd and any committed offset and requested values. */
const snapshots = fc
  .tuple(fc.bigInt({ min: 0n, max: 2n ** 40n }), fc.bigInt({ min: 0n, max: 2n ** 40n }), fc.option(fc.bigInt({ min: 0n, max: 2n ** 41n }), { nil: undefined }))
  .map(([a, b, committed]) => snapshot({ logStart: a < b ? a : b, logEnd: a < b ? b : a, committed }));

describe('clampOffset', () => {
  it('keeps every target of a clamped strategy within [log start, log end]', () => {
    const strategies = fc.oneof(
      fc.bigInt({ min: 0n, max: 2n ** 62n }).map((offset): ResetStrategy => ({ type: 'toOffset', offset })),
      fc.bigInt({ min: -(2n ** 50n), max: 2n ** 50n }).map((shift): ResetStrategy => ({ type: 'shiftBy', shift })),
      fc.constant<ResetStrategy>({ type: 'fromFile', source: { kind: 'inline', csv: '' } }),
      fc.constant<ResetStrategy>({ type: 'copyFromGroup', groupId: 'other' }),
    );
    fc.assert(
      fc.property(strategies, snapshots, fc.bigInt({ min: 0n, max: 2n ** 45n }), (strategy, s, given) => {
        const p = planPartition(strategy, { ...s, committed: s.committed ?? 0n, given });
        if ('error' in p) throw new Error(p.error);
        expect(p.target >= s.logStart && p.target <= s.logEnd).toBe(true);
        // A warning exactly when the request was outside the range.
        const outside = p.requested! < s.logStart || p.requested! > s.logEnd;
        expect(p.warnings.length > 0).toBe(outside);
        if (!outside) expect(p.target).toBe(p.requested);
      }),
    );
  });

  it('checks the end first, like kafka-consumer-groups.sh', () => {
    expect(clampOffset({ topic: 't', partition: 0 }, 500n, 10n, 120n)).toMatchObject({ target: 120n, warning: { code: PLAN_WARNING.clampedToLogEnd } });
    expect(clampOffset({ topic: 't', partition: 0 }, 3n, 10n, 120n)).toMatchObject({ target: 10n, warning: { code: PLAN_WARNING.clampedToLogStart } });
    expect(clampOffset({ topic: 't', partition: 0 }, 10n, 10n, 120n)).toEqual({ target: 10n, warning: undefined });
  });

  it('words the warning like Kafka, naming the topic partition and both offsets', () => {
    expect(clampOffset({ topic: 'orders', partition: 3 }, 500n, 10n, 120n).warning?.message).toBe(
      'New offset (500) is higher than latest offset for topic partition orders-3. Value will be set to 120.',
    );
  });
});

describe('planPartition', () => {
  it('puts earliest at the log start and latest at the log end, unclamped', () => {
    expect(plan({ type: 'earliest' })).toMatchObject({ target: 10n, requested: undefined, warnings: [] });
    expect(plan({ type: 'latest' })).toMatchObject({ target: 100n, warnings: [] });
  });

  it('keeps current where it is, or takes the log end with a warning when nothing is committed', () => {
    expect(plan({ type: 'current' })).toMatchObject({ target: 50n, warnings: [] });
    const none = plan({ type: 'current' }, { committed: undefined });
    expect(none.target).toBe(100n);
    expect(none.warnings.map((w) => w.code)).toEqual([PLAN_WARNING.noCommittedOffset]);
  });

  it('keeps current even below the log start (Kafka does not clamp it)', () => {
    expect(plan({ type: 'current' }, { committed: 3n })).toMatchObject({ target: 3n, warnings: [] });
  });

  it('shifts from the committed offset and clamps', () => {
    expect(plan({ type: 'shiftBy', shift: -20n })).toMatchObject({ requested: 30n, target: 30n });
    expect(plan({ type: 'shiftBy', shift: 500n })).toMatchObject({ requested: 550n, target: 100n });
    expect(plan({ type: 'shiftBy', shift: -45n })).toMatchObject({ requested: 5n, target: 10n });
  });

  it('refuses to shift a partition with no committed offset, with Kafka\'s message', () => {
    expect(planPartition({ type: 'shiftBy', shift: 1n }, snapshot({ committed: undefined }))).toEqual({
      error: 'Cannot shift offset for partition orders-0 since there is no current committed offset',
    });
  });

  it('takes the timestamp lookup, or the log end with a warning when no record is at or after it', () => {
    const at = { type: 'toDatetime', timestampMs: 0, text: '' } as const;
    expect(plan(at, { timestampOffset: 42n })).toMatchObject({ target: 42n, warnings: [] });
    const none = plan(at, { timestampOffset: -1n });
    expect(none.target).toBe(100n);
    expect(none.warnings.map((w) => w.code)).toEqual([PLAN_WARNING.noRecordAtTimestamp]);
    expect(plan({ type: 'byDuration', durationMs: 1, text: 'PT0.001S' }, { timestampOffset: -1n }).target).toBe(100n);
  });

  it('clamps file rows and copied offsets, and refuses to copy what the source never committed', () => {
    expect(plan({ type: 'fromFile', source: { kind: 'inline', csv: '' } }, { given: 7n })).toMatchObject({ target: 10n, requested: 7n });
    expect(plan({ type: 'copyFromGroup', groupId: 'audit' }, { given: 60n })).toMatchObject({ target: 60n });
    expect(planPartition({ type: 'copyFromGroup', groupId: 'audit' }, snapshot())).toEqual({
      error: "Cannot copy offset for partition orders-0 since group 'audit' has no committed offset there",
    });
  });

  it('computes lag before and after, never below zero, and none before without a commit', () => {
    expect(plan({ type: 'earliest' })).toMatchObject({ lagBefore: 50n, lagAfter: 90n });
    expect(plan({ type: 'earliest' }, { committed: 150n })).toMatchObject({ lagBefore: 0n });
    expect(plan({ type: 'latest' }, { committed: undefined })).toMatchObject({ lagBefore: undefined, lagAfter: 0n });
  });
});

describe('planPartitions', () => {
  it('lists every partition that cannot be planned in one error', () => {
    const partitions = [0, 1, 2].map((partition) => snapshot({ partition, committed: partition === 1 ? 5n : undefined }));
    expect(() => planPartitions({ type: 'shiftBy', shift: 1n }, partitions)).toThrow(ResetPlanError);
    expect(() => planPartitions({ type: 'shiftBy', shift: 1n }, partitions)).toThrow(/orders-0 .*; .*orders-2 /);
  });
});
