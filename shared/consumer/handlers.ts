import { ChunkRecordError } from '../batch/index.ts';
import type { ChunkHandler, RecordHandler } from '../batch/index.ts';
import type { KafkaRecord } from '../events/index.ts';
import type { IdempotencyRuntime } from './idempotency.ts';
import { ChunkScope, currentInvocation, RecordScope } from './invocation.ts';
import type { ConsumerChunkHandler, ConsumerRecordHandler } from './types.ts';

type Filter = (record: KafkaRecord) => boolean;

// The adapters between the batch processor (built once) and the user's handler. They run per
// record, so the common path (no filter, no business keys) is kept to a store lookup, one
// small object and the call.

/**
 * The batch module's record handler for `user`: adds the record's context, the filter and,
 * in key mode, the business-key check around the call.
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
  if (filter !== undefined) {
    return (record) => {
      const invocation = currentInvocation();
      if (!filter(record)) {
        invocation.counts.filtered += 1;
        return undefined;
      }
      return user(record, new RecordScope(groupId, invocation, record));
    };
  }
  return (record) => user(record, new RecordScope(groupId, currentInvocation(), record));
}

/**
 * The batch module's chunk handler for `user`. With a filter, records it leaves out are not
 * passed; when it throws for a record, the records before it are handled first and the
 * failure is pinned on that record (`ChunkRecordError`), so none is counted as processed
 * without having run.
 */
export function adaptChunkHandler(user: ConsumerChunkHandler, groupId: string, filter: Filter | undefined): ChunkHandler {
  if (filter === undefined) {
    return (records) => {
      const first = records[0] as KafkaRecord;
      return user(records, new ChunkScope(groupId, currentInvocation(), first.topic, first.partition));
    };
  }
  return async (records) => {
    const invocation = currentInvocation();
    const first = records[0] as KafkaRecord;
    const scope = new ChunkScope(groupId, invocation, first.topic, first.partition);
    const kept: KafkaRecord[] = [];
    for (const record of records) {
      let keep: boolean;
      try {
        keep = filter(record);
      } catch (error) {
        if (kept.length > 0) await user(kept, scope);
        invocation.counts.filtered += records.indexOf(record) - kept.length;
        throw new ChunkRecordError(record.offset, error);
      }
      if (keep) kept.push(record);
    }
    if (kept.length > 0) await user(kept, scope);
    invocation.counts.filtered += records.length - kept.length;
  };
}
