import type { KafkaRecord } from '../../events/index.ts';
import type { DeadLetterContext, DeadLetterEntry, DeadLetterHeader } from './types.ts';

function headerValueBase64(numbers: readonly number[]): string {
  const bytes = Buffer.allocUnsafe(numbers.length);
  for (let i = 0; i < numbers.length; i++) bytes[i] = (numbers[i] as number) & 0xff;
  return bytes.toString('base64');
}

/**
 * `name`, `message` and (when it has one) the string `code` of any thrown value.
 *
 * @example
 * describeError(new PoisonRecordError('bad')); // { name: 'PoisonRecordError', message: 'bad', code: 'BATCH_POISON_RECORD' }
 */
export function describeError(error: unknown): { name: string; message: string; code?: string } {
  if (error instanceof Error) {
    const code: unknown = (error as { code?: unknown }).code;
    return typeof code === 'string' ? { name: error.name, message: error.message, code } : { name: error.name, message: error.message };
  }
  return { name: 'NonError', message: String(error) };
}

/**
 * Builds the dead-letter entry of `record`. Key, value and headers are taken from the raw
 * record as Lambda sent it, so even a record whose payload cannot be decoded is preserved.
 *
 * @example
 * await sink.send([toDeadLetterEntry(record, error, { time: new Date().toISOString(), groupId })]);
 */
export function toDeadLetterEntry(record: KafkaRecord, error: unknown, context: DeadLetterContext): DeadLetterEntry {
  const raw = record.raw;
  const headers: DeadLetterHeader[] = [];
  for (const header of raw.headers ?? []) {
    for (const name of Object.keys(header)) headers.push({ name, value: headerValueBase64(header[name] ?? []) });
  }
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset.toString(),
    timestampMs: record.timestampMs,
    timestampType: record.timestampType,
    key: raw.key ?? null,
    value: raw.value ?? null,
    headers,
    error: describeError(error),
    context,
  };
}
