import type { Admin, Producer } from '@platformatic/kafka';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { GroupSummary, LagSummary } from '../../../shared/lag/index.ts';
import { admin as newAdmin, freshName, kafkaTestResources } from '../support/kafka.ts';
import { coldCycle, commit, freshStateTable, idleMember, produceEach, producer } from './support.ts';

// Seven groups on one 2-partition topic, driven through four monitor cycles one minute
// apart (injected clock); every cycle is a cold start: state survives only in DynamoDB.
const MINUTE = 60_000;
const T0 = Date.now() - 10 * MINUTE;

describe('lag monitor scenarios (real Kafka, DynamoDB state)', () => {
  const kafka = kafkaTestResources();
  const prefix = freshName('scn');
  const group = (name: string): string => kafka.group(`${prefix}-${name}`);
  const groups = {
    caughtUp: group('caught-up'),
    lagging: group('lagging'),
    stopped: group('stopped'),
    stalled: group('stalled'),
    rewound: group('rewound'),
    empty: group('empty'),
    neverCommitted: group('never-committed'),
  };
  let topic: string;
  let admin: Admin;
  let p: Producer<string, string, string, string>;
  let table: { tableName: string; client: DynamoDBClient };
  const members: Array<{ close(): Promise<void> }> = [];
  const summaries: LagSummary[] = [];
  const find = (cycle: number, id: string): GroupSummary => {
    const found = summaries[cycle]!.groups.find((g) => g.groupId === id);
    if (!found) throw new Error(`group ${id} missing from cycle ${cycle}`);
    return found;
  };

  beforeAll(async () => {
    topic = await kafka.topic({ partitions: 2, prefix: 'scn-orders' });
    admin = newAdmin();
    p = producer();
    table = await freshStateTable();

    // Log end offsets: 100, 200, 300, 400 on both partitions at cycles 0..3.
    for (let cycle = 0; cycle < 4; cycle++) {
      await produceEach(p, topic, 2, 100);
      const end = 100 * (cycle + 1);
      await commit(admin, groups.caughtUp, topic, [end, end]);
      await commit(admin, groups.lagging, topic, [end - 10 * (cycle + 1), end - 10 * (cycle + 1)]);
      if (cycle === 0) {
        await commit(admin, groups.stopped, topic, [50, 100]);
        await commit(admin, groups.stalled, topic, [50, 50]);
        await commit(admin, groups.empty, topic, [100, 100]);
        members.push(await idleMember(admin, groups.stalled, topic));
        members.push(await idleMember(admin, groups.neverCommitted, topic));
      }
      await commit(admin, groups.rewound, topic, cycle < 2 ? [end - 20, end - 20] : cycle === 2 ? [10, end - 20] : [20, end - 20]);
      const { result } = await coldCycle(table, T0 + cycle * MINUTE, { include: [`${prefix}-*`] });
      summaries.push(result.summary);
    }
  });
  afterAll(async () => {
    for (const m of members) await m.close();
    await p?.close();
    await admin?.close();
    table?.client.destroy();
  });

  it('lists every selected group, Empty ones included, with their Kafka state', () => {
    expect(summaries[3]!.groups.map((g) => g.groupId).sort()).toEqual(Object.values(groups).sort());
    // Caught up at cycle 0 (a recent log end at its commit), so not STOP yet: Burrow's grace.
    expect(find(3, groups.empty)).toMatchObject({ state: 'Empty', members: [], status: 'OK', totalLag: '600' });
    expect(find(3, groups.stalled)).toMatchObject({ state: 'Stable' });
    expect(find(3, groups.stalled).members).toHaveLength(1);
  });

  it('reports a caught-up group as OK with zero lag and zero time lag', () => {
    const g = find(3, groups.caughtUp);
    expect(g).toMatchObject({ status: 'OK', totalLag: '0' });
    expect(g.partitions!.map((x) => [x.lag, x.timeLagSeconds, x.status])).toEqual([
      ['0', 0, 'OK'],
      ['0', 0, 'OK'],
    ]);
  });

  it('reports a group whose offsets advance while its lag grows as WARN, with exact lags', () => {
    expect([0, 1, 2, 3].map((c) => find(c, groups.lagging).totalLag)).toEqual(['20', '40', '60', '80']);
    expect(find(3, groups.lagging).status).toBe('WARN');
    expect(find(3, groups.lagging).partitions!.map((x) => x.status)).toEqual(['WARN', 'WARN']);
  });

  it('reports a group nobody consumes whose offsets do not move as STOP, with the lag computed now', () => {
    const g = find(3, groups.stopped);
    expect(g.status).toBe('ERR');
    expect(g.partitions![0]).toMatchObject({ committedOffset: '50', logEndOffset: '400', lag: '350', status: 'STOP' });
    // Partition 1 was caught up at cycle 0 (log end 100 = its commit): Burrow's "recently caught up".
    expect(g.partitions![1]).toMatchObject({ committedOffset: '100', lag: '300' });
    expect(g.maxLag).toEqual({ topic, partition: 0, lag: '350' });
  });

  it('reports a group whose live member does not commit as STALL', () => {
    const g = find(3, groups.stalled);
    expect(g.status).toBe('ERR');
    expect(g.partitions!.map((x) => x.status)).toEqual(['STALL', 'STALL']);
    expect(g.partitions![0]!.consumer).not.toBeNull();
  });

  it('reports a group whose offset went backwards as REWIND until it recovers', () => {
    expect(find(1, groups.rewound).partitions![0]!.status).not.toBe('REWIND');
    expect(find(2, groups.rewound).partitions![0]).toMatchObject({ committedOffset: '10', status: 'REWIND' });
    expect(find(3, groups.rewound).partitions![0]).toMatchObject({ committedOffset: '20', status: 'REWIND' });
    expect(find(3, groups.rewound).status).toBe('ERR');
  });

  it('reports partitions of a group that never committed as NO_COMMITTED_OFFSET with unknown lag, owned by its member', () => {
    const g = find(3, groups.neverCommitted);
    expect(g).toMatchObject({ state: 'Stable', status: 'OK', totalLag: '0', maxLag: null });
    for (const x of g.partitions!) expect(x).toMatchObject({ committedOffset: null, lag: null, offsetStatus: 'NO_COMMITTED_OFFSET', timeLagSeconds: null });
    expect(g.partitions![0]!.consumer).not.toBeNull();
    expect(g.topics[0]).toMatchObject({ sumLag: '0', maxLag: null, maxTimeLagSeconds: null, partitionsWithUnknownLag: 2 });
  });

  it('estimates time lag from the samples kept in DynamoDB across cold starts', () => {
    // Log end 100·(c+1) at minute c; the lagging group at cycle 3 commits 360: the log end
    // was 360 at minute 2.6, so the oldest unconsumed record is ~24 s old.
    const x = find(3, groups.lagging).partitions![0]!;
    expect(x.timeLagQuality).toBe('interpolated');
    expect(x.timeLagSeconds).toBeCloseTo(24, 6);
    // The first cycle has one sample only: unknown, not 0.
    expect(find(0, groups.lagging).partitions![0]).toMatchObject({ timeLagSeconds: null, timeLagQuality: 'unknown' });
  });

  it('keeps the Kafka request count independent of the number of groups', () => {
    const { byApi, total } = summaries[3]!.kafkaRequests;
    // One broker, one coordinator: one request of each batched kind, whatever the groups.
    expect(byApi).toMatchObject({ ListGroups: 1, DescribeGroups: 1, OffsetFetch: 1, ListOffsets: 2 });
    expect(total).toBeLessThanOrEqual(14);
  });
});
