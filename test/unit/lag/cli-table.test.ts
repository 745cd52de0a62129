import { renderLagTable } from '../../../cli/commands/lag.ts';
import type { LagSummary, PartitionSummary } from '../../../shared/lag/index.ts';

const partition = (over: Partial<PartitionSummary>): PartitionSummary => ({
  topic: 'orders',
  partition: 0,
  committedOffset: '5',
  logStartOffset: '0',
  logEndOffset: '20',
  lag: '15',
  offsetStatus: 'COMMITTED',
  timeLagSeconds: 95,
  timeLagQuality: 'interpolated',
  status: 'STOP',
  complete: 0.5,
  hot: false,
  consumer: null,
  ...over,
});

const summary: LagSummary = {
  cycleAt: '2026-01-01T00:00:00.000Z',
  durationMs: 12,
  kafkaRequests: { total: 10, byApi: {}, byBroker: {} },
  scaling: [],
  errors: [],
  metricsDocuments: 0,
  groups: [
    {
      groupId: 'billing',
      type: 'classic',
      state: 'Empty',
      status: 'ERR',
      evaluated: true,
      members: [],
      generation: null,
      totalLag: '15',
      maxLag: { topic: 'orders', partition: 0, lag: '15' },
      complete: 0.5,
      rebalances: 0,
      topics: [],
      hotPartitions: [],
      partitions: [
        partition({}),
        partition({ partition: 1, committedOffset: null, lag: null, offsetStatus: 'NO_COMMITTED_OFFSET', timeLagSeconds: null, timeLagQuality: 'unknown', status: 'OK' }),
        partition({ partition: 2, timeLagSeconds: 7200, timeLagQuality: 'lower-bound', status: 'WARN', consumer: { memberId: 'm-1', clientId: 'fn', host: '/10.0.0.1' } }),
      ],
      errors: ['ListOffsets (log end) to leader broker 3 failed: timeout'],
    },
  ],
};

describe('groupctl lag table', () => {
  const lines = renderLagTable(summary).split('\n');

  it('prints the kafka-consumer-groups.sh columns plus TIME-LAG and STATUS', () => {
    expect(lines[1]!.split(/\s+/)).toEqual(['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID', 'TIME-LAG', 'STATUS']);
    expect(lines[0]).toBe("Consumer group 'billing' has no active members.");
  });

  it('prints "-" where a value is unknown and no lag without a committed offset', () => {
    expect(lines[2]!.split(/\s+/)).toEqual(['billing', 'orders', '0', '5', '20', '15', '-', '-', '-', '1m35s', 'STOP']);
    expect(lines[3]!.split(/\s+/)).toEqual(['billing', 'orders', '1', '-', '20', '-', '-', '-', '-', '-', 'NO-COMMIT']);
    expect(lines[4]!.split(/\s+/)).toEqual(['billing', 'orders', '2', '5', '20', '15', 'm-1', '/10.0.0.1', 'fn', '>=2h00m', 'WARN']);
  });

  it('ends each group with its verdict and errors', () => {
    expect(lines[5]).toBe('billing: ERR (state Empty, 0 member(s), total lag 15, max lag 15 on orders-0, window 50% complete)');
    expect(lines[6]).toBe('  error: ListOffsets (log end) to leader broker 3 failed: timeout');
  });
});
