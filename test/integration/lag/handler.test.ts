import { setTimeout as sleep } from 'node:timers/promises';
import type { LagSummary } from '../../../shared/lag/index.ts';
import { admin as newAdmin, bootstrapServers, kafkaTestResources } from '../support/kafka.ts';
import { commit, freshStateTable, produceEach, producer } from './support.ts';

describe('the lag-monitor handler', () => {
  const kafka = kafkaTestResources();

  it('reads its configuration from the environment and returns the cycle summary, state in DynamoDB', async () => {
    const topic = await kafka.topic({ partitions: 2, prefix: 'handler' });
    const groupId = kafka.group('handler');
    const table = await freshStateTable();
    const admin = newAdmin();
    const p = producer();
    try {
      await produceEach(p, topic, 2, 10);
      await commit(admin, groupId, topic, [4, 10]);
      Object.assign(process.env, {
        SCG_BOOTSTRAP_SERVERS: bootstrapServers().join(','),
        SCG_LAG_STATE_TABLE: table.tableName,
        SCG_GROUPS_INCLUDE: groupId,
        POWERTOOLS_METRICS_DISABLED: 'true',
        POWERTOOLS_LOG_LEVEL: 'SILENT',
      });
      const { handler } = (await import('../../../functions/lag-monitor/handler.ts')) as { handler: () => Promise<LagSummary> };
      const first = await handler();
      // Observations closer than Burrow's min-distance (1 s) merge: wait past it.
      await sleep(1_100);
      const second = await handler();

      expect(first.errors).toEqual([]);
      expect(first.groups).toEqual([expect.objectContaining({ groupId, state: 'Empty', totalLag: '6', evaluated: true })]);
      expect(first.groups[0]!.partitions!.map((x) => [x.committedOffset, x.logEndOffset, x.lag])).toEqual([
        ['4', '10', '6'],
        ['10', '10', '0'],
      ]);
      // The second invocation reuses the connection (no ApiVersions) and the saved state.
      expect(second.kafkaRequests.byApi.ApiVersions).toBeUndefined();
      expect(second.groups[0]!.partitions![0]!.complete).toBeCloseTo(0.2);
      expect(JSON.parse(JSON.stringify(second))).toEqual(second);
    } finally {
      for (const v of ['SCG_BOOTSTRAP_SERVERS', 'SCG_LAG_STATE_TABLE', 'SCG_GROUPS_INCLUDE', 'POWERTOOLS_METRICS_DISABLED', 'POWERTOOLS_LOG_LEVEL']) delete process.env[v];
      await p.close();
      await admin.close();
      table.client.destroy();
    }
  });
});
