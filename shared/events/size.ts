import { base64Length, SIGNED_BYTE_TEXT_LENGTH } from './bytes.ts';
import { MAX_INVOKE_PAYLOAD_BYTES, TIMESTAMP_TYPES } from './constants.ts';
import { eventEnvelope } from './encode.ts';
import { topicPartitionKey } from './topic-partition.ts';
import type { EventOrigin, KafkaRecordInput, SchemaMetadata } from './types.ts';

// Exact byte counts of what `encodeKafkaEvent` + `JSON.stringify` produce, computed without
// building the JSON, so the local runtime can cut batches at Lambda's 6 MB payload limit the way
// the event source mapping does. A property test checks them against `JSON.stringify`.

/** UTF-8 bytes of `text` written as a JSON string (quotes and escapes included). */
function jsonStringBytes(text: string): number {
  return Buffer.byteLength(JSON.stringify(text), 'utf8');
}

function numberBytes(value: number | bigint): number {
  return String(value).length;
}

function schemaMetadataBytes(field: string, metadata: SchemaMetadata | undefined): number {
  if (metadata === undefined) return 0;
  // ,"<field>":{"dataFormat":<json>,"schemaId":<json>}
  return `,"${field}":{"dataFormat":,"schemaId":}`.length + jsonStringBytes(metadata.dataFormat) + jsonStringBytes(metadata.schemaId);
}

function headerBytes(name: string, bytes: Uint8Array): number {
  // {<name>:[n,n,...]}
  let size = '{:[]}'.length + jsonStringBytes(name) + Math.max(0, bytes.length - 1);
  for (let i = 0; i < bytes.length; i++) size += SIGNED_BYTE_TEXT_LENGTH[bytes[i] as number] as number;
  return size;
}

/**
 * Bytes one record adds to the event JSON (its object only; separators are the budget's job).
 *
 * @example
 * estimateRecordSize({ topic: 't', partition: 0, offset: 1n, timestampMs: 0, key: null, value: new Uint8Array(3) });
 */
export function estimateRecordSize(record: KafkaRecordInput): number {
  const timestampType = record.timestampType ?? TIMESTAMP_TYPES.CREATE_TIME;
  let size =
    '{"topic":,"partition":,"offset":,"timestamp":,"timestampType":,"headers":[]}'.length +
    jsonStringBytes(record.topic) +
    numberBytes(record.partition) +
    numberBytes(record.offset) +
    numberBytes(Number(record.timestampMs)) +
    timestampType.length +
    2;
  if (record.key !== null) size += ',"key":""'.length + base64Length(record.key.byteLength);
  if (record.value !== null) size += ',"value":""'.length + base64Length(record.value.byteLength);
  const headers = record.headers ?? [];
  for (const [name, bytes] of headers) size += headerBytes(name, bytes);
  size += Math.max(0, headers.length - 1);
  size += schemaMetadataBytes('keySchemaMetadata', record.keySchemaMetadata);
  size += schemaMetadataBytes('valueSchemaMetadata', record.valueSchemaMetadata);
  return size;
}

/** Tracks the exact JSON size of an event as records are added to it. */
export interface PayloadBudget {
  /** Bytes of the event JSON holding every record added so far. */
  readonly sizeBytes: number;
  readonly recordCount: number;
  readonly limitBytes: number;
  /** Bytes `record` would add (record, separators, and its partition entry if new). */
  costOf(record: KafkaRecordInput): number;
  /** Adds `record` if the event stays within the limit; false (and nothing added) otherwise. */
  tryAdd(record: KafkaRecordInput): boolean;
}

/**
 * A size budget for one event, to cut batches like the event source mapping does at 6 MB.
 * A record that alone exceeds the limit is refused too: the caller decides what to do with it.
 *
 * @param limitBytes @default MAX_INVOKE_PAYLOAD_BYTES (6,291,456)
 * @example
 * const budget = createPayloadBudget(origin);
 * const batch = [];
 * for (const record of polled) { if (!budget.tryAdd(record)) break; batch.push(record); }
 */
export function createPayloadBudget(origin: EventOrigin, limitBytes: number = MAX_INVOKE_PAYLOAD_BYTES): PayloadBudget {
  const partitionCounts = new Map<string, number>();
  let sizeBytes = Buffer.byteLength(JSON.stringify(eventEnvelope(origin, {})), 'utf8');
  let recordCount = 0;
  const costOf = (record: KafkaRecordInput): number => {
    const key = topicPartitionKey(record.topic, record.partition);
    const inPartition = partitionCounts.get(key);
    let cost = estimateRecordSize(record);
    if (inPartition === undefined) {
      // [,]<key>:[ ... ]
      cost += jsonStringBytes(key) + ':[]'.length + (partitionCounts.size > 0 ? 1 : 0);
    } else if (inPartition > 0) {
      cost += 1;
    }
    return cost;
  };
  return {
    get sizeBytes() {
      return sizeBytes;
    },
    get recordCount() {
      return recordCount;
    },
    limitBytes,
    costOf,
    tryAdd(record) {
      const cost = costOf(record);
      if (sizeBytes + cost > limitBytes) return false;
      const key = topicPartitionKey(record.topic, record.partition);
      partitionCounts.set(key, (partitionCounts.get(key) ?? 0) + 1);
      sizeBytes += cost;
      recordCount += 1;
      return true;
    },
  };
}

/**
 * Exact byte size of `JSON.stringify(encodeKafkaEvent(records, origin))`.
 *
 * @example
 * if (estimateEventSize(records, origin) > MAX_INVOKE_PAYLOAD_BYTES) split(records);
 */
export function estimateEventSize(records: readonly KafkaRecordInput[], origin: EventOrigin): number {
  const budget = createPayloadBudget(origin, Number.POSITIVE_INFINITY);
  for (const record of records) budget.tryAdd(record);
  return budget.sizeBytes;
}
