import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CONSUMER_METRICS } from '../../../shared/consumer/index.ts';
import { DynamoDbIdempotencyStore } from '../../../shared/idempotency/index.ts';
import { createAnalyticsServiceHandler } from '../../../functions/analytics-service/app.ts';
import { freshName } from '../support/kafka.ts';
import { eventOf, lambdaContext, MemoryLogger, recordAt, tablesPerTest, userEvent } from './support.ts';
import type { Item } from './support.ts';

const TOPIC = 'user-events';

/** 3 partitions × `perPartition` records, alternating login/updated. */
function userEvents(perPartition: number) {
  return eventOf(
    [0, 1, 2].flatMap((partition) =>
      Array.from({ length: perPartition }, (_, offset) => recordAt(TOPIC, partition, offset, userEvent(offset % 2 === 0 ? 'user.login' : 'user.updated', `u-${partition}-${offset}`))),
    ),
  );
}

const counts = (items: Item[]): Record<string, number> => Object.fromEntries(items.map((item) => [item.pk?.S ?? '', Number(item.count?.N)]));

/** A client whose `nth` UpdateItem fails once (a throttle in the middle of a partition). */
function clientFailingUpdate(nth: number): DynamoDBClient {
  const client = new DynamoDBClient({});
  let updates = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'UpdateItemCommand' && ++updates === nth) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $retryable: {} });
      return next(args);
    },
    { step: 'initialize', name: 'failOneUpdate' },
  );
  return client;
}

describe('the composed consumer with offset watermarks on DynamoDB', () => {
  const tables = tablesPerTest();

  it('keeps the analytics counts exact when a batch is replayed after a partial failure', async () => {
    const analytics = await tables.create('analytics');
    const handler = createAnalyticsServiceHandler({
      client: clientFailingUpdate(17),
      env: { SCG_GROUP_ID: freshName('analytics'), SCG_IDEMPOTENCY_TABLE: tables.idempotency, ANALYTICS_TABLE: analytics, SCG_REPORT_BATCH_ITEM_FAILURES: 'true' },
      logger: new MemoryLogger(),
      metrics: false,
    });
    const event = userEvents(10);

    const first = await handler(event, lambdaContext('first'));
    const replay = await handler(event, lambdaContext('replay'));
    const again = await handler(event, lambdaContext('again'));

    expect(handler.settings.idempotency).toEqual({ mode: 'watermark', tableName: tables.idempotency });
    expect(first.batchItemFailures).toHaveLength(1);
    expect(replay).toEqual({ batchItemFailures: [] });
    expect(again).toEqual({ batchItemFailures: [] });
    expect(counts(await tables.scan(analytics))).toEqual({ 'user.login': 15, 'user.updated': 15 });
  });

  it('reads and writes the store O(partitions) times per batch, however many records', async () => {
    const analytics = await tables.create('analytics');
    const store = new DynamoDbIdempotencyStore({ tableName: tables.idempotency });
    const handler = createAnalyticsServiceHandler({
      env: { SCG_GROUP_ID: freshName('analytics'), ANALYTICS_TABLE: analytics },
      idempotency: { store },
      logger: new MemoryLogger(),
      metrics: false,
    });
    const event = userEvents(40);

    await handler(event, lambdaContext('first'));
    const afterFirst = store.requestCounts;
    await handler(event, lambdaContext('redelivery'));

    expect(afterFirst).toEqual({ BatchGetItem: 1, UpdateItem: 3, PutItem: 0, DeleteItem: 0 });
    expect(store.requestCounts).toEqual({ BatchGetItem: 2, UpdateItem: 3, PutItem: 0, DeleteItem: 0 });
    expect(counts(await tables.scan(analytics))).toEqual({ 'user.login': 60, 'user.updated': 60 });
  });

  it('detects every partition two racing invocations both ran, and never moves a watermark back', async () => {
    const analytics = await tables.create('analytics');
    const documents: Record<string, unknown>[] = [];
    const logger = new MemoryLogger();
    const groupId = freshName('analytics');
    const handler = createAnalyticsServiceHandler({
      env: { SCG_GROUP_ID: groupId, SCG_IDEMPOTENCY_TABLE: tables.idempotency, ANALYTICS_TABLE: analytics },
      logger,
      metrics: { sink: (line) => void documents.push(JSON.parse(line) as Record<string, unknown>) },
    });
    const event = userEvents(10);

    await Promise.all([handler(event, lambdaContext('A')), handler(event, lambdaContext('B'))]);
    await handler(event, lambdaContext('redelivery'));

    // Watermarks are read before and written after processing: two invocations of the same
    // partitions at once (which Lambda's one-poller-per-partition rule prevents) may both run
    // them. Each such partition is detected when its second advance finds the first.
    const conflicts = documents.reduce((sum, doc) => sum + Number(doc[CONSUMER_METRICS.WATERMARK_CONFLICTS]), 0);
    const total = Object.values(counts(await tables.scan(analytics))).reduce((sum, n) => sum + n, 0);
    expect(total).toBe(30 + conflicts * 10);
    expect(logger.lines.filter((line) => line.message.startsWith('another invocation advanced this partition first'))).toHaveLength(conflicts);
    expect(documents.at(-1)).toMatchObject({ [CONSUMER_METRICS.PROCESSED]: 0, [CONSUMER_METRICS.DUPLICATES_SKIPPED]: 30 });
    const watermarks = await new DynamoDbIdempotencyStore({ tableName: tables.idempotency }).getWatermarks(groupId, [0, 1, 2].map((partition) => ({ topic: TOPIC, partition })));
    expect([...watermarks.values()]).toEqual([9n, 9n, 9n]);
  });
});
