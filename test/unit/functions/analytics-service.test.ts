import { InMemoryIdempotencyStore } from '../../../shared/idempotency/index.ts';
import { createAnalyticsServiceHandler } from '../../../functions/analytics-service/app.ts';
import { eventOf, FakeDynamoDb, lambdaContext, recordAt, testOptions, userEvent } from './support.ts';

const ENV = { SCG_GROUP_ID: 'analytics-service-group', ANALYTICS_TABLE: 'analytics', SCG_REPORT_BATCH_ITEM_FAILURES: 'true' };
const at = (partition: number, offset: number, value: unknown) => recordAt('user-events', partition, offset, value);

function counts(fake: FakeDynamoDb): Record<string, number> {
  return Object.fromEntries(fake.items('analytics').map((item) => [item.pk?.S ?? '', Number(item.count?.N)]));
}

describe('analytics-service', () => {
  it('counts events per type and leaves tombstones out', async () => {
    const fake = new FakeDynamoDb();
    const handler = createAnalyticsServiceHandler({ ...testOptions(fake, ENV), idempotency: { store: new InMemoryIdempotencyStore() } });

    await handler(
      eventOf([at(0, 0, userEvent('user.registered', 'u-1')), at(0, 1, userEvent('user.login', 'u-1')), at(1, 0, userEvent('user.login', 'u-2')), at(1, 1, null)]),
      lambdaContext(),
    );

    expect(counts(fake)).toEqual({ 'user.registered': 1, 'user.login': 2 });
  });

  it('keeps the counts exact when a batch is replayed after a partial failure', async () => {
    const fake = new FakeDynamoDb();
    const handler = createAnalyticsServiceHandler({ ...testOptions(fake, ENV), idempotency: { store: new InMemoryIdempotencyStore() } });
    const records = [0, 1, 2].flatMap((partition) => Array.from({ length: 10 }, (_, offset) => at(partition, offset, userEvent(offset % 2 === 0 ? 'user.login' : 'user.updated', `u-${partition}`))));
    const event = eventOf(records);
    // The 14th UpdateItem fails: one partition stops part-way, the others complete.
    let updates = 0;
    fake.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'UpdateItemCommand' && ++updates === 14) throw Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
        return next(args);
      },
      { step: 'initialize', name: 'failOnce', priority: 'high' },
    );

    const first = await handler(event, lambdaContext());
    const replay = await handler(event, lambdaContext());

    expect(first.batchItemFailures).toHaveLength(1);
    expect(replay).toEqual({ batchItemFailures: [] });
    expect(counts(fake)).toEqual({ 'user.login': 15, 'user.updated': 15 });
  });

  it('without idempotency, a replay counts twice (what the watermark prevents)', async () => {
    const fake = new FakeDynamoDb();
    const handler = createAnalyticsServiceHandler(testOptions(fake, { ...ENV, SCG_IDEMPOTENCY: 'off' }));
    const event = eventOf([at(0, 0, userEvent('user.login', 'u-1'))]);

    await handler(event, lambdaContext());
    await handler(event, lambdaContext());

    expect(counts(fake)).toEqual({ 'user.login': 2 });
  });
});
