import { kafkaConsumer } from '../../../shared/consumer/index.ts';
import type { RecordEffects } from '../../../shared/consumer/index.ts';
import type { KafkaRecord } from '../../../shared/events/index.ts';
import { DynamoDbIdempotencyStore } from '../../../shared/idempotency/index.ts';
import { addCount, CrashingStore, putItem } from '../../unit/idempotency/support.ts';
import { clientDyingAtTransaction } from '../idempotency/support.ts';
import { freshName } from '../support/kafka.ts';
import { eventOf, lambdaContext, MemoryLogger, recordAt, tablesPerTest } from './support.ts';
import type { Item } from './support.ts';

// The README's example on the emulator: every record bumps a counter (ADD) and writes an audit
// item, committed atomically with the watermark or the business key.

const counts = (items: Item[]): Map<string, number> => new Map(items.map((item) => [item.pk?.S ?? '', Number(item.count?.N)]));

describe('the composed consumer with transactional effects on DynamoDB', () => {
  const tables = tablesPerTest();

  async function sinks() {
    const [counters, audit] = [await tables.create('counters'), await tables.create('audit')];
    const effects = (record: KafkaRecord): RecordEffects => ({
      effects: [addCount(counters, `partition-${record.partition}`), putItem(audit, `${record.topic}-${record.partition}@${record.offset}`, true)],
    });
    return { counters, audit, effects };
  }

  const orders = (perPartition: number, partitions = 3) =>
    eventOf(Array.from({ length: partitions }, (_, partition) => Array.from({ length: perPartition }, (_, offset) => recordAt('orders', partition, offset, { n: offset }))).flat());

  it('keeps counts exact with watermarks when the process dies between transactions and the batch is replayed', async () => {
    const { counters, audit, effects } = await sinks();
    const groupId = freshName('counting');
    const env = { SCG_GROUP_ID: groupId, SCG_REPORT_BATCH_ITEM_FAILURES: 'true' };
    const event = orders(150);
    const dying = kafkaConsumer({
      env,
      idempotency: { store: new DynamoDbIdempotencyStore({ tableName: tables.idempotency, client: clientDyingAtTransaction(3) }) },
      transactionalEffects: true,
      recordHandler: effects,
      logger: new MemoryLogger(),
      metrics: false,
    });
    const store = new DynamoDbIdempotencyStore({ tableName: tables.idempotency });
    const replay = kafkaConsumer({ env, idempotency: { store }, transactionalEffects: true, recordHandler: effects, logger: new MemoryLogger(), metrics: false });

    const first = await dying(event, lambdaContext('dies'));
    const second = await replay(event, lambdaContext('replay'));
    const third = await replay(event, lambdaContext('again'));

    expect(first.batchItemFailures.length).toBeGreaterThan(0);
    expect(second).toEqual({ batchItemFailures: [] });
    expect(third).toEqual({ batchItemFailures: [] });
    expect(counts(await tables.scan(counters))).toEqual(new Map([['partition-0', 150], ['partition-1', 150], ['partition-2', 150]]));
    expect(await tables.scan(audit)).toHaveLength(450);
    // The last run read the watermarks and found nothing to do.
    expect(store.requestCounts.BatchGetItem).toBe(2);
  });

  it('costs one BatchGetItem and ceil(items / 99) TransactWriteItems per partition with watermarks', async () => {
    const { counters, effects } = await sinks();
    const store = new DynamoDbIdempotencyStore({ tableName: tables.idempotency });
    const handler = kafkaConsumer({ env: { SCG_GROUP_ID: freshName('counting') }, idempotency: { store }, recordHandler: effects, logger: new MemoryLogger(), metrics: false });

    await handler(orders(120, 2), lambdaContext('first'));

    // 120 records: 98 audits + the merged counter per transaction, so 2 per partition.
    expect(store.requestCounts).toEqual({ BatchGetItem: 1, UpdateItem: 0, PutItem: 0, DeleteItem: 0, TransactWriteItems: 4 });
    expect(counts(await tables.scan(counters))).toEqual(new Map([['partition-0', 120], ['partition-1', 120]]));
  });

  it('applies each record once when the process is killed mid-request and Lambda redelivers', async () => {
    const { counters, effects } = await sinks();
    const env = { SCG_GROUP_ID: freshName('counting'), SCG_REPORT_BATCH_ITEM_FAILURES: 'true' };
    const event = orders(150, 2);
    const killed = kafkaConsumer({
      env,
      idempotency: { store: new CrashingStore(new DynamoDbIdempotencyStore({ tableName: tables.idempotency }), 2, 'after', 'hang') },
      recordHandler: effects,
      logger: new MemoryLogger(),
      metrics: false,
    });
    const deadline = Date.now() + 3_000;
    await expect(killed(event, { ...lambdaContext('killed'), getRemainingTimeInMillis: () => deadline - Date.now() })).rejects.toThrow(/AbortError/);

    const replay = kafkaConsumer({ env, idempotency: { tableName: tables.idempotency }, recordHandler: effects, logger: new MemoryLogger(), metrics: false });
    await expect(replay(event, lambdaContext('replay'))).resolves.toEqual({ batchItemFailures: [] });

    expect(counts(await tables.scan(counters))).toEqual(new Map([['partition-0', 150], ['partition-1', 150]]));
  });

  it('has two invocations racing on one event in key mode apply every effect once', async () => {
    const { counters, audit } = await sinks();
    const env = { SCG_GROUP_ID: freshName('billing'), SCG_REPORT_BATCH_ITEM_FAILURES: 'true' };
    const handler = kafkaConsumer({
      env,
      idempotency: { mode: 'key', key: 'orderId', tableName: tables.idempotency },
      transactionalEffects: true,
      recordHandler: async (record): Promise<RecordEffects> => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        const { orderId } = record.valueJson() as { orderId: string };
        return { effects: [addCount(counters, 'orders'), putItem(audit, orderId, true)] };
      },
      logger: new MemoryLogger(),
      metrics: false,
    });
    // o-1 is published twice: one order, one count.
    const event = eventOf(['o-1', 'o-2', 'o-1', 'o-3', 'o-4'].map((orderId, offset) => recordAt('orders', offset % 2, offset, { orderId })));

    const racing = await Promise.all([handler(event, lambdaContext('A')), handler(event, lambdaContext('B'))]);
    const retry = await handler(event, lambdaContext('retry'));

    expect(racing.flatMap((response) => response.batchItemFailures).length).toBeGreaterThan(0);
    expect(retry).toEqual({ batchItemFailures: [] });
    expect(counts(await tables.scan(counters))).toEqual(new Map([['orders', 4]]));
    expect((await tables.scan(audit)).map((item) => item.pk?.S).sort()).toEqual(['o-1', 'o-2', 'o-3', 'o-4']);
  });
});
