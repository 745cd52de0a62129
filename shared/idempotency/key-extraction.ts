import { IdempotencyKeyError } from './errors.ts';
import { topicPartitionKey } from './partition-keys.ts';
import type { KeyFunction, KeyedRecord } from './types.ts';

/** Turns a record into the JSON value a key path walks. */
export type ValueDecoder<R> = (record: R) => unknown;

const describe = (record: KeyedRecord): string => `record ${topicPartitionKey(record)}@${record.offset}`;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The default decoder: parsed values pass through, JSON text (string) and UTF-8 JSON bytes
 * (`Uint8Array`, `Buffer`) are parsed. A tombstone (`null`/absent value) has no key.
 */
export function decodeJsonValue(record: KeyedRecord): unknown {
  const { value } = record;
  if (value === undefined || value === null) {
    throw new IdempotencyKeyError(`${describe(record)} has no value (tombstone), so it has no business key`);
  }
  if (typeof value !== 'string' && !(value instanceof Uint8Array)) return value;
  try {
    return JSON.parse(typeof value === 'string' ? value : utf8.decode(value));
  } catch (error) {
    throw new IdempotencyKeyError(`${describe(record)}: value is not JSON, so no business key can be read from it`, { cause: error });
  }
}

/**
 * Builds a key function that reads a dotted path (`order.id`, `items.0.sku`) from the
 * record's JSON value. The key must be a non-empty string or a finite number/bigint;
 * anything else throws an `IdempotencyKeyError` naming the path and the record.
 *
 * @example
 * const keyOf = keyFromPath('order.id');
 * keyOf({ topic: 'orders', partition: 0, offset: 7n, value: '{"order":{"id":"A-1"}}' }); // 'A-1'
 */
export function keyFromPath<R extends KeyedRecord>(path: string, decodeValue: ValueDecoder<R> = decodeJsonValue): KeyFunction<R> {
  const segments = path.split('.');
  return (record) => {
    let current = decodeOrThrowKeyError(record, decodeValue);
    for (const [index, segment] of segments.entries()) {
      const reached = segments.slice(0, index).join('.') || '(value)';
      // Own properties only: `constructor` or `__proto__` must not resolve to a key.
      if (typeof current !== 'object' || current === null || !Object.hasOwn(current, segment)) {
        throw new IdempotencyKeyError(
          `idempotency key path "${path}" is missing from ${describe(record)}: ${reached} has no "${segment}"`,
        );
      }
      current = (current as Record<string, unknown>)[segment];
    }
    if (typeof current === 'string' && current.length > 0) return current;
    if ((typeof current === 'number' && Number.isFinite(current)) || typeof current === 'bigint') return String(current);
    const kind = Array.isArray(current) ? 'array' : typeof current;
    const found = current === null ? 'null' : current === '' ? 'an empty string' : `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind}`;
    throw new IdempotencyKeyError(
      `idempotency key path "${path}" in ${describe(record)} is ${found}; expected a non-empty string or a number`,
    );
  };
}

// A decoder may fail in its own way (an invalid base64 value, a custom parser): report it
// as a key error of this record, so only this record fails and its cause is kept.
function decodeOrThrowKeyError<R extends KeyedRecord>(record: R, decodeValue: ValueDecoder<R>): unknown {
  try {
    return decodeValue(record);
  } catch (error) {
    if (error instanceof IdempotencyKeyError) throw error;
    throw new IdempotencyKeyError(`${describe(record)}: value could not be decoded, so no business key can be read from it`, { cause: error });
  }
}

/**
 * Wraps a key function so that a throw or a non-string result becomes an
 * `IdempotencyKeyError` naming the record.
 */
export function checkedKeyFunction<R extends KeyedRecord>(keyOf: KeyFunction<R>): KeyFunction<R> {
  return (record) => {
    let key: unknown;
    try {
      key = keyOf(record);
    } catch (error) {
      if (error instanceof IdempotencyKeyError) throw error;
      throw new IdempotencyKeyError(`idempotency key function threw for ${describe(record)}`, { cause: error });
    }
    if (typeof key !== 'string' || key.length === 0) {
      throw new IdempotencyKeyError(
        `idempotency key function returned ${typeof key === 'string' ? 'an empty string' : typeof key} for ${describe(record)}; expected a non-empty string`,
      );
    }
    return key;
  };
}
