import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventSourceMappingsApi } from '../../../shared/aws/index.ts';
import { GROUP_STATUS_VALUE, LAG_METRICS_NAMESPACE, LagDimensions, LagMetrics } from '../../../shared/lag/metrics-contract.ts';
import { admin as newAdmin, kafkaTestResources } from '../support/kafka.ts';
import { coldCycle, commit, freshStateTable, produceEach, producer } from './support.ts';

// The alarm contract: the CDK app's alarms and dashboard are built from the constants in
// shared/lag/metrics-contract.ts. This captures the EMF a real cycle writes and checks that
// every contract metric is published, in the contract namespace, with exactly the
// dimension set an alarm would use, and nothing else.
type Directive = { Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> };
type EmfDocument = Record<string, unknown> & { _aws: { Timestamp: number; CloudWatchMetrics: Directive[] } };

const { consumerGroup: G, topic: T, partition: P } = LagDimensions;
/** The dimension sets each metric may carry (MonitorErrors: cycle-wide and per group). */
const CONTRACT: Record<string, string[][]> = {
  [LagMetrics.sumOffsetLag]: [[G, T]],
  [LagMetrics.maxOffsetLag]: [[G, T]],
  [LagMetrics.maxTimeLagSeconds]: [[G, T]],
  [LagMetrics.groupStatus]: [[G]],
  [LagMetrics.members]: [[G]],
  [LagMetrics.rebalances]: [[G]],
  [LagMetrics.partitionOffsetLag]: [[G, T, P]],
  [LagMetrics.partitionTimeLagSeconds]: [[G, T, P]],
  [LagMetrics.monitorErrors]: [[], [G]],
  [LagMetrics.scalingDecision]: [[G]],
};
const UNITS: Record<string, string> = { [LagMetrics.maxTimeLagSeconds]: 'Seconds', [LagMetrics.partitionTimeLagSeconds]: 'Seconds', [LagMetrics.groupStatus]: 'None' };

/** An event-source-mappings API answering ListEventSourceMappings with one provisioned mapping for `groupId`. */
function lambdaWithMapping(groupId: string): EventSourceMappingsApi {
  return {
    list: async () => ({
      EventSourceMappings: [{ UUID: 'm-1', State: 'Enabled', Topics: [], SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: groupId }, ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 4 } }],
    }),
    get: async () => ({}),
    update: async () => ({}),
  };
}

describe('the alarm contract (EMF of a real cycle)', () => {
  const kafka = kafkaTestResources();
  let docs: EmfDocument[];
  let topic: string;
  let groupId: string;
  let table: { tableName: string; client: DynamoDBClient };

  beforeAll(async () => {
    topic = await kafka.topic({ partitions: 3, prefix: 'contract' });
    groupId = kafka.group('contract');
    const admin = newAdmin();
    const p = producer();
    table = await freshStateTable();
    const now = Date.now();
    const options = {
      include: [groupId],
      perPartitionMetrics: true,
      autoscaling: { [groupId]: { scaleUpLag: 10n, scaleDownLag: 0n, minPollers: 1, maxPollers: 3, cooldownSeconds: 0, step: 1 } },
    };
    try {
      await produceEach(p, topic, 3, 50);
      await commit(admin, groupId, topic, [10, 20, 50]);
      await coldCycle(table, now - 60_000, options, { lambda: lambdaWithMapping(groupId) });
      await produceEach(p, topic, 3, 50);
      const { emf } = await coldCycle(table, now, options, { lambda: lambdaWithMapping(groupId) });
      docs = emf.map((line) => JSON.parse(line) as EmfDocument);
    } finally {
      await p.close();
      await admin.close();
    }
  });
  afterAll(() => table?.client.destroy());

  it('writes every document in the contract namespace, one dimension set each', () => {
    expect(docs.length).toBeGreaterThan(0);
    for (const doc of docs) {
      expect(doc._aws.CloudWatchMetrics).toHaveLength(1);
      expect(doc._aws.CloudWatchMetrics[0]!.Namespace).toBe(LAG_METRICS_NAMESPACE);
      expect(doc._aws.CloudWatchMetrics[0]!.Dimensions).toHaveLength(1);
    }
  });

  it('publishes every contract metric, and only contract metrics', () => {
    const published = new Set(docs.flatMap((d) => d._aws.CloudWatchMetrics[0]!.Metrics.map((m) => m.Name)));
    expect([...published].sort()).toEqual(Object.values(LagMetrics).sort());
  });

  it('gives each metric exactly the dimension set its alarm uses, with the right values and unit', () => {
    for (const doc of docs) {
      const { Dimensions, Metrics } = doc._aws.CloudWatchMetrics[0]!;
      const dimensions = Dimensions[0]!;
      for (const metric of Metrics) {
        expect(CONTRACT[metric.Name]).toContainEqual(dimensions);
        expect(metric.Unit).toBe(UNITS[metric.Name] ?? 'Count');
        expect(typeof doc[metric.Name]).toBe('number');
        expect(Number.isFinite(doc[metric.Name] as number)).toBe(true);
      }
      if (dimensions.includes(G)) expect(doc[G]).toBe(groupId);
      if (dimensions.includes(T)) expect(doc[T]).toBe(topic);
      if (dimensions.includes(P)) expect(['0', '1', '2']).toContain(doc[P]);
      expect(doc).not.toHaveProperty('service');
    }
  });

  it('carries the values an alarm compares', () => {
    const topicDoc = docs.find((d) => d[T] === topic && d[P] === undefined)!;
    // Log end 100 on every partition; commits 10, 20, 50.
    expect(topicDoc).toMatchObject({ [LagMetrics.sumOffsetLag]: 220, [LagMetrics.maxOffsetLag]: 90 });
    expect(topicDoc[LagMetrics.maxTimeLagSeconds]).toBeGreaterThan(0);
    const groupDoc = docs.find((d) => d[G] === groupId && d[T] === undefined)!;
    expect(groupDoc).toMatchObject({ [LagMetrics.groupStatus]: GROUP_STATUS_VALUE.ERR, [LagMetrics.members]: 0, [LagMetrics.monitorErrors]: 0, [LagMetrics.scalingDecision]: 1 });
    const cycleDoc = docs.find((d) => d._aws.CloudWatchMetrics[0]!.Dimensions[0]!.length === 0)!;
    expect(cycleDoc[LagMetrics.monitorErrors]).toBe(0);
  });
});
