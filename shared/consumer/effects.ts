import { buildBatchResponse, PARTITION_STATUSES } from '../batch/index.ts';
import type { BatchResult, PartitionOutcome } from '../batch/index.ts';
import type { KafkaPartitionBatch, KafkaRecord } from '../events/index.ts';
import { checkEffects, IdempotencyEffectsError, isTransactionalEffects } from '../idempotency/index.ts';
import type { TransactWriteItem, WatermarkBatch } from '../idempotency/index.ts';

// Transactional effects in the consumer: what handlers return, turned into per-record effects
// for the watermark batch, and the batch response corrected when a commit failed after the
// batch module had already counted the records as handled.

/** The effects of one record, checked (what the watermark batch takes). */
export interface EffectsUnit {
  readonly record: KafkaRecord;
  readonly effects: readonly TransactWriteItem[];
}

const describe = (record: KafkaRecord): string => `record ${record.topic}-${record.partition}@${record.offset}`;

function describeChunk(records: readonly KafkaRecord[]): string {
  const first = records[0] as KafkaRecord;
  const last = records.at(-1) as KafkaRecord;
  return first === last ? describe(first) : `records ${first.topic}-${first.partition}@${first.offset}..${last.offset}`;
}

/**
 * The effects a record handler returned (`{ effects }`), checked, or `undefined` when it
 * returned anything else.
 */
export function recordEffects(returned: unknown, record: KafkaRecord): EffectsUnit[] | undefined {
  if (!isTransactionalEffects(returned)) return undefined;
  return [{ record, effects: checkEffects(returned.effects, describe(record)) }];
}

/**
 * The effects a chunk handler returned, per record, checked: `{ effects: TransactWriteItem[] }`
 * belongs to the chunk as a whole (its last record, so it is committed once the whole chunk
 * is), `{ effects: Map<offset, TransactWriteItem[]> }` to the records it names. `chunk` is the
 * batch module's chunk (filtered-out records included); `undefined` when no effects were returned.
 */
export function chunkEffects(returned: unknown, chunk: readonly KafkaRecord[]): EffectsUnit[] | undefined {
  if (!isTransactionalEffects(returned)) return undefined;
  const { effects } = returned;
  if (!(effects instanceof Map)) {
    const last = chunk.at(-1) as KafkaRecord;
    return [{ record: last, effects: checkEffects(effects, `the chunk of ${describeChunk(chunk)} (one transaction with its watermark; return a Map of offset → effects to split it by record)`) }];
  }
  const byOffset = new Map(chunk.map((record) => [record.offset, record]));
  for (const offset of effects.keys()) {
    if (typeof offset !== 'bigint' || !byOffset.has(offset)) {
      throw new IdempotencyEffectsError(`the chunk of ${describeChunk(chunk)} returned effects for offset ${String(offset)}, which is not one of its records (keys must be bigint offsets)`);
    }
  }
  // In offset order whatever the Map's order, every unit checked before any is taken.
  return chunk
    .filter((record) => effects.has(record.offset))
    .map((record) => ({ record, effects: checkEffects(effects.get(record.offset), describe(record)) }));
}

/** The error of a record that returned effects while idempotency is off. */
export function effectsNeedIdempotency(record: KafkaRecord): IdempotencyEffectsError {
  return new IdempotencyEffectsError(
    `${describe(record)} returned effects, but effects need idempotency watermark or key (idempotency is off); nothing was applied`,
  );
}

/**
 * Corrects the batch result for partitions whose effects were not committed. The batch
 * module counted their records as handled when the handlers returned, but only records up to
 * the committed watermark have their effects applied: the partition must be redelivered
 * from the first record after it, or the records in between would be lost when Lambda
 * commits the batch. Returns `result` itself when nothing changes.
 */
export function correctForEffects(result: BatchResult, partitions: readonly KafkaPartitionBatch[], watermarks: WatermarkBatch | undefined): BatchResult {
  if (watermarks === undefined) return result;
  let changed = false;
  const outcomes = result.partitions.map((outcome): PartitionOutcome => {
    const batch = partitions.find((partition) => partition.key === outcome.key);
    const failure = batch === undefined || batch.records.length === 0 ? undefined : watermarks.effectsFailure(batch);
    if (batch === undefined || failure === undefined) return outcome;
    const committed = failure.committedWatermark;
    const index = batch.records.findIndex((record) => committed === undefined || record.offset > committed);
    const first = batch.records[index];
    if (first === undefined || (outcome.failedAtOffset !== undefined && outcome.failedAtOffset <= first.offset)) return outcome;
    changed = true;
    return {
      ...outcome,
      status: PARTITION_STATUSES.FAILED,
      lastHandledOffset: index === 0 ? undefined : batch.records[index - 1]?.offset,
      failedAtOffset: first.offset,
      error: failure,
      unhandledCount: batch.records.length - index,
    };
  });
  if (!changed) return result;
  const failures = outcomes.flatMap((outcome) =>
    outcome.failedAtOffset === undefined ? [] : [{ topic: outcome.topic, partition: outcome.partition, offset: outcome.failedAtOffset }],
  );
  return { ...result, partitions: outcomes, response: buildBatchResponse(failures), failedPartitionCount: failures.length };
}
