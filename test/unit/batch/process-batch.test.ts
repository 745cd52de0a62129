import { z } from 'zod';
import {
  BatchProcessingError,
  createBatchProcessor,
  DeadLetterError,
  PoisonRecordError,
  processBatch,
  type RecordFailure,
} from '../../../shared/batch/index.ts';
import { EventsError, type KafkaRecord } from '../../../shared/events/index.ts';
import { BrokenSink, decodedEvent, kafkaEvent, label, MemorySink, rejectionOf, tick } from './support.ts';

describe('processBatch with a record handler', () => {
  it('processes every record of every partition in offset order', async () => {
    const seen: string[] = [];
    const result = await processBatch(kafkaEvent({ 'orders-0': 3, 'orders-1': 2 }), {
      recordHandler: (record) => {
        seen.push(label(record));
      },
    });
    expect(seen.filter((l) => l.startsWith('orders-0'))).toEqual(['orders-0@100', 'orders-0@101', 'orders-0@102']);
    expect(seen.filter((l) => l.startsWith('orders-1'))).toEqual(['orders-1@100', 'orders-1@101']);
    expect(result.response).toEqual({ batchItemFailures: [] });
    expect(result.processedCount).toBe(5);
    expect(result.partitions.map((p) => p.status)).toEqual(['completed', 'completed']);
  });

  it('stops a partition at its first failure; later records stay untouched, other partitions complete', async () => {
    const seen: string[] = [];
    const result = await processBatch(kafkaEvent({ 'my-topic-0': 4, 'my-topic-1': 4 }), {
      reportBatchItemFailures: true,
      recordHandler: async (record) => {
        seen.push(label(record));
        if (label(record) === 'my-topic-1@101') throw new Error('database timeout');
      },
    });
    expect(seen).not.toContain('my-topic-1@102');
    expect(seen).not.toContain('my-topic-1@103');
    expect(seen.filter((l) => l.startsWith('my-topic-0'))).toHaveLength(4);
    expect(result.response).toEqual({ batchItemFailures: [{ itemIdentifier: { partition: 'my-topic-1', offset: 101 } }] });
    const failed = result.partitions[1];
    expect(failed).toMatchObject({ status: 'failed', processedCount: 1, failedAtOffset: 101n, lastHandledOffset: 100n, unhandledCount: 3 });
    expect((failed?.error as Error).message).toBe('database timeout');
    expect(result.failedPartitionCount).toBe(1);
  });

  it('runs the records of one partition one at a time', async () => {
    let inFlight = 0;
    let overlap = false;
    await processBatch(kafkaEvent({ 't-0': 5 }), {
      recordHandler: async () => {
        inFlight += 1;
        if (inFlight > 1) overlap = true;
        await tick();
        inFlight -= 1;
      },
    });
    expect(overlap).toBe(false);
  });

  it('sends poison records to the dead-letter sink and moves on', async () => {
    const sink = new MemorySink();
    const seen: string[] = [];
    const result = await processBatch(
      kafkaEvent({ 'orders-2': 3 }),
      {
        reportBatchItemFailures: true,
        deadLetter: { sink, groupId: 'orders-consumer' },
        recordHandler: (record) => {
          seen.push(label(record));
          if (record.offset === 101n) throw new PoisonRecordError('not an order');
        },
      },
      { requestId: 'req-1', functionName: 'orders-fn' },
    );
    expect(seen).toEqual(['orders-2@100', 'orders-2@101', 'orders-2@102']);
    expect(result.response.batchItemFailures).toEqual([]);
    expect(result.partitions[0]).toMatchObject({ status: 'completed', processedCount: 2, deadLetteredOffsets: [101n], lastHandledOffset: 102n });
    expect(sink.entries).toHaveLength(1);
    const [entry] = sink.entries;
    expect(entry).toMatchObject({
      topic: 'orders',
      partition: 2,
      offset: '101',
      key: Buffer.from('k1').toString('base64'),
      value: Buffer.from('orders-2@101').toString('base64'),
      headers: [{ name: 'trace', value: Buffer.from('t1').toString('base64') }],
      error: { name: 'PoisonRecordError', message: 'not an order', code: 'BATCH_POISON_RECORD' },
      context: { groupId: 'orders-consumer', functionName: 'orders-fn', requestId: 'req-1' },
    });
    expect(Date.parse(entry?.context.time ?? '')).not.toBeNaN();
    expect(result.deadLetteredCount).toBe(1);
  });

  it('treats undecodable payloads and failed validation as poison', async () => {
    const sink = new MemorySink();
    const schema = z.object({ id: z.number() });
    const event = kafkaEvent({ 't-0': 2 }, (input) => ({ value: Buffer.from(input.offset === 100n ? '{broken' : '{"id":"x"}') }));
    const result = await processBatch(event, {
      deadLetter: { sink },
      recordHandler: (record) => schema.parse(record.valueJson()),
    });
    expect(sink.entries.map((e) => [e.offset, e.error.name])).toEqual([
      ['100', 'RecordDecodeError'],
      ['101', 'ZodError'],
    ]);
    expect(result.failedPartitionCount).toBe(0);
  });

  it('reports a record as failed, retriably, when the dead-letter sink fails', async () => {
    const sink = new BrokenSink();
    const result = await processBatch(kafkaEvent({ 't-0': 3 }), {
      reportBatchItemFailures: true,
      deadLetter: { sink },
      recordHandler: (record) => {
        if (record.offset === 101n) throw new PoisonRecordError('bad');
      },
    });
    expect(sink.calls).toBe(1);
    expect(result.response).toEqual({ batchItemFailures: [{ itemIdentifier: { partition: 't-0', offset: 101 } }] });
    const error = result.partitions[0]?.error;
    expect(error).toBeInstanceOf(DeadLetterError);
    expect(error).toMatchObject({ retriable: true, code: 'BATCH_DEAD_LETTER_FAILED' });
    expect((error as Error).message).toMatch(/topic t partition 0 offset 101 \(bad\)/);
  });

  it('reports poison like any failure when no sink is configured', async () => {
    const result = await processBatch(kafkaEvent({ 't-0': 3 }), {
      reportBatchItemFailures: true,
      recordHandler: (record) => {
        if (record.offset === 100n) throw new PoisonRecordError('bad');
      },
    });
    expect(result.response.batchItemFailures).toEqual([{ itemIdentifier: { partition: 't-0', offset: 100 } }]);
    expect(result.partitions[0]?.processedCount).toBe(0);
  });

  it('never dead-letters retriable failures', async () => {
    const sink = new MemorySink();
    const result = await processBatch(kafkaEvent({ 't-0': 2 }), {
      reportBatchItemFailures: true,
      deadLetter: { sink },
      recordHandler: () => {
        throw new Error('throttled');
      },
    });
    expect(sink.calls).toBe(0);
    expect(result.partitions[0]?.failedAtOffset).toBe(100n);
  });

  it('handles an empty batch', async () => {
    let calls = 0;
    const result = await processBatch(kafkaEvent({}), {
      recordHandler: () => {
        calls += 1;
      },
    });
    expect(calls).toBe(0);
    expect(result).toMatchObject({ response: { batchItemFailures: [] }, partitions: [], recordCount: 0 });
  });

  it('hands tombstones to the handler with a null value', async () => {
    const values: (string | null)[] = [];
    await processBatch(
      kafkaEvent({ 't-0': 2 }, (input) => (input.offset === 101n ? { value: null } : {})),
      { recordHandler: (record) => void values.push(record.isTombstone ? null : record.valueString()) },
    );
    expect(values).toEqual(['t-0@100', null]);
  });

  it('processes a 10,000-record batch', async () => {
    const event = kafkaEvent({ 'orders-0': 2_500, 'orders-1': 2_500, 'orders-2': 2_500, 'orders-3': 2_500 });
    let count = 0;
    const processor = createBatchProcessor({
      reportBatchItemFailures: true,
      recordHandler: async () => {
        count += 1;
      },
    });
    const started = performance.now();
    const result = await processor.process(event);
    const elapsedMs = performance.now() - started;
    expect(count).toBe(10_000);
    expect(result.processedCount).toBe(10_000);
    // Generous bound (20 µs per record, cold JIT included): catches accidental quadratic work.
    expect(elapsedMs).toBeLessThan(200);
  });

  it('keeps at most `concurrency` partitions in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    await processBatch(kafkaEvent({ 'a-0': 3, 'a-1': 3, 'a-2': 3, 'a-3': 3, 'a-4': 3 }), {
      concurrency: 2,
      recordHandler: async () => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await tick();
        inFlight -= 1;
      },
    });
    expect(peak).toBe(2);
  });

  it('defaults to four partitions in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const partitions = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`a-${i}`, 2]));
    await processBatch(kafkaEvent(partitions), {
      recordHandler: async () => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await tick();
        inFlight -= 1;
      },
    });
    expect(peak).toBe(4);
  });

  it('throws a retriable BatchProcessingError when partial responses are off', async () => {
    const error = await rejectionOf(() =>
      processBatch(kafkaEvent({ 't-0': 2, 't-1': 2 }), {
        recordHandler: (record) => {
          if (record.partition === 1) throw new Error('boom');
        },
      }),
    );
    expect(error).toBeInstanceOf(BatchProcessingError);
    expect(error).toMatchObject({ retriable: true, code: 'BATCH_FAILED' });
    expect((error as BatchProcessingError).message).toMatch(/1 of 2 partitions failed: topic t partition 1 at offset 100 \(Error: boom\)/);
    expect((error as BatchProcessingError).result.partitions[0]?.processedCount).toBe(2);
  });

  it('accepts a decoded event and a list of partitions', async () => {
    const labels: string[] = [];
    const options = { recordHandler: (record: KafkaRecord) => void labels.push(label(record)) };
    const decoded = decodedEvent({ 'x-0': 1 });
    await processBatch(decoded, options);
    await processBatch(decoded.partitions, options);
    expect(labels).toEqual(['x-0@100', 'x-0@100']);
  });

  it('rejects a malformed event with a non-retriable EventsError', async () => {
    const error = await rejectionOf(() => processBatch({ eventSource: 'aws:kafka', records: {} }, { recordHandler: () => undefined }));
    expect(error).toBeInstanceOf(EventsError);
    expect((error as EventsError).retriable).toBe(false);
  });

  it('tells the hooks what happened', async () => {
    const failures: RecordFailure[] = [];
    const completed: string[] = [];
    let batches = 0;
    const sink = new MemorySink();
    await processBatch(kafkaEvent({ 't-0': 3, 't-1': 1 }), {
      reportBatchItemFailures: true,
      deadLetter: { sink },
      hooks: {
        onRecordFailed: (failure) => void failures.push(failure),
        onPartitionComplete: (outcome) => void completed.push(`${outcome.key}:${outcome.status}`),
        onBatchComplete: () => void (batches += 1),
      },
      recordHandler: (record) => {
        if (record.offset === 100n && record.partition === 0) throw new PoisonRecordError('poison');
        if (record.offset === 101n) throw new Error('transient');
      },
    });
    expect(failures.map((f) => [label(f.record), f.disposition])).toEqual([
      ['t-0@100', 'dead-lettered'],
      ['t-0@101', 'reported'],
    ]);
    expect(completed.sort()).toEqual(['t-0:failed', 't-1:completed']);
    expect(batches).toBe(1);
  });

  it('ignores hooks that throw or reject', async () => {
    const result = await processBatch(kafkaEvent({ 't-0': 2 }), {
      reportBatchItemFailures: true,
      hooks: {
        onRecordFailed: () => {
          throw new Error('logger down');
        },
        onPartitionComplete: () => Promise.reject(new Error('metrics down')) as unknown as void,
      },
      recordHandler: (record) => {
        if (record.offset === 101n) throw new Error('x');
      },
    });
    expect(result.partitions[0]?.failedAtOffset).toBe(101n);
    await tick();
  });
});
