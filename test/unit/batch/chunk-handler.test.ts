import { ChunkRecordError, PoisonRecordError, processBatch } from '../../../shared/batch/index.ts';
import type { KafkaRecord } from '../../../shared/events/index.ts';
import { kafkaEvent, label, MemorySink } from './support.ts';

const offsets = (records: readonly KafkaRecord[]): number[] => records.map((r) => Number(r.offset));

describe('processBatch with a chunk handler', () => {
  it('passes chunks of consecutive records of one partition, 100 by default', async () => {
    const chunks: string[][] = [];
    const result = await processBatch(kafkaEvent({ 't-0': 250, 't-1': 3 }), {
      chunkHandler: (records) => void chunks.push(records.map(label)),
    });
    const sizes = chunks.filter((c) => c[0]?.startsWith('t-0')).map((c) => c.length);
    expect(sizes).toEqual([100, 100, 50]);
    expect(chunks.find((c) => c[0]?.startsWith('t-1'))).toEqual(['t-1@100', 't-1@101', 't-1@102']);
    expect(result.processedCount).toBe(253);
  });

  it('honours chunkSize', async () => {
    const sizes: number[] = [];
    await processBatch(kafkaEvent({ 't-0': 7 }), { chunkSize: 3, chunkHandler: (records) => void sizes.push(records.length) });
    expect(sizes).toEqual([3, 3, 1]);
  });

  it('counts records before the one named by ChunkRecordError as processed and stops at it', async () => {
    const chunks: number[][] = [];
    const result = await processBatch(kafkaEvent({ 't-0': 10 }), {
      reportBatchItemFailures: true,
      chunkSize: 5,
      chunkHandler: (records) => {
        chunks.push(offsets(records));
        if (records.some((r) => r.offset === 107n)) throw new ChunkRecordError(107n, new Error('constraint violated'));
      },
    });
    expect(chunks).toEqual([
      [100, 101, 102, 103, 104],
      [105, 106, 107, 108, 109],
    ]);
    expect(result.partitions[0]).toMatchObject({ processedCount: 7, failedAtOffset: 107n, lastHandledOffset: 106n, unhandledCount: 3 });
    expect((result.partitions[0]?.error as Error).message).toBe('constraint violated');
    expect(result.response.batchItemFailures).toEqual([{ itemIdentifier: { partition: 't-0', offset: 107 } }]);
  });

  it('blames the first record of the chunk for any other failure', async () => {
    const result = await processBatch(kafkaEvent({ 't-0': 6 }), {
      reportBatchItemFailures: true,
      chunkSize: 3,
      chunkHandler: (records) => {
        if (records[0]?.offset === 103n) throw new Error('bulk insert failed');
      },
    });
    expect(result.partitions[0]).toMatchObject({ processedCount: 3, failedAtOffset: 103n });
  });

  it('blames the first record when ChunkRecordError names an offset outside the chunk', async () => {
    const result = await processBatch(kafkaEvent({ 't-0': 3 }), {
      reportBatchItemFailures: true,
      chunkHandler: () => {
        throw new ChunkRecordError(999n, new Error('confused'));
      },
    });
    expect(result.partitions[0]?.failedAtOffset).toBe(100n);
  });

  it('dead-letters a poison record named by ChunkRecordError and resumes after it', async () => {
    const sink = new MemorySink();
    const chunks: number[][] = [];
    const result = await processBatch(kafkaEvent({ 't-0': 6 }), {
      deadLetter: { sink },
      chunkSize: 4,
      chunkHandler: (records) => {
        chunks.push(offsets(records));
        if (records[0]?.offset === 100n) throw new ChunkRecordError(101n, new PoisonRecordError('bad record'));
      },
    });
    expect(chunks).toEqual([
      [100, 101, 102, 103],
      [102, 103, 104, 105],
    ]);
    expect(sink.entries.map((e) => [e.offset, e.error.message])).toEqual([['101', 'bad record']]);
    expect(result.partitions[0]).toMatchObject({ status: 'completed', processedCount: 5, deadLetteredOffsets: [101n] });
  });

  it('narrows an unattributed poison failure down record by record before dead-lettering', async () => {
    const sink = new MemorySink();
    const chunks: number[][] = [];
    const result = await processBatch(kafkaEvent({ 't-0': 6 }), {
      deadLetter: { sink },
      chunkSize: 3,
      chunkHandler: (records) => {
        chunks.push(offsets(records));
        if (records.some((r) => r.offset === 101n)) throw new PoisonRecordError('chunk contains garbage');
      },
    });
    expect(chunks).toEqual([[100, 101, 102], [100], [101], [102], [103, 104, 105]]);
    expect(sink.entries.map((e) => e.offset)).toEqual(['101']);
    expect(result.partitions[0]).toMatchObject({ processedCount: 5, deadLetteredOffsets: [101n] });
  });

  it('does not replay a chunk record by record for retriable failures', async () => {
    let calls = 0;
    await processBatch(kafkaEvent({ 't-0': 6 }), {
      reportBatchItemFailures: true,
      chunkSize: 3,
      chunkHandler: () => {
        calls += 1;
        throw new Error('database down');
      },
    });
    expect(calls).toBe(1);
  });
});
