// audit-service-group on `user-events`: one audit item per record, keyed by where the record
// lives (pk `<topic>-<partition>`, sk offset) and built only from the record itself. That
// makes it naturally idempotent: a redelivered record rewrites the very same item, so it
// needs no idempotency store (`SCG_IDEMPOTENCY=off` is correct; the watermark mode the
// scenario deploys only saves the rewrites). Chunks of 100 (SCG_CHUNK_SIZE) are written with
// BatchWriteItem, 25 per request. Nothing is poison to an audit trail: tombstones and
// unreadable values are recorded as such.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KafkaRecord } from '../../shared/events/index.ts';
import { kafkaConsumer } from '../../shared/consumer/index.ts';
import type { ConsumerHandler } from '../../shared/consumer/index.ts';
import { batchWriteAll, decodeUserEvent, passThrough, tableFromEnv } from '../../shared/consumer/examples/index.ts';
import type { DynamoItem, ExampleConsumerOptions } from '../../shared/consumer/examples/index.ts';

/** The variable naming the audit table (`pk` S = `<topic>-<partition>`, `sk` N = offset). */
export const AUDIT_TABLE_VARIABLE = 'AUDIT_TABLE';

/** `eventType` of records that carry no readable user event. */
export const AUDIT_UNREADABLE = { TOMBSTONE: '(tombstone)', INVALID: '(invalid)' } as const;

function auditItem(record: KafkaRecord): DynamoItem {
  const item: DynamoItem = {
    pk: { S: `${record.topic}-${record.partition}` },
    sk: { N: record.offset.toString() },
    recordTimestampMs: { N: String(record.timestampMs) },
    timestampType: { S: record.timestampType },
  };
  if (record.raw.key !== undefined && record.raw.key !== null) item.recordKey = { S: record.raw.key };
  if (record.isTombstone) return { ...item, eventType: { S: AUDIT_UNREADABLE.TOMBSTONE } };
  try {
    const event = decodeUserEvent(record);
    return { ...item, eventType: { S: event.type }, eventId: { S: event.eventId }, userId: { S: event.userId }, occurredAt: { S: event.occurredAt } };
  } catch (error) {
    return { ...item, eventType: { S: AUDIT_UNREADABLE.INVALID }, problem: { S: error instanceof Error ? error.message : String(error) } };
  }
}

/**
 * The audit-service handler. Configuration is read when this is called (cold start).
 *
 * @example
 * export const handler = createAuditServiceHandler();
 */
export function createAuditServiceHandler(options: ExampleConsumerOptions = {}): ConsumerHandler {
  const env = options.env ?? process.env;
  const tableName = tableFromEnv(env, AUDIT_TABLE_VARIABLE);
  const client = options.client ?? new DynamoDBClient({});
  return kafkaConsumer({
    ...passThrough(options),
    env,
    ...(options.idempotency === undefined ? {} : { idempotency: options.idempotency }),
    chunkHandler: async (records) => {
      await batchWriteAll(client, tableName, records.map(auditItem));
    },
  });
}
