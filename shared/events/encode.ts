import { bytesToHeaderNumbers, toBase64 } from './bytes.ts';
import { EVENT_ORIGIN_KINDS, EVENT_SOURCES, TIMESTAMP_TYPES } from './constants.ts';
import { EventEncodeError } from './errors.ts';
import { topicPartitionKey } from './topic-partition.ts';
import type { EventOrigin, KafkaEvent, KafkaEventHeader, KafkaEventRecord, KafkaRecordInput } from './types.ts';

const MAX_SAFE_OFFSET = BigInt(Number.MAX_SAFE_INTEGER);

type MutableRecord = { -readonly [K in keyof KafkaEventRecord]: KafkaEventRecord[K] };

function describe(input: KafkaRecordInput): string {
  return `record of topic ${String(input.topic)} partition ${String(input.partition)} offset ${String(input.offset)}`;
}

/** Rejects what Lambda could never deliver, naming the record. */
function checkInput(input: KafkaRecordInput): void {
  if (typeof input.topic !== 'string' || input.topic === '') throw new EventEncodeError(`${describe(input)}: topic must be a non-empty string`);
  if (!Number.isSafeInteger(input.partition) || input.partition < 0) {
    throw new EventEncodeError(`${describe(input)}: partition must be a non-negative integer`);
  }
  // Lambda writes the offset as a JSON number: beyond 2^53 a JavaScript reader cannot hold it.
  if (typeof input.offset !== 'bigint' || input.offset < 0n || input.offset > MAX_SAFE_OFFSET) {
    throw new EventEncodeError(`${describe(input)}: offset must be a bigint in 0..2^53-1`);
  }
  const timestampMs = Number(input.timestampMs);
  if (!Number.isSafeInteger(timestampMs)) throw new EventEncodeError(`${describe(input)}: timestampMs must be an integer`);
}

function encodeHeaders(headers: KafkaRecordInput['headers']): KafkaEventHeader[] {
  if (headers === undefined) return [];
  // One single-key object per header, in record order, so repeated names survive.
  return headers.map(([name, bytes]) => ({ [name]: bytesToHeaderNumbers(bytes) }));
}

/**
 * One record exactly as Lambda writes it: key/value base64 (omitted when null, as Lambda omits
 * a tombstone's value), headers as single-key objects of signed byte numbers.
 *
 * @throws EventEncodeError for an empty topic, a negative partition or an offset beyond 2^53-1.
 * @example
 * encodeKafkaRecord({ topic: 'orders', partition: 0, offset: 7n, timestampMs: Date.now(), key: null, value: Buffer.from('{}') });
 */
export function encodeKafkaRecord(input: KafkaRecordInput): KafkaEventRecord {
  checkInput(input);
  const record: MutableRecord = {
    topic: input.topic,
    partition: input.partition,
    offset: Number(input.offset),
    timestamp: Number(input.timestampMs),
    timestampType: input.timestampType ?? TIMESTAMP_TYPES.CREATE_TIME,
  };
  if (input.key !== null) record.key = toBase64(input.key);
  if (input.value !== null) record.value = toBase64(input.value);
  record.headers = encodeHeaders(input.headers);
  if (input.keySchemaMetadata !== undefined) {
    record.keySchemaMetadata = { dataFormat: input.keySchemaMetadata.dataFormat, schemaId: input.keySchemaMetadata.schemaId };
  }
  if (input.valueSchemaMetadata !== undefined) {
    record.valueSchemaMetadata = { dataFormat: input.valueSchemaMetadata.dataFormat, schemaId: input.valueSchemaMetadata.schemaId };
  }
  return record;
}

/** `bootstrapServers` as Lambda writes it: one comma-separated string. */
export function joinBootstrapServers(servers: string | readonly string[]): string {
  return typeof servers === 'string' ? servers : servers.join(',');
}

/** The event with no records yet, fields in the order Lambda writes them. */
export function eventEnvelope(origin: EventOrigin, records: Record<string, KafkaEventRecord[]>): KafkaEvent {
  if (origin.kind === EVENT_ORIGIN_KINDS.MSK) {
    if (origin.bootstrapServers === undefined) {
      return { eventSource: EVENT_SOURCES.MSK, eventSourceArn: origin.clusterArn, records };
    }
    return {
      eventSource: EVENT_SOURCES.MSK,
      eventSourceArn: origin.clusterArn,
      bootstrapServers: joinBootstrapServers(origin.bootstrapServers),
      records,
    };
  }
  return {
    eventSource: origin.eventSource ?? EVENT_SOURCES.SELF_MANAGED,
    bootstrapServers: joinBootstrapServers(origin.bootstrapServers),
    records,
  };
}

/**
 * Builds the event Lambda would send for `records` (any mix of partitions; each partition's
 * records must come in increasing offset order, as a poller reads them).
 *
 * @throws EventEncodeError for an invalid record or offsets out of order within a partition.
 * @example
 * const event = encodeKafkaEvent(polled, { kind: 'self-managed', bootstrapServers: ['127.0.0.1:9092'] });
 * await handler(event, context);
 */
export function encodeKafkaEvent(records: readonly KafkaRecordInput[], origin: EventOrigin): KafkaEvent {
  const grouped: Record<string, KafkaEventRecord[]> = {};
  const lastOffsets = new Map<string, bigint>();
  for (const input of records) {
    const encoded = encodeKafkaRecord(input);
    const key = topicPartitionKey(input.topic, input.partition);
    const last = lastOffsets.get(key);
    if (last !== undefined && input.offset <= last) {
      throw new EventEncodeError(`${describe(input)}: offsets of a partition must increase (previous ${last})`);
    }
    lastOffsets.set(key, input.offset);
    const list = grouped[key];
    if (list === undefined) grouped[key] = [encoded];
    else list.push(encoded);
  }
  return eventEnvelope(origin, grouped);
}
