import { OffsetResetInputError, PLAN_WARNING, ResetPlanError, exportPlanCsv, parseResetInput, planReset } from '../../../shared/offset-reset/index.ts';
import { FakeKafka } from './fakes.ts';

// orders: 3 partitions, offsets 10..19 (log start 10 after retention), records one per
// second from t=1,000,000 ms; payments: 2 partitions, offsets 0..4.
function cluster(): FakeKafka {
  return new FakeKafka()
    .addUniformTopic('orders', 3, 10, { logStart: 10n })
    .addUniformTopic('payments', 2, 5)
    .commit('email', 'orders', 0, 15n)
    .commit('email', 'orders', 1, 4n)
    .commit('email', 'payments', 0, 5n)
    .commit('audit', 'orders', 0, 12n)
    .commit('audit', 'orders', 2, 30n);
}

const targets = (plan: { partitions: readonly { topic: string; partition: number; target: bigint }[] }): string[] =>
  plan.partitions.map((p) => `${p.topic}-${p.partition}=${p.target}`);

describe('planReset', () => {
  it('makes one request of each kind whatever the partition count', async () => {
    const kafka = cluster();
    await planReset(kafka, parseResetInput({ groupId: 'email', topics: [{ topic: 'orders' }, { topic: 'payments' }], strategy: { toDatetime: '1970-01-01T00:16:45.000' } }));
    expect(kafka.calls.sort()).toEqual(
      ['describeGroups', 'listGroups', 'listConsumerGroupOffsets', 'listOffsets(earliest)', 'listOffsets(latest)', 'listOffsets(timestamp)', 'metadata'].sort(),
    );
  });

  it('resets to earliest and latest, with lag before and after', async () => {
    const input = (strategy: string) => parseResetInput({ groupId: 'email', topics: [{ topic: 'orders' }], strategy });
    const earliest = await planReset(cluster(), input('earliest'));
    expect(targets(earliest)).toEqual(['orders-0=10', 'orders-1=10', 'orders-2=10']);
    expect(earliest.partitions[0]).toMatchObject({ committed: 15n, logStart: 10n, logEnd: 20n, lagBefore: 5n, lagAfter: 10n });
    expect(earliest.totals).toEqual({ partitions: 3, warnings: 0, lagBefore: 5n + 16n, lagAfter: 30n });
    expect(targets(await planReset(cluster(), input('latest')))).toEqual(['orders-0=20', 'orders-1=20', 'orders-2=20']);
  });

  it('selects every committed partition for allTopics', async () => {
    const plan = await planReset(cluster(), parseResetInput({ groupId: 'email', allTopics: true, strategy: 'current' }));
    expect(targets(plan)).toEqual(['orders-0=15', 'orders-1=4', 'payments-0=5']);
  });

  it('selects only the listed partitions', async () => {
    const plan = await planReset(cluster(), parseResetInput({ groupId: 'email', topics: [{ topic: 'orders', partitions: [2, 0] }], strategy: 'latest' }));
    expect(targets(plan)).toEqual(['orders-0=20', 'orders-2=20']);
  });

  it('uses the log end for current where nothing is committed, with a warning', async () => {
    const plan = await planReset(cluster(), parseResetInput({ groupId: 'email', topics: [{ topic: 'orders' }], strategy: 'current' }));
    expect(targets(plan)).toEqual(['orders-0=15', 'orders-1=4', 'orders-2=20']);
    expect(plan.partitions[2]!.warnings.map((w) => w.code)).toEqual([PLAN_WARNING.noCommittedOffset]);
  });

  it('clamps to-offset into each partition\'s range', async () => {
    const plan = await planReset(cluster(), parseResetInput({ groupId: 'email', topics: [{ topic: 'orders' }, { topic: 'payments' }], strategy: { toOffset: 12 } }));
    expect(targets(plan)).toEqual(['orders-0=12', 'orders-1=12', 'orders-2=12', 'payments-0=5', 'payments-1=5']);
    expect(plan.totals.warnings).toBe(2);
  });

  it('shifts committed offsets and fails for uncommitted partitions', async () => {
    const plan = await planReset(cluster(), parseResetInput({ groupId: 'email', topics: [{ topic: 'orders', partitions: [0, 1] }], strategy: { shiftBy: -3 } }));
    expect(targets(plan)).toEqual(['orders-0=12', 'orders-1=10']);
    expect(plan.partitions[1]!.warnings.map((w) => w.code)).toEqual([PLAN_WARNING.clampedToLogStart]);
    await expect(planReset(cluster(), parseResetInput({ groupId: 'email', topics: [{ topic: 'orders' }], strategy: { shiftBy: 1 } }))).rejects.toThrow(
      /Cannot shift offset for partition orders-2 since there is no current committed offset/,
    );
  });

  it('looks offsets up by time and falls back to the log end after the last record', async () => {
    // Records of orders are at 1,000,000 + i*1,000 ms, offsets 10 + i.
    const at = await planReset(cluster(), parseResetInput({ groupId: 'email', topics: [{ topic: 'orders', partitions: [0] }], strategy: { toDatetime: '1970-01-01T00:16:43.500Z' } }));
    expect(at.timestampMs).toBe(1_003_500);
    expect(targets(at)).toEqual(['orders-0=14']);
    const after = await planReset(cluster(), parseResetInput({ groupId: 'email', topics: [{ topic: 'orders', partitions: [0] }], strategy: { toDatetime: '2000-01-01T00:00:00Z' } }));
    expect(targets(after)).toEqual(['orders-0=20']);
    expect(after.partitions[0]!.warnings.map((w) => w.code)).toEqual([PLAN_WARNING.noRecordAtTimestamp]);
  });

  it('subtracts a duration from the clock', async () => {
    const plan = await planReset(cluster(), parseResetInput({ groupId: 'email', topics: [{ topic: 'orders', partitions: [0] }], strategy: { byDuration: 'PT5S' } }), {
      now: () => 1_007_000,
    });
    expect(plan.timestampMs).toBe(1_002_000);
    expect(targets(plan)).toEqual(['orders-0=12']);
  });

  it('never sends a negative timestamp (a Kafka sentinel) for a duration reaching before 1970', async () => {
    const plan = await planReset(cluster(), parseResetInput({ groupId: 'email', topics: [{ topic: 'orders', partitions: [0] }], strategy: { byDuration: 'P100000D' } }), {
      now: () => 1_007_000,
    });
    expect(plan.timestampMs).toBe(0);
    expect(targets(plan)).toEqual(['orders-0=10']);
  });

  it('reads a file from S3 through the injected reader, and clamps its rows', async () => {
    const read = async (bucket: string, key: string): Promise<string> => {
      expect(`${bucket}/${key}`).toBe('ops/email.csv');
      return 'orders,1,17\npayments,1,99\n';
    };
    const plan = await planReset(cluster(), parseResetInput({ groupId: 'email', strategy: { fromFile: 's3://ops/email.csv' } }), { readS3Object: read });
    expect(targets(plan)).toEqual(['orders-1=17', 'payments-1=5']);
    expect(plan.strategy).toBe('from-file s3://ops/email.csv');
  });

  it('reports a missing S3 object as an input error on strategy.fromFile', async () => {
    const read = async (): Promise<string> => {
      throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' });
    };
    const planning = planReset(cluster(), parseResetInput({ groupId: 'email', strategy: { fromFile: 's3://ops/missing.csv' } }), { readS3Object: read });
    await expect(planning).rejects.toBeInstanceOf(OffsetResetInputError);
    await expect(planning).rejects.toThrow(/strategy\.fromFile: cannot read s3:\/\/ops\/missing\.csv \(NoSuchKey/);
  });

  it('copies another group\'s committed offsets, for every partition it committed with allTopics', async () => {
    const plan = await planReset(cluster(), parseResetInput({ groupId: 'email', allTopics: true, strategy: { copyFromGroup: 'audit' } }));
    expect(targets(plan)).toEqual(['orders-0=12', 'orders-2=20']);
    expect(plan.partitions[1]!.warnings.map((w) => w.code)).toEqual([PLAN_WARNING.clampedToLogEnd]);
  });

  it('names missing topics and partitions', async () => {
    await expect(planReset(cluster(), parseResetInput({ groupId: 'email', topics: [{ topic: 'refunds' }], strategy: 'latest' }))).rejects.toThrow(/refunds/);
    await expect(planReset(cluster(), parseResetInput({ groupId: 'email', topics: [{ topic: 'orders', partitions: [3, 7] }], strategy: 'latest' }))).rejects.toThrow(
      'The partitions "orders-3,orders-7" do not exist',
    );
  });

  it('refuses allTopics for a group with no committed offsets', async () => {
    await expect(planReset(cluster(), parseResetInput({ groupId: 'fresh', allTopics: true, strategy: 'latest' }))).rejects.toThrow(ResetPlanError);
  });

  it('exports the plan as CSV that plans the same targets again', async () => {
    const plan = await planReset(cluster(), parseResetInput({ groupId: 'email', topics: [{ topic: 'orders' }], strategy: { toOffset: 13 } }));
    const again = await planReset(cluster(), parseResetInput({ groupId: 'email', strategy: { fromFile: exportPlanCsv(plan) } }));
    expect(targets(again)).toEqual(targets(plan));
  });

  it('shows the group state and member count', async () => {
    const kafka = cluster().join('email', { id: 'm1', clientId: 'worker', host: '/10.1.1.1', topics: ['orders'] });
    const plan = await planReset(kafka, parseResetInput({ groupId: 'email', topics: [{ topic: 'orders' }], strategy: 'latest' }));
    expect(plan).toMatchObject({ groupState: 'Stable', memberCount: 1 });
  });
});
