import type { MessageToProduce } from '@platformatic/kafka';
import { BatchOptionsError, DeadLetterError } from '../../../../shared/batch/index.ts';
import { createKafkaDeadLetterSink, DEAD_LETTER_HEADERS, toDeadLetterMessage, type DeadLetterProducer } from '../../../../shared/batch/dead-letter/index.ts';
import { deadLetterEntry } from './support.ts';

type Message = MessageToProduce<Buffer, Buffer, Buffer, Buffer>;

class FakeProducer implements DeadLetterProducer {
  readonly sent: Message[][] = [];
  closed = false;

  async send(options: { messages: Message[] }): Promise<unknown> {
    this.sent.push(options.messages);
    return {};
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

function headerPairs(message: Message): [string, string][] {
  const headers = message.headers as Map<Buffer, Buffer>;
  return [...headers].map(([name, value]) => [name.toString(), value.toString()]);
}

describe('the Kafka dead-letter sink', () => {
  it('keeps key, value and every original header, and adds dlq.* headers', () => {
    const message = toDeadLetterMessage('orders.dlq', deadLetterEntry());
    expect(message.topic).toBe('orders.dlq');
    expect(message.key?.toString()).toBe('order-1');
    expect(message.value?.toString()).toBe('{"id":1}');
    expect(headerPairs(message)).toEqual([
      ['trace', 'a'],
      ['trace', 'b'],
      [DEAD_LETTER_HEADERS.ORIGINAL_TOPIC, 'orders'],
      [DEAD_LETTER_HEADERS.ORIGINAL_PARTITION, '2'],
      [DEAD_LETTER_HEADERS.ORIGINAL_OFFSET, '9007199254740993'],
      [DEAD_LETTER_HEADERS.ORIGINAL_TIMESTAMP, '1700000000000'],
      [DEAD_LETTER_HEADERS.ERROR_NAME, 'PoisonRecordError'],
      [DEAD_LETTER_HEADERS.ERROR_MESSAGE, 'not an order'],
      [DEAD_LETTER_HEADERS.ERROR_CODE, 'BATCH_POISON_RECORD'],
      [DEAD_LETTER_HEADERS.GROUP_ID, 'orders-consumer'],
      [DEAD_LETTER_HEADERS.FUNCTION_NAME, 'fn'],
      [DEAD_LETTER_HEADERS.REQUEST_ID, 'req-1'],
      [DEAD_LETTER_HEADERS.TIME, '2026-01-01T00:00:00.000Z'],
    ]);
  });

  it('writes a tombstone without a value and a keyless record without a key', () => {
    const message = toDeadLetterMessage('dlq', deadLetterEntry({ key: null, value: null }));
    expect('key' in message).toBe(false);
    expect('value' in message).toBe(false);
  });

  it('sends all entries in one produce call through the given producer', async () => {
    const producer = new FakeProducer();
    const sink = createKafkaDeadLetterSink({ topic: 'orders.dlq', producer });
    await sink.send([deadLetterEntry(), deadLetterEntry({ offset: '1' })]);
    expect(producer.sent).toHaveLength(1);
    expect(producer.sent[0]).toHaveLength(2);
    await sink.close();
    expect(producer.closed).toBe(false);
  });

  it('refuses to write a record into its own topic', async () => {
    const producer = new FakeProducer();
    const sink = createKafkaDeadLetterSink({ topic: 'orders', producer });
    await expect(sink.send([deadLetterEntry()])).rejects.toThrow(DeadLetterError);
    expect(producer.sent).toHaveLength(0);
  });

  it('needs a producer or bootstrap servers', () => {
    expect(() => createKafkaDeadLetterSink({ topic: 'dlq' })).toThrow(BatchOptionsError);
    expect(() => createKafkaDeadLetterSink({ topic: '', producer: new FakeProducer() })).toThrow(/topic/);
  });
});
