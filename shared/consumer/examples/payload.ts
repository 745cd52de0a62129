import type * as z from 'zod/mini';
import { PoisonRecordError } from '../../batch/index.ts';
import { formatPath } from '../../events/index.ts';
import type { KafkaRecord } from '../../events/index.ts';
import { safeParse } from '../../validation/index.ts';

function where(record: KafkaRecord): string {
  return `topic ${record.topic} partition ${record.partition} offset ${record.offset}`;
}

/**
 * The record's JSON value checked against `schema`. Anything else (a tombstone, bytes that
 * are not UTF-8 JSON, a value the schema rejects) can never succeed, so it throws a
 * `PoisonRecordError` naming the record and the first bad field: the consumer dead-letters it.
 *
 * @example
 * const order = decodeJsonPayload(record, orderEventSchema, 'order event');
 */
export function decodeJsonPayload<S extends z.core.$ZodType>(record: KafkaRecord, schema: S, what: string): z.output<S> {
  let json: unknown;
  try {
    json = record.valueJson();
  } catch (error) {
    throw new PoisonRecordError(`${where(record)} is not a ${what}: the value is not UTF-8 JSON`, { cause: error });
  }
  if (json === null) throw new PoisonRecordError(`${where(record)} is not a ${what}: it is a tombstone (no value)`);
  const parsed = safeParse(schema, json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue === undefined || issue.path.length === 0 ? '(value)' : formatPath(issue.path);
  throw new PoisonRecordError(`${where(record)} is not a ${what}: ${field}: ${issue?.message ?? 'invalid'}`, { cause: parsed.error });
}
