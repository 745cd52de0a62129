import type { KafkaPartitionBatch, KafkaRecord } from '../events/index.ts';
import { isPoison } from './classify.ts';
import { FAILURE_DISPOSITIONS } from './constants.ts';
import { toDeadLetterEntry } from './dead-letter/entry.ts';
import type { DeadLetterContext } from './dead-letter/types.ts';
import { ChunkRecordError, DeadLetterError } from './errors.ts';
import { callHook, isPromiseLike } from './hooks.ts';
import type { ResolvedOptions } from './options.ts';
import { PartitionProgress } from './partition-progress.ts';
import type { ChunkHandler, InvocationInfo, PartitionOutcome, RecordHandler } from './types.ts';

interface RunContext {
  readonly options: ResolvedOptions;
  readonly invocation: InvocationInfo;
}

function deadLetterContext(ctx: RunContext): DeadLetterContext {
  const { groupId } = ctx.options.deadLetter ?? {};
  const { functionName, requestId, attempt } = ctx.invocation;
  return {
    time: new Date().toISOString(),
    ...(groupId === undefined ? {} : { groupId }),
    ...(functionName === undefined ? {} : { functionName }),
    ...(requestId === undefined ? {} : { requestId }),
    ...(attempt === undefined ? {} : { attempt }),
  };
}

/**
 * Decides the fate of the failed record at `progress.nextIndex`. Poison goes to the dead-letter
 * sink and counts as handled (true: carry on). Everything else, a poison record with no sink,
 * and a sink failure (retriable) stop the partition (false).
 */
async function disposeFailure(record: KafkaRecord, error: unknown, progress: PartitionProgress, ctx: RunContext): Promise<boolean> {
  const { deadLetter, hooks } = ctx.options;
  if (deadLetter !== undefined && isPoison(error)) {
    try {
      const entry = toDeadLetterEntry(record, error, deadLetterContext(ctx));
      await deadLetter.sink.send([entry]);
      progress.deadLettered(record);
      callHook(() => hooks.onRecordFailed?.({ record, error, disposition: FAILURE_DISPOSITIONS.DEAD_LETTERED }));
      callHook(() => hooks.onDeadLettered?.([entry]));
      return true;
    } catch (sinkError) {
      const detail = error instanceof Error ? error.message : String(error);
      error = new DeadLetterError(
        `could not dead-letter topic ${record.topic} partition ${record.partition} offset ${record.offset} (${detail})`,
        { cause: sinkError },
      );
    }
  }
  progress.fail(error);
  callHook(() => hooks.onRecordFailed?.({ record, error, disposition: FAILURE_DISPOSITIONS.REPORTED }));
  return false;
}

async function runRecords(handler: RecordHandler, progress: PartitionProgress, ctx: RunContext): Promise<void> {
  const records = progress.batch.records;
  while (progress.nextIndex < records.length) {
    const record = records[progress.nextIndex] as KafkaRecord;
    try {
      const result = handler(record);
      if (isPromiseLike(result)) await result;
      progress.processed(1);
    } catch (error) {
      if (!(await disposeFailure(record, error, progress, ctx))) return;
    }
  }
}

/**
 * Chunks of `chunkSize` consecutive records. A `ChunkRecordError` names the failed record; any
 * other failure is blamed on the chunk's first record, except that a poison failure of a
 * multi-record chunk is first narrowed down by replaying that chunk one record at a time (so
 * a poison record does not drag its innocent chunk-mates into the dead-letter sink).
 */
async function runChunks(handler: ChunkHandler, chunkSize: number, progress: PartitionProgress, ctx: RunContext): Promise<void> {
  const records = progress.batch.records;
  let isolateUntil = progress.nextIndex;
  while (progress.nextIndex < records.length) {
    const start = progress.nextIndex;
    const end = Math.min(start + (start < isolateUntil ? 1 : chunkSize), records.length);
    const chunk = records.slice(start, end);
    try {
      const result = handler(chunk);
      if (isPromiseLike(result)) await result;
      progress.processed(chunk.length);
    } catch (error) {
      const named = error instanceof ChunkRecordError ? chunk.findIndex((r) => r.offset === error.offset) : -1;
      const cause = error instanceof ChunkRecordError ? error.cause : error;
      if (named === -1 && chunk.length > 1 && isPoison(cause)) {
        isolateUntil = end;
        continue;
      }
      progress.processed(Math.max(named, 0));
      const failed = records[progress.nextIndex] as KafkaRecord;
      if (!(await disposeFailure(failed, cause, progress, ctx))) return;
    }
  }
}

/** Runs the partition guard's `before`; returns false when the partition must stop. */
async function applyGuardBefore(progress: PartitionProgress, ctx: RunContext): Promise<boolean> {
  const { partitionGuard: guard, hooks } = ctx.options;
  if (guard?.before === undefined) return true;
  const batch = progress.batch;
  try {
    const decision = await guard.before(batch);
    const skipUpTo = decision?.skipUpTo;
    if (skipUpTo !== undefined) {
      let skip = 0;
      while (skip < batch.records.length && (batch.records[skip] as KafkaRecord).offset <= skipUpTo) skip++;
      progress.skipped(skip);
    }
    return true;
  } catch (error) {
    callHook(() => hooks.onGuardError?.({ partition: batch, phase: 'before', error }));
    progress.fail(error);
    return false;
  }
}

/**
 * Processes one partition: guard, then records strictly in offset order until the end or the
 * first failure that is not dead-lettered. Never rejects: every failure ends up in the outcome.
 */
export async function runPartition(batch: KafkaPartitionBatch, ctx: RunContext): Promise<PartitionOutcome> {
  const { recordHandler, chunkHandler, chunkSize, partitionGuard: guard, hooks } = ctx.options;
  const progress = new PartitionProgress(batch);
  try {
    if (await applyGuardBefore(progress, ctx)) {
      if (recordHandler !== undefined) await runRecords(recordHandler, progress, ctx);
      else if (chunkHandler !== undefined) await runChunks(chunkHandler, chunkSize, progress, ctx);
    }
  } catch (error) {
    // Only reachable through a bug in this module: fail where we stand rather than lose track.
    progress.fail(error);
  }
  const outcome = progress.toOutcome();
  if (guard?.after !== undefined) {
    try {
      await guard.after(batch, outcome);
    } catch (error) {
      callHook(() => hooks.onGuardError?.({ partition: batch, phase: 'after', error }));
    }
  }
  callHook(() => hooks.onPartitionComplete?.(outcome));
  return outcome;
}
