import { processBatch, type PartitionOutcome } from '../../../shared/batch/index.ts';
import type { KafkaPartitionBatch } from '../../../shared/events/index.ts';
import { kafkaEvent, label, MemorySink } from './support.ts';
import { PoisonRecordError } from '../../../shared/batch/index.ts';

describe('the partition guard', () => {
  it('skips records at or below the watermark', async () => {
    const seen: string[] = [];
    const result = await processBatch(kafkaEvent({ 't-0': 5, 't-1': 2 }), {
      partitionGuard: { before: (partition) => (partition.partition === 0 ? { skipUpTo: 102n } : undefined) },
      recordHandler: (record) => void seen.push(label(record)),
    });
    expect(seen.sort()).toEqual(['t-0@103', 't-0@104', 't-1@100', 't-1@101']);
    expect(result.partitions[0]).toMatchObject({ skippedCount: 3, processedCount: 2, lastHandledOffset: 104n });
    expect(result.skippedCount).toBe(3);
  });

  it('tells after() the outcome, with the handled prefix as watermark', async () => {
    const outcomes: PartitionOutcome[] = [];
    const sink = new MemorySink();
    await processBatch(kafkaEvent({ 't-0': 5 }), {
      reportBatchItemFailures: true,
      deadLetter: { sink },
      partitionGuard: {
        before: async () => ({ skipUpTo: 100n }),
        after: async (_partition, outcome) => void outcomes.push(outcome),
      },
      recordHandler: (record) => {
        if (record.offset === 101n) throw new PoisonRecordError('poison');
        if (record.offset === 103n) throw new Error('transient');
      },
    });
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ skippedCount: 1, deadLetteredOffsets: [101n], processedCount: 1, lastHandledOffset: 102n, failedAtOffset: 103n });
  });

  it('fails the partition at its first record when before() throws', async () => {
    const guardErrors: string[] = [];
    let calls = 0;
    const result = await processBatch(kafkaEvent({ 't-0': 2, 't-1': 1 }), {
      reportBatchItemFailures: true,
      hooks: { onGuardError: ({ partition, phase }) => void guardErrors.push(`${partition.key}:${phase}`) },
      partitionGuard: {
        before: (partition: KafkaPartitionBatch) => {
          if (partition.partition === 0) throw new Error('store unreachable');
        },
      },
      recordHandler: () => void (calls += 1),
    });
    expect(result.response.batchItemFailures).toEqual([{ itemIdentifier: { partition: 't-0', offset: 100 } }]);
    expect(calls).toBe(1);
    expect(guardErrors).toEqual(['t-0:before']);
  });

  it('leaves the result unchanged when after() throws', async () => {
    const guardErrors: string[] = [];
    const result = await processBatch(kafkaEvent({ 't-0': 2 }), {
      hooks: { onGuardError: ({ phase, error }) => void guardErrors.push(`${phase}:${(error as Error).message}`) },
      partitionGuard: {
        after: () => {
          throw new Error('write failed');
        },
      },
      recordHandler: () => undefined,
    });
    expect(result.partitions[0]?.status).toBe('completed');
    expect(guardErrors).toEqual(['after:write failed']);
  });

  it('works with a class instance as guard', async () => {
    class Watermarks {
      readonly seen: string[] = [];
      before(partition: KafkaPartitionBatch) {
        return { skipUpTo: partition.records[0]?.offset ?? -1n };
      }
      after(partition: KafkaPartitionBatch, outcome: PartitionOutcome) {
        this.seen.push(`${partition.key}:${String(outcome.lastHandledOffset)}`);
      }
    }
    const guard = new Watermarks();
    const result = await processBatch(kafkaEvent({ 't-0': 3 }), { partitionGuard: guard, recordHandler: () => undefined });
    expect(result.partitions[0]).toMatchObject({ skippedCount: 1, processedCount: 2 });
    expect(guard.seen).toEqual(['t-0:102']);
  });
});
