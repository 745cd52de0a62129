import { Consumer } from '@platformatic/kafka';
import type { Message } from '@platformatic/kafka';
import { createOrderProcessingHandler } from '../../../functions/order-processing/app.ts';
import { bootstrapServers, freshName, kafkaTestResources } from '../support/kafka.ts';
import { eventOf, lambdaContext, MemoryLogger, recordAt, tablesPerTest } from './support.ts';

function order(orderId: string, totalCents = 2_500): Record<string, unknown> {
  return { orderId, customerId: 'c-1', status: 'CREATED', items: [{ sku: 'book', quantity: 2, unitPriceCents: 1_250 }], totalCents, currency: 'EUR', occurredAt: '2026-03-01T10:00:00Z' };
}

async function readMessages(topic: string, count: number): Promise<Message<Buffer, Buffer, Buffer, Buffer>[]> {
  const consumer = new Consumer({ groupId: freshName('dlq-reader'), clientId: 'dlq-reader', bootstrapBrokers: bootstrapServers() });
  const messages: Message<Buffer, Buffer, Buffer, Buffer>[] = [];
  try {
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
    for await (const message of stream) {
      messages.push(message);
      if (messages.length === count) break;
    }
    await stream.close();
  } finally {
    await consumer.close(true);
  }
  return messages;
}

describe('the composed consumer with a Kafka dead-letter topic', () => {
  const tables = tablesPerTest();
  const kafka = kafkaTestResources();

  it('writes poison records to the dead-letter topic on the real broker and stores the rest', async () => {
    const source = freshName('order-events');
    const dlq = await kafka.topic({ prefix: 'order-events-poison' });
    const orders = await tables.create('orders');
    const handler = createOrderProcessingHandler({
      env: {
        SCG_GROUP_ID: freshName('order-processing'),
        SCG_IDEMPOTENCY_TABLE: tables.idempotency,
        SCG_DEAD_LETTER: `kafka://${dlq}`,
        SCG_REPORT_BATCH_ITEM_FAILURES: 'true',
        ORDERS_TABLE: orders,
      },
      logger: new MemoryLogger(),
      metrics: false,
    });
    const records = [
      recordAt(source, 0, 10, order('o-1')),
      recordAt(source, 0, 11, order('o-2', 1)),
      recordAt(source, 0, 12, order('o-3')),
      recordAt(source, 1, 20, 'not json'),
      recordAt(source, 1, 21, order('o-4')),
    ];
    try {
      const response = await handler(eventOf(records, bootstrapServers()), lambdaContext('poison'));

      expect(response).toEqual({ batchItemFailures: [] });
      const messages = await readMessages(dlq, 2);
      const seen = messages.map((m) => {
        const headers = new Map(m.headerEntries.map(([k, v]) => [k.toString(), v.toString()]));
        return {
          value: m.value.toString(),
          topic: headers.get('dlq.original.topic'),
          partition: headers.get('dlq.original.partition'),
          offset: headers.get('dlq.original.offset'),
          error: headers.get('dlq.error.name'),
          group: headers.get('dlq.group.id'),
        };
      });
      expect(seen.sort((a, b) => Number(a.offset) - Number(b.offset))).toEqual([
        { value: JSON.stringify(order('o-2', 1)), topic: source, partition: '0', offset: '11', error: 'PoisonRecordError', group: handler.settings.groupId },
        { value: 'not json', topic: source, partition: '1', offset: '20', error: 'PoisonRecordError', group: handler.settings.groupId },
      ]);
      const stored = (await tables.scan(orders)).map((item) => item.pk?.S).sort();
      expect(stored).toEqual(['o-1', 'o-3', 'o-4']);
    } finally {
      await handler.close();
    }
  });
});
