import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, QueryCommand, DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { LambdaEventSourceMappings } from '../../../shared/aws/index.ts';
import { KafkaAdmin } from '../../../shared/kafka/index.ts';
import { LocalRuntime } from '../../../local/esm/index.ts';
import { createOffsetResetHandler } from '../../../functions/offset-reset/app.ts';
import { ensureIdempotencyTable } from '../../../shared/idempotency/index.ts';
import { ensureAuditTable } from '../../../shared/offset-reset/index.ts';
import { bootstrapServers, freshName, kafkaTestResources } from '../support/kafka.ts';
import { eventually, produce, sinkFile } from '../esm/support.ts';

const CONSUMER = fileURLToPath(new URL('./fixtures/counting-consumer.ts', import.meta.url));

function duplicatesSkipped(metricsFile: string): number {
  if (!existsSync(metricsFile)) return 0;
  return readFileSync(metricsFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { DuplicatesSkipped?: number })
    .reduce((sum, doc) => sum + (doc.DuplicatesSkipped ?? 0), 0);
}

describe('offset reset of a group consumed through the local runtime', () => {
  const kafka = kafkaTestResources();
  const dynamo = new DynamoDBClient({});
  const tables = { idempotency: freshName('idem'), audit: freshName('audit') };

  beforeAll(async () => {
    await ensureIdempotencyTable(dynamo, tables.idempotency);
    await ensureAuditTable(dynamo, tables.audit);
  });
  afterAll(async () => {
    await Promise.all(Object.values(tables).map((TableName) => dynamo.send(new DeleteTableCommand({ TableName })).catch(() => undefined)));
    dynamo.destroy();
  });

  it('pauses the mapping, rewinds to earliest, resumes, and the idempotency layer skips every replayed record', async () => {
    const topic = await kafka.topic({ partitions: 3 });
    const group = kafka.group();
    const sink = sinkFile();
    const metricsFile = `${sink.path}.metrics`;
    const uuid = randomUUID();
    await produce(topic, 300);
    const runtime = await LocalRuntime.start({
      bootstrapServers: bootstrapServers().join(','),
      functions: [
        {
          functionName: 'counting',
          functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:counting',
          modulePath: CONSUMER,
          handlerName: 'handler',
          timeoutSeconds: 30,
          memoryMb: 256,
          environment: { SCG_GROUP_ID: group, SCG_IDEMPOTENCY_TABLE: tables.idempotency, SINK_FILE: sink.path, METRICS_FILE: metricsFile },
        },
      ],
      mappings: [{ uuid, functionName: 'counting', topics: [topic], consumerGroupId: group, source: { kind: 'self-managed' }, batchSize: 100, maximumBatchingWindowInSeconds: 0 }],
    });
    const lambda = new LambdaEventSourceMappings({ endpoint: runtime.endpoint });
    try {
      await eventually('300 records processed', () => existsSync(sink.path) && readFileSync(sink.path, 'utf8').split('\n').filter(Boolean).length === 300);
      await eventually('offsets committed', () => runtime.mapping(uuid).counters.committedEventCount === 300);

      const reset = createOffsetResetHandler(
        { cluster: { type: 'self-managed', bootstrapServers: bootstrapServers().join(','), auth: 'none' }, auditTable: tables.audit, groupsInclude: undefined },
        { lambda },
      );
      const context = { awsRequestId: randomUUID(), invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:reset', getRemainingTimeInMillis: () => 900_000 };
      const dryRun = (await reset({ groupId: group, allTopics: true, strategy: 'earliest' }, context)) as { outcome: string; plan: { partitions: { target: string }[] } };
      expect(dryRun.outcome).toBe('DRY_RUN');
      expect(dryRun.plan.partitions.map((p) => p.target)).toEqual(['0', '0', '0']);

      const result = (await reset({ groupId: group, allTopics: true, strategy: 'earliest', execute: true, reason: 'replay test', requestedBy: 'jest', timeoutSeconds: 60 }, context)) as {
        outcome: string;
        restored: boolean;
        written: unknown[];
      };
      expect(result).toMatchObject({ outcome: 'SUCCEEDED', restored: true });
      expect(result.written).toHaveLength(3);
      // Re-enabling is asynchronous, as in Lambda: Enabling, then Enabled.
      await eventually('mapping enabled again', async () => (await lambda.get(uuid)).State === 'Enabled');

      // The 300 records come again; the watermark skips them all: nothing is processed twice.
      await eventually('replayed records skipped', () => duplicatesSkipped(metricsFile) === 300, 60_000);
      expect(readFileSync(sink.path, 'utf8').split('\n').filter(Boolean)).toHaveLength(300);

      // A failure injected at the write step: the mapping is restored and the report is exact.
      const realAdmin = new KafkaAdmin({ clientId: 'reset-failing', bootstrapBrokers: bootstrapServers() });
      const failingAdmin = new Proxy(realAdmin, {
        get(target, property) {
          if (property === 'alterConsumerGroupOffsets') {
            return async () => {
              throw new Error('injected: broker unavailable during the write');
            };
          }
          const value = Reflect.get(target, property, target) as unknown;
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      });
      const failing = createOffsetResetHandler(
        { cluster: { type: 'self-managed', bootstrapServers: bootstrapServers().join(','), auth: 'none' }, auditTable: tables.audit, groupsInclude: undefined },
        { lambda, admin: failingAdmin },
      );
      const failed = (await failing({ groupId: group, allTopics: true, strategy: 'earliest', execute: true, reason: 'injected failure', timeoutSeconds: 60 }, context)) as {
        outcome: string;
        restored: boolean;
        written: unknown[];
        notWritten: unknown[];
        unverified: unknown[];
      };
      await realAdmin.close();
      expect(failed.outcome).toBe('FAILED');
      expect(failed.restored).toBe(true);
      expect(failed.written.length + failed.notWritten.length + failed.unverified.length).toBe(3);
      await eventually('mapping enabled after the failure', async () => (await lambda.get(uuid)).State === 'Enabled');

      const audit = await dynamo.send(new QueryCommand({ TableName: tables.audit, KeyConditionExpression: 'pk = :g', ExpressionAttributeValues: { ':g': { S: group } } }));
      expect(audit.Items).toHaveLength(2);
      const byReason = new Map(audit.Items!.map((item) => [item.reason?.S, item.outcome?.S]));
      expect(byReason.get('replay test')).toBe('SUCCEEDED');
      expect(byReason.get('injected failure')).toBe('FAILED');
    } finally {
      await runtime.stop();
      sink.cleanup();
    }
  });
});
