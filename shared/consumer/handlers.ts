import { ChunkRecordError } from '../batch/index.ts';
import type { ChunkHandler, RecordHandler } from '../batch/index.ts';
import type { KafkaRecord } from '../events/index.ts';
import { chunkEffects, recordEffects } from './effects.ts';
import type { IdempotencyRuntime } from './idempotency.ts';
import { ChunkScope, currentInvocation, RecordScope } from './invocation.ts';
import type { Invocation } from './invocation.ts';
import type { ConsumerChunkHandler, ConsumerRecordHandler } from './types.ts';

type Filter = (record: KafkaRecord) => boolean;

// The adapters between the batch processor (built once) and the user's handler. They run per
// record, so the common path (no filter, no business keys, no effects) is kept to a store
// lookup, one small object, the call and a look at what it returned.

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * The batch module's record handler for `user`: adds the record's context, the filter and,
 * in key mode, the business-key check around the call. Effects the handler returns are handed
 * to idempotency (watermark mode), before the batch module counts the record as handled.
 */
export function adaptRecordHandler(user: ConsumerRecordHandler, groupId: string, idempotency: IdempotencyRuntime, filter: Filter | undefined): RecordHandler {
  if (idempotency.mode === 'key') {
    return async (record) => {
      const invocation = currentInvocation();
      if (filter !== undefined) {
        const verdict = invocation.filterVerdicts?.get(record) ?? filter(record);
        if (typeof verdict === 'object') throw verdict.error;
        if (!verdict) {
          invocation.counts.filtered += 1;
          return;
        }
      }
      const duplicate = await idempotency.runKeyed(invocation, record, () => user(record, new RecordScope(groupId, invocation, record)));
      if (duplicate) invocation.counts.duplicatesSkipped += 1;
    };
  }
  const take = (returned: unknown, record: KafkaRecord, invocation: Invocation): Promise<void> | undefined => {
    const units = recordEffects(returned, record);
    return units === undefined ? undefined : idempotency.takeEffects(invocation, units);
  };
  const call = (record: KafkaRecord, invocation: Invocation): unknown => {
    const returned = user(record, new RecordScope(groupId, invocation, record));
    return isPromiseLike(returned) ? Promise.resolve(returned).then((value) => take(value, record, invocation)) : take(returned, record, invocation);
  };
  if (filter !== undefined) {
    return (record) => {
      const invocation = currentInvocation();
      if (!filter(record)) {
        invocation.counts.filtered += 1;
        return undefined;
      }
      return call(record, invocation);
    };
  }
  return (record) => call(record, currentInvocation());
}

/**
 * The batch module's chunk handler for `user`. With a filter, records it leaves out are not
 * passed; when it throws for a record, the records before it are handled first and the
 * failure is pinned on that record (`ChunkRecordError`), so none is counted as processed
 * without having run. Effects it returns are handed to idempotency (watermark mode).
 *
 * With effects (`transactionalEffects`, or once any handler returned effects) a
 * `ChunkRecordError` from the handler fails the whole chunk: a handler that threw returned no
 * effects, so the records before the named one were not done. A poison cause then has the
 * batch module replay the chunk one record at a time, which isolates the poison record.
 */
export function adaptChunkHandler(user: ConsumerChunkHandler, groupId: string, idempotency: IdempotencyRuntime, filter: Filter | undefined, declaredEffects: boolean): ChunkHandler {
  const run = async (records: readonly KafkaRecord[], chunk: readonly KafkaRecord[], scope: ChunkScope, invocation: Invocation): Promise<void> => {
    let returned: unknown;
    try {
      returned = await user(records, scope);
    } catch (error) {
      if (error instanceof ChunkRecordError && (declaredEffects || idempotency.effects.seen)) throw error.cause;
      throw error;
    }
    const units = chunkEffects(returned, chunk);
    if (units !== undefined) await idempotency.takeEffects(invocation, units);
  };
  if (filter === undefined) {
    return (records) => {
      const invocation = currentInvocation();
      const first = records[0] as KafkaRecord;
      return run(records, records, new ChunkScope(groupId, invocation, first.topic, first.partition), invocation);
    };
  }
  return async (records) => {
    const invocation = currentInvocation();
    const first = records[0] as KafkaRecord;
    const scope = new ChunkScope(groupId, invocation, first.topic, first.partition);
    const kept: KafkaRecord[] = [];
    for (const [index, record] of records.entries()) {
      let keep: boolean;
      try {
        keep = filter(record);
      } catch (error) {
        // The records before this one are handled (their effects belong to that prefix).
        if (kept.length > 0) await run(kept, records.slice(0, index), scope, invocation);
        invocation.counts.filtered += index - kept.length;
        throw new ChunkRecordError(record.offset, error);
      }
      if (keep) kept.push(record);
    }
    if (kept.length > 0) await run(kept, records, scope, invocation);
    invocation.counts.filtered += records.length - kept.length;
  };
}
