import type { KafkaPartitionBatch, KafkaRecord } from '../events/index.ts';
import { PARTITION_STATUSES } from './constants.ts';
import type { PartitionOutcome } from './types.ts';

/**
 * Bookkeeping of one partition run. Records are handled as a prefix: `nextIndex` is the first
 * record not yet handled; once a record fails, nothing after it is touched.
 */
export class PartitionProgress {
  readonly batch: KafkaPartitionBatch;
  nextIndex = 0;
  processedCount = 0;
  skippedCount = 0;
  readonly deadLetteredOffsets: bigint[] = [];
  lastHandledOffset: bigint | undefined;
  failedIndex: number | undefined;
  error: unknown;

  constructor(batch: KafkaPartitionBatch) {
    this.batch = batch;
  }

  get failed(): boolean {
    return this.failedIndex !== undefined;
  }

  skipped(count: number): void {
    if (count === 0) return;
    this.skippedCount += count;
    this.#advance(count);
  }

  processed(count: number): void {
    if (count === 0) return;
    this.processedCount += count;
    this.#advance(count);
  }

  deadLettered(record: KafkaRecord): void {
    this.deadLetteredOffsets.push(record.offset);
    this.#advance(1);
  }

  /** The record at `nextIndex` failed; the partition stops there. */
  fail(error: unknown): void {
    if (this.failed || this.nextIndex >= this.batch.records.length) return;
    this.failedIndex = this.nextIndex;
    this.error = error;
  }

  toOutcome(): PartitionOutcome {
    const { topic, partition, key, records } = this.batch;
    const failedIndex = this.failedIndex;
    return {
      topic,
      partition,
      key,
      status: failedIndex === undefined ? PARTITION_STATUSES.COMPLETED : PARTITION_STATUSES.FAILED,
      recordCount: records.length,
      processedCount: this.processedCount,
      skippedCount: this.skippedCount,
      deadLetteredOffsets: this.deadLetteredOffsets,
      lastHandledOffset: this.lastHandledOffset,
      failedAtOffset: failedIndex === undefined ? undefined : records[failedIndex]?.offset,
      error: this.error,
      unhandledCount: failedIndex === undefined ? 0 : records.length - failedIndex,
    };
  }

  #advance(count: number): void {
    this.nextIndex += count;
    this.lastHandledOffset = this.batch.records[this.nextIndex - 1]?.offset;
  }
}
