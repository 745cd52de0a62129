import { safeParse } from '../validation/index.ts';
import { EVENT_SOURCES, TIMESTAMP_TYPES } from './constants.ts';
import { MalformedEventError } from './errors.ts';
import { kafkaEventSchema } from './schema.ts';
import type { KafkaEvent } from './types.ts';

// Validation has two halves. `findProblem` is a hand-written walk that accepts exactly what
// `kafkaEventSchema` accepts, at a fraction of the cost: zod spends ~2-3 µs per record, more
// than the whole per-record budget of the batch pipeline (2 µs). Only when the walk finds a
// problem does zod run, to produce the error message and path. A property test
// (test/unit/events/validate.test.ts) holds the two to the same verdict on fuzzed events.

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * What `z.record` accepts: zod's `isPlainObject` (realm-independent: a constructor whose
 * prototype owns `isPrototypeOf`, or no usable constructor), without enumerable symbol keys.
 */
function isPlainRecord(value: unknown): value is Obj {
  if (!isObject(value)) return false;
  const ctor: unknown = value.constructor;
  if (typeof ctor === 'function') {
    const proto: unknown = (ctor as { prototype?: unknown }).prototype;
    if (!isObject(proto) || !Object.prototype.hasOwnProperty.call(proto, 'isPrototypeOf')) return false;
  }
  const symbols = Object.getOwnPropertySymbols(value);
  return symbols.length === 0 || symbols.every((symbol) => !Object.prototype.propertyIsEnumerable.call(value, symbol));
}

function isNonNegativeSafeInt(value: unknown): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isNullishString(value: unknown): boolean {
  return value === undefined || value === null || typeof value === 'string';
}

function isSchemaMetadata(value: unknown): boolean {
  return value === undefined || (isObject(value) && typeof value.dataFormat === 'string' && typeof value.schemaId === 'string');
}

function isHeaderBytes(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) {
    const byte: unknown = value[i];
    if (typeof byte !== 'number' || !Number.isInteger(byte) || byte < -128 || byte > 255) return false;
  }
  return true;
}

function isHeaders(value: unknown): boolean {
  if (value === undefined) return true;
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) {
    const header: unknown = value[i];
    if (!isPlainRecord(header)) return false;
    // Unlike zod, which skips a `__proto__` key, its value is checked too: it is a legal header
    // name and the decoder reads it.
    for (const name of Object.keys(header)) {
      if (!isHeaderBytes(header[name])) return false;
    }
  }
  return true;
}

function isRecord(record: unknown): boolean {
  if (!isObject(record)) return false;
  const { topic, timestamp, timestampType } = record;
  return (
    typeof topic === 'string' &&
    topic.length > 0 &&
    isNonNegativeSafeInt(record.partition) &&
    isNonNegativeSafeInt(record.offset) &&
    typeof timestamp === 'number' &&
    Number.isSafeInteger(timestamp) &&
    (timestampType === TIMESTAMP_TYPES.CREATE_TIME || timestampType === TIMESTAMP_TYPES.LOG_APPEND_TIME) &&
    isNullishString(record.key) &&
    isNullishString(record.value) &&
    isHeaders(record.headers) &&
    isSchemaMetadata(record.keySchemaMetadata) &&
    isSchemaMetadata(record.valueSchemaMetadata)
  );
}

/**
 * True when `input` has the shape `kafkaEventSchema` accepts (a cheap check, no error detail).
 *
 * @example
 * if (!isValidKafkaEvent(payload)) return; // not for us
 */
export function isValidKafkaEvent(input: unknown): input is KafkaEvent {
  if (!isObject(input)) return false;
  const { eventSource, eventSourceArn, bootstrapServers, records } = input;
  if (eventSource === EVENT_SOURCES.MSK) {
    if (typeof eventSourceArn !== 'string' || eventSourceArn === '') return false;
  } else if (eventSource === EVENT_SOURCES.SELF_MANAGED || eventSource === EVENT_SOURCES.SELF_MANAGED_DOCUMENTED) {
    if (eventSourceArn !== undefined && typeof eventSourceArn !== 'string') return false;
  } else {
    return false;
  }
  if (!isNullishString(bootstrapServers)) return false;
  if (!isPlainRecord(records)) return false;
  for (const key of Object.keys(records)) {
    const list = records[key];
    if (!Array.isArray(list)) return false;
    for (let i = 0; i < list.length; i++) {
      if (!isRecord(list[i])) return false;
    }
  }
  return true;
}

/**
 * Renders a zod issue path the way a reader would index into the value.
 *
 * @example
 * formatPath(['records', 'my-topic-0', 3, 'offset']); // 'records["my-topic-0"][3].offset'
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

/**
 * Checks that `input` is a Kafka event as Lambda sends it.
 *
 * @throws MalformedEventError naming the path of the first bad field.
 * @example
 * const event = validateKafkaEvent(JSON.parse(body));
 */
export function validateKafkaEvent(input: unknown): KafkaEvent {
  if (isValidKafkaEvent(input)) return input;
  const result = safeParse(kafkaEventSchema, input);
  const issue = result.success ? undefined : result.error.issues[0];
  if (issue === undefined) {
    // Only a `__proto__` key gets here (zod skips those keys; the walk checks them).
    throw new MalformedEventError('', 'rejected by the structural check (a "__proto__" key with an invalid value?)');
  }
  throw new MalformedEventError(formatPath(issue.path), issue.message, { cause: result.error });
}
