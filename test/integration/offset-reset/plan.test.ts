import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { KafkaAdmin } from '../../../shared/kafka/index.ts';
import { awsClientConfig } from '../../../shared/aws/index.ts';
import { PLAN_WARNING, exportPlanCsv, parseResetInput, planReset, type ResetPlan } from '../../../shared/offset-reset/index.ts';
import { admin as newAdmin, kafkaAdmin, freshName, kafkaTestResources } from '../support/kafka.ts';
import { T0, commit, produceTimed } from './support.ts';

const targets = (plan: ResetPlan): string[] => plan.partitions.map((p) => `${p.partition}=${p.target}`);
const codes = (plan: ResetPlan): string[][] => plan.partitions.map((p) => p.warnings.map((w) => w.code));

describe('offset-reset planning on a real broker', () => {
  const kafka = kafkaTestResources();
  let admin: KafkaAdmin;
  let topic: string;
  let group: string;

  // One topic, 3 partitions of 20 records (record i at T0 + i s); the group committed 12 on
  // partition 0 and 20 on partition 1, nothing on partition 2. Partition 1's records
  // below offset 5 are deleted, so its log starts at 5.
  beforeAll(async () => {
    admin = kafkaAdmin();
    topic = await kafka.topic({ partitions: 3 });
    group = kafka.group('reset-plan');
    await produceTimed(topic, 3, 20);
    await commit(admin, group, topic, { 0: 12n, 1: 20n });
    const setup = newAdmin();
    try {
      await setup.deleteRecords({ topics: [{ name: topic, partitions: [{ partition: 1, offset: 5n }] }] });
    } finally {
      await setup.close();
    }
  });
  afterAll(async () => {
    await admin.close();
  });

  const plan = (strategy: unknown, extra: Record<string, unknown> = {}) =>
    planReset(admin, parseResetInput({ groupId: group, topics: [{ topic }], strategy, ...extra }));

  it('reads committed offsets, log start and log end of every partition', async () => {
    const p = await plan('current');
    expect(p.partitions.map((x) => [x.committed, x.logStart, x.logEnd, x.lagBefore])).toEqual([
      [12n, 0n, 20n, 8n],
      [20n, 5n, 20n, 0n],
      [undefined, 0n, 20n, undefined],
    ]);
    expect(p.groupState).toBe('Empty');
  });

  it('resets to earliest (the log start, after retention) and to latest', async () => {
    expect(targets(await plan('earliest'))).toEqual(['0=0', '1=5', '2=0']);
    expect(targets(await plan('latest'))).toEqual(['0=20', '1=20', '2=20']);
  });

  it('keeps current, and uses the log end where nothing is committed', async () => {
    const p = await plan('current');
    expect(targets(p)).toEqual(['0=12', '1=20', '2=20']);
    expect(codes(p)).toEqual([[], [], [PLAN_WARNING.noCommittedOffset]]);
  });

  it('clamps to-offset into [log start, log end]', async () => {
    const low = await plan({ toOffset: 2 });
    expect(targets(low)).toEqual(['0=2', '1=5', '2=2']);
    expect(codes(low)).toEqual([[], [PLAN_WARNING.clampedToLogStart], []]);
    const high = await plan({ toOffset: 1_000 });
    expect(targets(high)).toEqual(['0=20', '1=20', '2=20']);
    expect(codes(high).flat()).toEqual([PLAN_WARNING.clampedToLogEnd, PLAN_WARNING.clampedToLogEnd, PLAN_WARNING.clampedToLogEnd]);
  });

  it('shifts committed offsets with clamping, and refuses partitions without a commit', async () => {
    const p = await plan({ shiftBy: -14 }, { topics: [{ topic, partitions: [0, 1] }] });
    expect(targets(p)).toEqual(['0=0', '1=6']);
    expect(codes(p)).toEqual([[PLAN_WARNING.clampedToLogStart], []]);
    await expect(plan({ shiftBy: 1 })).rejects.toThrow(`Cannot shift offset for partition ${topic}-2 since there is no current committed offset`);
  });

  it('finds the first offset at or after a datetime, given in Kafka\'s format or ISO 8601 with a zone', async () => {
    const at = new Date(T0 + 7_500).toISOString(); // between records 7 and 8
    expect(targets(await plan({ toDatetime: at }))).toEqual(['0=8', '1=8', '2=8']);
    expect(targets(await plan({ toDatetime: at.replace('Z', '') }))).toEqual(['0=8', '1=8', '2=8']);
    const shifted = new Date(T0 + 7_500 + 2 * 3_600_000).toISOString().replace('Z', '+02:00');
    expect(targets(await plan({ toDatetime: shifted }))).toEqual(['0=8', '1=8', '2=8']);
  });

  it('falls back to the log end when no record is at or after the time', async () => {
    const p = await plan({ toDatetime: new Date(T0 + 60_000).toISOString() });
    expect(targets(p)).toEqual(['0=20', '1=20', '2=20']);
    expect(codes(p).flat()).toEqual([PLAN_WARNING.noRecordAtTimestamp, PLAN_WARNING.noRecordAtTimestamp, PLAN_WARNING.noRecordAtTimestamp]);
  });

  it('looks back by a duration from now', async () => {
    // Every record is from two days ago: an hour ago is after all of them.
    expect(targets(await plan({ byDuration: 'PT1H' }))).toEqual(['0=20', '1=20', '2=20']);
    // 100,000 days ago is before all of them: the first record of each partition.
    expect(targets(await plan({ byDuration: 'P100000D' }))).toEqual(['0=0', '1=5', '2=0']);
  });

  it('selects every committed partition with allTopics', async () => {
    const p = await planReset(admin, parseResetInput({ groupId: group, allTopics: true, strategy: 'earliest' }));
    expect(p.partitions.map((x) => `${x.topic}-${x.partition}`)).toEqual([`${topic}-0`, `${topic}-1`]);
  });

  it('reads a file from S3 (the emulator) and clamps its rows', async () => {
    const s3 = new S3Client(awsClientConfig('S3'));
    const bucket = freshName('resets');
    try {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'plan.csv', Body: `${topic},0,3\n${topic},1,1\n${topic},2,99\n` }));
      const p = await planReset(admin, parseResetInput({ groupId: group, strategy: { fromFile: `s3://${bucket}/plan.csv` } }));
      expect(targets(p)).toEqual(['0=3', '1=5', '2=20']);
    } finally {
      s3.destroy();
    }
  });

  it('plans again from its own export', async () => {
    const first = await plan({ toOffset: 9 });
    const again = await planReset(admin, parseResetInput({ groupId: group, strategy: { fromFile: exportPlanCsv(first) } }));
    expect(targets(again)).toEqual(targets(first));
  });

  it('copies the offsets another group committed', async () => {
    const source = kafka.group('reset-source');
    await commit(admin, source, topic, { 0: 4n, 2: 17n });
    const p = await planReset(admin, parseResetInput({ groupId: group, allTopics: true, strategy: { copyFromGroup: source } }));
    expect(targets(p)).toEqual(['0=4', '2=17']);
  });

  it('names a topic that does not exist and partitions beyond the topic', async () => {
    await expect(planReset(admin, parseResetInput({ groupId: group, topics: [{ topic: freshName('missing') }], strategy: 'latest' }))).rejects.toThrow(/does not exist|Unknown topic/);
    await expect(plan('latest', { topics: [{ topic, partitions: [5] }] })).rejects.toThrow(`The partitions "${topic}-5" do not exist`);
  });
});
