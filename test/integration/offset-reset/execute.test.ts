import { DynamoDBClient, QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { LambdaEventSourceMappings } from '../../../shared/aws/index.ts';
import type { KafkaAdmin } from '../../../shared/kafka/index.ts';
import { gunzipSync } from 'node:zlib';
import { createOffsetResetHandler, offsetResetConfigFromEnv, type LambdaContext } from '../../../functions/offset-reset/app.ts';
import {
  DynamoDbAuditTrail,
  RESET_OUTCOME,
  deleteGroupOffsets,
  describeGroup,
  ensureAuditTable,
  parseResetInput,
  runReset,
  type ResetLogger,
} from '../../../shared/offset-reset/index.ts';
import { kafkaAdmin, bootstrapServers, freshName, kafkaTestResources } from '../support/kafka.ts';
import { commit, committed, produceTimed, startConsumer } from './support.ts';

const quiet: ResetLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** The audit items of a group, oldest first, with the detail document decoded. */
async function auditOf(dynamo: DynamoDBClient, table: string, groupId: string): Promise<{ item: Record<string, AttributeValue>; detail: Record<string, unknown> }[]> {
  const out = await dynamo.send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :g', ExpressionAttributeValues: { ':g': { S: groupId } } }));
  return (out.Items ?? []).map((item) => ({
    item,
    detail: JSON.parse(item.detail?.S ?? gunzipSync(item.detailGzip!.B!).toString('utf8')) as Record<string, unknown>,
  }));
}

const context = (): LambdaContext => ({ awsRequestId: freshName('req'), invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:offset-reset', getRemainingTimeInMillis: () => 900_000 });

describe('offset-reset executions on a real broker and the AWS emulator', () => {
  const kafka = kafkaTestResources();
  const dynamo = new DynamoDBClient({});
  const lambda = new LambdaEventSourceMappings();
  const table = freshName('offset-reset-audit');
  let admin: KafkaAdmin;
  let audit: DynamoDbAuditTrail;

  beforeAll(async () => {
    admin = kafkaAdmin();
    await ensureAuditTable(dynamo, table);
    audit = new DynamoDbAuditTrail({ client: dynamo, tableName: table });
  });
  afterAll(async () => {
    await admin.close();
    dynamo.destroy();
  });

  async function topicWithGroup(): Promise<{ topic: string; group: string }> {
    const topic = await kafka.topic({ partitions: 2 });
    const group = kafka.group('reset-exec');
    await produceTimed(topic, 2, 10);
    await commit(admin, group, topic, { 0: 8n, 1: 9n });
    return { topic, group };
  }

  it('writes every offset of an Empty group, reads them back, and stores the audit record with before and after', async () => {
    const { topic, group } = await topicWithGroup();
    const input = parseResetInput({ groupId: group, topics: [{ topic }], strategy: { shiftBy: -5 }, execute: true, pause: false, reason: 'integration replay', requestedBy: 'ci' });
    const result = await runReset(input, { admin, audit, log: quiet });

    expect(result.outcome).toBe(RESET_OUTCOME.succeeded);
    expect(result.written.map((p) => p.offset)).toEqual([3n, 4n]);
    expect(await committed(admin, group, topic, 2)).toEqual([3n, 4n]);

    const records = await auditOf(dynamo, table, group);
    expect(records).toHaveLength(1);
    expect(records[0]!.item).toMatchObject({ outcome: { S: 'SUCCEEDED' }, requestedBy: { S: 'ci' }, reason: { S: 'integration replay' }, sk: { S: result.auditId } });
    const plan = records[0]!.detail.plan as { partitions: { committed: string; target: string }[] };
    expect(plan.partitions.map((p) => [p.committed, p.target])).toEqual([
      ['8', '3'],
      ['9', '4'],
    ]);
  });

  it('refuses while a real consumer is in the group, naming its client id and host, and writes nothing', async () => {
    const { topic, group } = await topicWithGroup();
    const consumer = await startConsumer(group, topic, 'rogue-batch-job');
    try {
      const input = parseResetInput({ groupId: group, topics: [{ topic }], strategy: 'earliest', execute: true, pause: false, reason: 'should be refused' });
      const result = await runReset(input, { admin, audit, log: quiet });
      expect(result.outcome).toBe(RESET_OUTCOME.refused);
      expect(result.error?.members).toEqual([expect.objectContaining({ clientId: 'rogue-batch-job', host: expect.stringContaining('127.0.0.1') })]);
      expect(result.error?.message).toMatch(/rogue-batch-job@/);
      expect(await committed(admin, group, topic, 2)).toEqual([8n, 9n]);
      expect((await auditOf(dynamo, table, group)).map((r) => r.item.outcome?.S)).toEqual(['REFUSED']);
    } finally {
      await consumer.stop();
    }
  });

  it('refuses a consumer-protocol (KIP-848) group while its consumer runs, although DescribeGroups calls it Dead', async () => {
    const { topic, group } = await topicWithGroup();
    const consumer = await startConsumer(group, topic, 'kip848-consumer', { kip848: true });
    try {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const state = (await admin.listGroups({ types: ['consumer'] })).get(group)?.state;
        if (state === 'Stable' || state === 'STABLE') break;
        if (Date.now() > deadline) throw new Error(`the KIP-848 consumer never became Stable (${state})`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect((await admin.describeGroups({ groups: [group] })).get(group)?.state).toBe('Dead');
      const input = parseResetInput({ groupId: group, topics: [{ topic }], strategy: 'earliest', execute: true, pause: false, reason: 'should be refused' });
      const result = await runReset(input, { admin, log: quiet });
      expect(result.outcome).toBe(RESET_OUTCOME.refused);
      expect(result.error?.message).toMatch(/KIP-848/);
      expect(await committed(admin, group, topic, 2)).toEqual([8n, 9n]);
    } finally {
      await consumer.stop();
    }
  });

  it('with pause: true and no mapping for the group in the Lambda API, refuses at once while a consumer is in it, then resets once it left', async () => {
    const { topic, group } = await topicWithGroup();
    const consumer = await startConsumer(group, topic, 'outside-lambda');
    const input = parseResetInput({ groupId: group, topics: [{ topic }], strategy: 'earliest', execute: true, reason: 'replay', timeoutSeconds: 60 });
    const started = Date.now();
    try {
      const refused = await runReset(input, { admin, lambda, audit, log: quiet, pollIntervalMs: 200 });
      expect(refused.outcome).toBe(RESET_OUTCOME.refused);
      expect(refused.mappings).toEqual([]);
      expect(refused.error?.message).toMatch(/no enabled event source mapping consumes as this group/);
      expect(Date.now() - started).toBeLessThan(30_000);
    } finally {
      await consumer.stop();
    }
    const done = await runReset(input, { admin, lambda, audit, log: quiet, pollIntervalMs: 200 });
    expect(done.outcome).toBe(RESET_OUTCOME.succeeded);
    expect(await committed(admin, group, topic, 2)).toEqual([0n, 0n]);
    expect((await auditOf(dynamo, table, group)).map((r) => r.item.outcome?.S)).toEqual(['REFUSED', 'SUCCEEDED']);
  });

  it('serves dry runs, executions and describe through the function handler, offsets as strings', async () => {
    const { topic, group } = await topicWithGroup();
    const config = offsetResetConfigFromEnv({ SCG_BOOTSTRAP_SERVERS: bootstrapServers().join(','), SCG_AUDIT_TABLE: table });
    const handler = createOffsetResetHandler(config, { admin, logger: quiet, pollIntervalMs: 200 });

    const dry = (await handler({ groupId: group, allTopics: true, strategy: { toOffset: '2' } }, context())) as { outcome: string; plan: { partitions: { target: string }[] } };
    expect(dry.outcome).toBe('DRY_RUN');
    expect(dry.plan.partitions.map((p) => p.target)).toEqual(['2', '2']);
    expect(await auditOf(dynamo, table, group)).toEqual([]);

    const done = (await handler({ groupId: group, allTopics: true, strategy: { toOffset: '2' }, execute: true, reason: 'handler test', requestedBy: 'ci' }, context())) as {
      outcome: string;
      restored: boolean;
    };
    expect(done).toMatchObject({ outcome: 'SUCCEEDED', restored: true });
    expect(await committed(admin, group, topic, 2)).toEqual([2n, 2n]);
    expect((await auditOf(dynamo, table, group)).map((r) => r.item.outcome?.S)).toEqual(['SUCCEEDED']);

    const described = (await handler({ action: 'describe', groupId: group }, context())) as { state: string; totalLag: string };
    expect(described).toMatchObject({ state: 'Empty', totalLag: '16' });
  });

  it('describes a live group with its member and deletes offsets only once nobody subscribes', async () => {
    const { topic, group } = await topicWithGroup();
    const consumer = await startConsumer(group, topic, 'describe-me');
    try {
      const d = await describeGroup(admin, group);
      expect(d.state).toBe('Stable');
      expect(d.members).toEqual([expect.objectContaining({ clientId: 'describe-me', assignment: [{ topic, partition: 0 }, { topic, partition: 1 }] })]);
      expect(d.partitions.map((p) => [p.committed, p.logEnd, p.lag, p.clientId])).toEqual([
        [8n, 10n, 2n, 'describe-me'],
        [9n, 10n, 1n, 'describe-me'],
      ]);
      const refused = await deleteGroupOffsets({ action: 'deleteOffsets', groupId: group, topics: [{ topic }], reason: 'retire', requestedBy: 'ci' }, { admin, audit });
      expect(refused.outcome).toBe(RESET_OUTCOME.refused);
      expect(await committed(admin, group, topic, 2)).toEqual([8n, 9n]);
    } finally {
      await consumer.stop();
    }
    const deleted = await deleteGroupOffsets({ action: 'deleteOffsets', groupId: group, topics: [{ topic, partitions: [1] }], reason: 'retire', requestedBy: 'ci' }, { admin, audit });
    expect(deleted.outcome).toBe(RESET_OUTCOME.succeeded);
    expect(await committed(admin, group, topic, 2)).toEqual([8n, -1n]);
    expect((await auditOf(dynamo, table, group)).map((r) => [r.item.action?.S, r.item.outcome?.S])).toEqual([['deleteOffsets', 'SUCCEEDED']]);
  });
});
