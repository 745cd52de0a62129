import { jest } from '@jest/globals';
import { z } from 'zod';
import { BatchProcessingError, DeadLetterError, PoisonRecordError } from '../../../shared/batch/index.ts';
import { CONSUMER_METRICS, kafkaConsumer } from '../../../shared/consumer/index.ts';
import type { KafkaRecord } from '../../../shared/events/index.ts';
import { BrokenSink, eventOf, input, kafkaEvent, label, lambdaContext, MemorySink, quiet, rejectionOf } from './support.ts';

describe('kafkaConsumer', () => {
  it('hands every record to the handler in partition order and answers with an empty partial batch response', async () => {
    const q = quiet();
    const seen: string[] = [];
    const handler = kafkaConsumer({ ...q.options, recordHandler: (record) => void seen.push(label(record)) });

    const response = await handler(kafkaEvent({ 'orders-0': 3, 'orders-1': 2 }), lambdaContext());

    expect(response).toEqual({ batchItemFailures: [] });
    expect(seen.filter((l) => l.startsWith('orders-0'))).toEqual(['orders-0@0', 'orders-0@1', 'orders-0@2']);
    expect(seen.filter((l) => l.startsWith('orders-1'))).toEqual(['orders-1@0', 'orders-1@1']);
    expect(q.emf.last).toMatchObject({ ConsumerGroup: 'test-group', [CONSUMER_METRICS.PROCESSED]: 5, [CONSUMER_METRICS.FAILED]: 0 });
  });

  it('gives the handler its group, the Lambda context and a logger keyed by group, topic, partition and offset', async () => {
    const q = quiet();
    const context = lambdaContext('req-42');
    const handler = kafkaConsumer({
      ...q.options,
      recordHandler: (_record, { groupId, lambdaContext: given, logger }) => {
        logger.info('handled', { groupId, requestId: given.awsRequestId });
      },
    });

    await handler(kafkaEvent({ 'orders-3': 2 }), context);

    expect(q.logger.find('handled').map((line) => line.attributes)).toEqual([
      { consumerGroup: 'test-group', topic: 'orders', partition: 3, offset: '0', groupId: 'test-group', requestId: 'req-42' },
      { consumerGroup: 'test-group', topic: 'orders', partition: 3, offset: '1', groupId: 'test-group', requestId: 'req-42' },
    ]);
  });

  it('stops a partition at its first failure: later records stay untouched, other partitions complete', async () => {
    const q = quiet();
    const seen: string[] = [];
    const handler = kafkaConsumer({
      ...q.options,
      reportBatchItemFailures: true,
      recordHandler: async (record) => {
        seen.push(label(record));
        if (label(record) === 'orders-1@1') throw new Error('database timeout');
      },
    });

    const response = await handler(kafkaEvent({ 'orders-0': 4, 'orders-1': 4, 'orders-2': 4 }), lambdaContext());

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: { partition: 'orders-1', offset: 1 } }] });
    expect(seen).not.toContain('orders-1@2');
    expect(seen).not.toContain('orders-1@3');
    expect(seen.filter((l) => !l.startsWith('orders-1'))).toHaveLength(8);
    expect(q.emf.last).toMatchObject({ [CONSUMER_METRICS.PROCESSED]: 9, [CONSUMER_METRICS.FAILED]: 1 });
    const failure = q.logger.find(/^record failed/);
    expect(failure).toHaveLength(1);
    expect(failure[0]?.attributes).toMatchObject({ consumerGroup: 'test-group', topic: 'orders', partition: 1, offset: '1', error: { message: 'database timeout' } });
  });

  it('fails the whole invocation when partial batch responses are off, so Lambda retries the batch', async () => {
    const q = quiet({ SCG_REPORT_BATCH_ITEM_FAILURES: 'false' });
    const handler = kafkaConsumer({
      ...q.options,
      recordHandler: (record) => {
        if (record.offset === 1n) throw new Error('boom');
      },
    });

    const error = await rejectionOf(() => handler(kafkaEvent({ 'orders-0': 3 }), lambdaContext()));

    expect(error).toBeInstanceOf(BatchProcessingError);
    expect(q.emf.last).toMatchObject({ [CONSUMER_METRICS.PROCESSED]: 1, [CONSUMER_METRICS.FAILED]: 1 });
  });

  it('sends poison records to the dead-letter sink and carries on with the partition', async () => {
    const q = quiet({ SCG_REPORT_BATCH_ITEM_FAILURES: 'true' });
    const sink = new MemorySink();
    const schema = z.strictObject({ n: z.number() });
    const seen: string[] = [];
    const handler = kafkaConsumer({
      ...q.options,
      deadLetter: sink,
      recordHandler: (record) => {
        if (record.offset === 1n) throw new PoisonRecordError('not an order');
        schema.parse(record.valueJson());
        seen.push(label(record));
      },
    });
    const event = eventOf([input('orders', 0, 0), input('orders', 0, 1), input('orders', 0, 2, { n: 'two' }), input('orders', 0, 3)]);

    const response = await handler(event, lambdaContext('req-7'));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(seen).toEqual(['orders-0@0', 'orders-0@3']);
    expect(sink.entries.map((entry) => entry.offset)).toEqual(['1', '2']);
    expect(sink.entries[0]).toMatchObject({ topic: 'orders', partition: 0, error: { name: 'PoisonRecordError', message: 'not an order' }, context: { groupId: 'test-group', requestId: 'req-7' } });
    expect(q.emf.last).toMatchObject({ [CONSUMER_METRICS.DEAD_LETTERED]: 2, [CONSUMER_METRICS.PROCESSED]: 2 });
    expect(q.logger.find('dead-lettered a poison record').map((l) => l.attributes.offset)).toEqual(['1', '2']);
  });

  it('reports a poison record as failed when the dead-letter sink fails, never dropping it', async () => {
    const q = quiet();
    const sink = new BrokenSink();
    const seen: string[] = [];
    const handler = kafkaConsumer({
      ...q.options,
      reportBatchItemFailures: true,
      deadLetter: sink,
      recordHandler: (record) => {
        seen.push(label(record));
        if (record.offset === 1n) throw new PoisonRecordError('not an order');
      },
    });

    const response = await handler(kafkaEvent({ 'orders-0': 3 }), lambdaContext());

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: { partition: 'orders-0', offset: 1 } }] });
    expect(sink.calls).toBe(1);
    expect(seen).toEqual(['orders-0@0', 'orders-0@1']);
    const [failure] = q.logger.find(/^record failed/);
    expect(failure?.attributes.error).toMatchObject({ name: DeadLetterError.name });
  });

  it('reports a poison record for retry when a kafka:// dead-letter target has no brokers to write to', async () => {
    const q = quiet({ SCG_DEAD_LETTER: 'kafka://orders-poison', SCG_REPORT_BATCH_ITEM_FAILURES: 'true' });
    const handler = kafkaConsumer({
      ...q.options,
      recordHandler: () => {
        throw new PoisonRecordError('not an order');
      },
    });
    // An MSK event may come without bootstrapServers.
    const { bootstrapServers: _omitted, ...event } = eventOf([input('orders', 0, 7)]) as unknown as Record<string, unknown>;

    const response = await handler({ ...event, eventSource: 'aws:kafka', eventSourceArn: 'arn:aws:kafka:eu-west-1:111122223333:cluster/c/abc' }, lambdaContext());

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: { partition: 'orders-0', offset: 7 } }] });
    const [failure] = q.logger.find(/^record failed/);
    expect(failure?.attributes.error).toMatchObject({ name: 'DeadLetterError' });
    expect((failure?.attributes.error as { causes: string[] }).causes).toEqual([expect.stringMatching(/^DeadLetterError: cannot write to kafka:\/\/orders-poison: the event carries no bootstrapServers/)]);
    await handler.close();
  });

  it('answers an empty batch with an empty response and publishes zeros', async () => {
    const q = quiet();
    let calls = 0;
    const handler = kafkaConsumer({ ...q.options, recordHandler: () => void (calls += 1) });

    const response = await handler({ eventSource: 'SelfManagedKafka', bootstrapServers: 'b:9092', records: {} }, lambdaContext());

    expect(response).toEqual({ batchItemFailures: [] });
    expect(calls).toBe(0);
    expect(q.emf.last).toMatchObject({ [CONSUMER_METRICS.PROCESSED]: 0, [CONSUMER_METRICS.FAILED]: 0, [CONSUMER_METRICS.DUPLICATES_SKIPPED]: 0 });
  });

  it('delivers tombstones to the handler as records without a value', async () => {
    const q = quiet();
    const seen: Array<[string, boolean, unknown]> = [];
    const handler = kafkaConsumer({ ...q.options, recordHandler: (record) => void seen.push([label(record), record.isTombstone, record.valueJson()]) });

    await handler(eventOf([input('users', 0, 0), input('users', 0, 1, null)]), lambdaContext());

    expect(seen).toEqual([
      ['users-0@0', false, { n: 0 }],
      ['users-0@1', true, null],
    ]);
  });

  it('leaves out records the filter rejects and counts them as filtered, not processed', async () => {
    const q = quiet();
    const seen: string[] = [];
    const handler = kafkaConsumer({ ...q.options, filter: (record) => !record.isTombstone, recordHandler: (record) => void seen.push(label(record)) });

    await handler(eventOf([input('users', 0, 0), input('users', 0, 1, null), input('users', 0, 2)]), lambdaContext());

    expect(seen).toEqual(['users-0@0', 'users-0@2']);
    expect(q.emf.last).toMatchObject({ [CONSUMER_METRICS.PROCESSED]: 2, [CONSUMER_METRICS.FILTERED]: 1 });
  });

  it('processes a 10,000-record batch over 6 partitions in order', async () => {
    const q = quiet();
    const last = new Map<number, bigint>();
    let outOfOrder = 0;
    const handler = kafkaConsumer({
      ...q.options,
      recordHandler: (record: KafkaRecord) => {
        const previous = last.get(record.partition);
        if (previous !== undefined && record.offset !== previous + 1n) outOfOrder += 1;
        last.set(record.partition, record.offset);
      },
    });
    const partitions = Object.fromEntries(Array.from({ length: 6 }, (_, p) => [`orders-${p}`, p < 4 ? 1_667 : 1_666]));

    const response = await handler(kafkaEvent(partitions), lambdaContext());

    expect(response).toEqual({ batchItemFailures: [] });
    expect(outOfOrder).toBe(0);
    expect([...last.values()]).toEqual([1666n, 1666n, 1666n, 1666n, 1665n, 1665n]);
    expect(q.emf.last).toMatchObject({ [CONSUMER_METRICS.PROCESSED]: 10_000 });
  });

  it('passes chunks of consecutive records of one partition to a chunk handler', async () => {
    const q = quiet({ SCG_CHUNK_SIZE: '4' });
    const chunks: string[][] = [];
    const handler = kafkaConsumer({
      ...q.options,
      chunkHandler: (records, { topic, partition }) => void chunks.push(records.map((r) => `${topic}-${partition}:${r.offset}`)),
    });

    await handler(kafkaEvent({ 'orders-0': 6 }), lambdaContext());

    expect(chunks).toEqual([
      ['orders-0:0', 'orders-0:1', 'orders-0:2', 'orders-0:3'],
      ['orders-0:4', 'orders-0:5'],
    ]);
  });

  it('handles the records before a record the filter throws on, then fails that record in a chunk', async () => {
    const q = quiet();
    const handled: bigint[] = [];
    const handler = kafkaConsumer({
      ...q.options,
      reportBatchItemFailures: true,
      filter: (record) => {
        if (record.offset === 2n) throw new Error('filter backend down');
        return record.offset !== 1n;
      },
      chunkHandler: (records) => void handled.push(...records.map((r) => r.offset)),
    });

    const response = await handler(kafkaEvent({ 'orders-0': 4 }), lambdaContext());

    expect(handled).toEqual([0n]);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: { partition: 'orders-0', offset: 2 } }] });
    expect(q.emf.last).toMatchObject({ [CONSUMER_METRICS.PROCESSED]: 1, [CONSUMER_METRICS.FILTERED]: 1, [CONSUMER_METRICS.FAILED]: 1 });
  });

  it('returns a middy handler that takes more middlewares', async () => {
    const q = quiet();
    const order: string[] = [];
    const handler = kafkaConsumer({ ...q.options, recordHandler: () => void order.push('handler') }).use({
      before: () => void order.push('before'),
      after: () => void order.push('after'),
    });

    await handler(kafkaEvent({ 'orders-0': 1 }), lambdaContext());

    expect(order).toEqual(['before', 'handler', 'after']);
  });

  it('keeps two invocations running at once apart (contexts, loggers, counts)', async () => {
    const q = quiet();
    const handler = kafkaConsumer({
      ...q.options,
      recordHandler: async (_record, { lambdaContext: context, logger }) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        logger.info('seen', { requestId: context.awsRequestId });
      },
    });

    await Promise.all([handler(kafkaEvent({ 'a-0': 3 }), lambdaContext('A')), handler(kafkaEvent({ 'b-0': 2 }), lambdaContext('B'))]);

    const seen = q.logger.find('seen').map((line) => `${String(line.attributes.topic)}:${String(line.attributes.requestId)}`);
    expect(seen.filter((s) => s === 'a:A')).toHaveLength(3);
    expect(seen.filter((s) => s === 'b:B')).toHaveLength(2);
    expect(seen).toHaveLength(5);
    expect(q.emf.documents.map((doc) => doc[CONSUMER_METRICS.PROCESSED]).sort()).toEqual([2, 3]);
  });

  it('logs JSON lines through Powertools by default, every line about a record keyed by group, topic, partition and offset', async () => {
    const written: string[] = [];
    // Powertools writes ERROR lines to stderr, the rest (and EMF) to stdout.
    const capture = (chunk: string | Uint8Array): boolean => {
      written.push(String(chunk));
      return true;
    };
    const spies = [jest.spyOn(process.stdout, 'write').mockImplementation(capture), jest.spyOn(process.stderr, 'write').mockImplementation(capture)];
    try {
      const handler = kafkaConsumer({
        env: { SCG_GROUP_ID: 'powertools-group', SCG_REPORT_BATCH_ITEM_FAILURES: 'true' },
        recordHandler: (record, { logger }) => {
          logger.info('handling');
          if (record.offset === 1n) throw new Error('boom');
        },
      });
      await handler(kafkaEvent({ 'orders-5': 2 }), lambdaContext());
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    const lines = written.flatMap((chunk) => chunk.split('\n')).filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
    const aboutRecords = lines.filter((line) => line.message === 'handling' || String(line.message).startsWith('record failed'));
    expect(aboutRecords).toHaveLength(3);
    for (const line of aboutRecords) expect(line).toMatchObject({ consumerGroup: 'powertools-group', topic: 'orders', partition: 5, offset: expect.stringMatching(/^[01]$/) });
    expect(lines.find((line) => line._aws !== undefined)).toMatchObject({ ConsumerGroup: 'powertools-group', [CONSUMER_METRICS.FAILED]: 1, [CONSUMER_METRICS.PROCESSED]: 1 });
  });
});
