import { ConsumerConfigError } from '../../../shared/consumer/index.ts';
import { InMemoryIdempotencyStore } from '../../../shared/idempotency/index.ts';
import { createOrderProcessingHandler } from '../../../functions/order-processing/app.ts';
import { eventOf, FakeDynamoDb, lambdaContext, MemorySink, order, recordAt, RecordingLogger, testOptions } from './support.ts';

const ENV = { SCG_GROUP_ID: 'order-processing-group', ORDERS_TABLE: 'orders', SCG_REPORT_BATCH_ITEM_FAILURES: 'true' };
const orderRecord = (partition: number, offset: number, value: unknown) => recordAt('order-events', partition, offset, value);

function setup(env: Record<string, string> = ENV) {
  const fake = new FakeDynamoDb();
  const store = new InMemoryIdempotencyStore();
  const sink = new MemorySink();
  const handler = createOrderProcessingHandler({ ...testOptions(fake, env), idempotency: { store }, deadLetter: sink });
  return { fake, store, sink, handler };
}

describe('order-processing', () => {
  it('stores each order with BatchWriteItem, 25 items per request, one chunk of 100 at a time', async () => {
    const { fake, handler } = setup();
    const records = Array.from({ length: 230 }, (_, i) => orderRecord(0, i, order(`o-${i}`)));

    const response = await handler(eventOf(records), lambdaContext());

    expect(response).toEqual({ batchItemFailures: [] });
    expect(fake.items('orders')).toHaveLength(230);
    // Chunks of 100, 100 and 30: 4 + 4 + 2 requests of at most 25 items.
    const sizes = fake.calls.filter((c) => c.command === 'BatchWriteItemCommand').map((c) => (c.input.RequestItems as Record<string, unknown[]>).orders?.length);
    expect(sizes).toEqual([25, 25, 25, 25, 25, 25, 25, 25, 25, 5]);
    expect(fake.items('orders').find((item) => item.pk?.S === 'o-7')).toMatchObject({ status: { S: 'CREATED' }, totalCents: { N: '2500' }, sourcePartition: { N: '0' }, sourceOffset: { N: '7' } });
  });

  it('keeps the latest event of an order seen twice in one chunk (a request may not name a key twice)', async () => {
    const { fake, handler } = setup();

    await handler(eventOf([orderRecord(0, 0, order('o-1')), orderRecord(0, 1, order('o-1', 'PAID')), orderRecord(0, 2, order('o-2'))]), lambdaContext());

    expect(fake.items('orders').map((item) => [item.pk?.S, item.status?.S])).toEqual([
      ['o-1', 'PAID'],
      ['o-2', 'CREATED'],
    ]);
  });

  it('dead-letters invalid orders, naming the bad field, and stores the valid ones around them', async () => {
    const { fake, sink, handler } = setup();
    const records = [
      orderRecord(0, 0, order('o-1')),
      orderRecord(0, 1, order('o-2', 'CREATED', { totalCents: 1 })),
      orderRecord(0, 2, order('o-3')),
      orderRecord(0, 3, 'not json'),
      orderRecord(0, 4, null),
      orderRecord(0, 5, order('o-4', 'LOST')),
      orderRecord(0, 6, order('o-5')),
    ];

    const response = await handler(eventOf(records), lambdaContext());

    expect(response).toEqual({ batchItemFailures: [] });
    expect(fake.items('orders').map((item) => item.pk?.S).sort()).toEqual(['o-1', 'o-3', 'o-5']);
    expect(sink.entries.map((entry) => [entry.offset, entry.error.name])).toEqual([
      ['1', 'PoisonRecordError'],
      ['3', 'PoisonRecordError'],
      ['4', 'PoisonRecordError'],
      ['5', 'PoisonRecordError'],
    ]);
    expect(sink.entries[0]?.error.message).toMatch(/topic order-events partition 0 offset 1 is not a valid order event: totalCents: must equal the sum/);
    expect(sink.entries[3]?.error.message).toMatch(/status/);
  });

  it('skips a redelivered batch without writing again', async () => {
    const { fake, handler } = setup();
    const event = eventOf([orderRecord(0, 0, order('o-1')), orderRecord(1, 0, order('o-2'))]);

    await handler(event, lambdaContext());
    await handler(event, lambdaContext());

    expect(fake.count('BatchWriteItemCommand')).toBe(2);
  });

  it('reports the chunk for retry when DynamoDB fails, and retries unprocessed items itself', async () => {
    const { fake, handler } = setup();
    fake.failures.push({ command: 'BatchWriteItemCommand', error: Object.assign(new Error('Throughput exceeded'), { name: 'ProvisionedThroughputExceededException' }), count: 1 });
    const event = eventOf([orderRecord(0, 0, order('o-1')), orderRecord(0, 1, order('o-2'))]);

    const failed = await handler(event, lambdaContext());
    fake.unprocessedOnce = 1;
    const retried = await handler(event, lambdaContext());

    expect(failed).toEqual({ batchItemFailures: [{ itemIdentifier: { partition: 'order-events-0', offset: 0 } }] });
    expect(retried).toEqual({ batchItemFailures: [] });
    expect(fake.items('orders')).toHaveLength(2);
  });

  it('uses offset watermarks even where the deployment asks for business keys, and says so', () => {
    const logger = new RecordingLogger();
    const handler = createOrderProcessingHandler({
      client: new FakeDynamoDb().client,
      env: { ...ENV, SCG_IDEMPOTENCY: 'key', SCG_IDEMPOTENCY_TABLE: 'idempotency' },
      logger,
      metrics: false,
    });

    expect(handler.settings.idempotency).toEqual({ mode: 'watermark', tableName: 'idempotency' });
    expect(logger.find('code options override environment variables')[0]?.attributes.variables).toEqual(['SCG_IDEMPOTENCY']);
  });

  it('fails its cold start naming ORDERS_TABLE when the table is not configured', () => {
    expect(() => createOrderProcessingHandler({ client: new FakeDynamoDb().client, env: { SCG_GROUP_ID: 'g' }, metrics: false })).toThrow(ConsumerConfigError);
    expect(() => createOrderProcessingHandler({ client: new FakeDynamoDb().client, env: { SCG_GROUP_ID: 'g' }, metrics: false })).toThrow(/ORDERS_TABLE is required/);
  });
});
