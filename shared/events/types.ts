import type { EVENT_ORIGIN_KINDS, EVENT_SOURCES, TIMESTAMP_TYPES } from './constants.ts';

/** `eventSource` of a Kafka event (MSK, or self-managed in either spelling). */
export type KafkaEventSource = (typeof EVENT_SOURCES)[keyof typeof EVENT_SOURCES];

/** `timestampType` of a Kafka record. */
export type TimestampType = (typeof TIMESTAMP_TYPES)[keyof typeof TIMESTAMP_TYPES];

/** Schema-registry metadata Lambda adds when a schema registry is configured on the mapping. */
export interface SchemaMetadata {
  /** e.g. `AVRO`, `PROTOBUF`, `JSON`. */
  readonly dataFormat: string;
  readonly schemaId: string;
}

/**
 * One header as Lambda sends it: a single-key object whose value is the header bytes as decimal
 * numbers. Lambda serialises Java's signed `byte`, so values are -128..127 (bytes >= 0x80 are
 * negative); see aws/aws-lambda-go#506 and aws/aws-lambda-dotnet#1476.
 */
export type KafkaEventHeader = Readonly<Record<string, readonly number[]>>;

/**
 * One record exactly as Lambda sends it inside `records["<topic>-<partition>"]`.
 * https://docs.aws.amazon.com/lambda/latest/dg/with-msk.html ("Example event")
 */
export interface KafkaEventRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** Epoch milliseconds. */
  readonly timestamp: number;
  readonly timestampType: TimestampType;
  /** Base64; absent for records without a key. */
  readonly key?: string | null;
  /** Base64; absent (or null) for tombstones. */
  readonly value?: string | null;
  readonly headers?: readonly KafkaEventHeader[];
  readonly keySchemaMetadata?: SchemaMetadata;
  readonly valueSchemaMetadata?: SchemaMetadata;
}

/** The Kafka event of an Amazon MSK event source mapping. */
export interface MskEvent {
  readonly eventSource: typeof EVENT_SOURCES.MSK;
  /** The MSK cluster ARN. */
  readonly eventSourceArn: string;
  /** Comma-separated `host:port` list. */
  readonly bootstrapServers?: string | null;
  readonly records: Readonly<Record<string, readonly KafkaEventRecord[]>>;
}

/** The Kafka event of a self-managed Apache Kafka event source mapping. */
export interface SelfManagedKafkaEvent {
  readonly eventSource: typeof EVENT_SOURCES.SELF_MANAGED | typeof EVENT_SOURCES.SELF_MANAGED_DOCUMENTED;
  readonly eventSourceArn?: string;
  /** Comma-separated `host:port` list. */
  readonly bootstrapServers?: string | null;
  readonly records: Readonly<Record<string, readonly KafkaEventRecord[]>>;
}

/** Either Kafka event. */
export type KafkaEvent = MskEvent | SelfManagedKafkaEvent;

/**
 * A record with its payload decoded on demand: `key`, `value` and `headers` are decoded from
 * base64 / byte arrays the first time they are read, so records nobody reads cost nothing.
 *
 * @example
 * const order = record.valueJson<Order>(); // null for a tombstone
 * const traceIds = record.headers.get('traceparent') ?? [];
 */
export interface KafkaRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  /** Epoch milliseconds. */
  readonly timestampMs: number;
  readonly timestampType: TimestampType;
  /** `null` when the record has no key. Throws `RecordDecodeError` if the base64 is invalid. */
  readonly key: Uint8Array | null;
  /** `null` for a tombstone. Throws `RecordDecodeError` if the base64 is invalid. */
  readonly value: Uint8Array | null;
  /** Header name to its values in delivery order (Kafka allows a name to repeat). */
  readonly headers: ReadonlyMap<string, readonly Uint8Array[]>;
  readonly keySchemaMetadata: SchemaMetadata | undefined;
  readonly valueSchemaMetadata: SchemaMetadata | undefined;
  /** True when the record has no value (a delete marker on a compacted topic). */
  readonly isTombstone: boolean;
  /** The record exactly as Lambda sent it. */
  readonly raw: KafkaEventRecord;
  /** The key as UTF-8 text, `null` without a key. Throws `RecordDecodeError` on invalid UTF-8. */
  keyString(): string | null;
  /** The value as UTF-8 text, `null` for a tombstone. Throws `RecordDecodeError` on invalid UTF-8. */
  valueString(): string | null;
  /** The value parsed as JSON, `null` for a tombstone. Throws `RecordDecodeError` if it is not JSON. */
  valueJson<T = unknown>(): T | null;
}

/** The records of one topic-partition, in offset order. */
export interface KafkaPartitionBatch {
  readonly topic: string;
  readonly partition: number;
  /** `"<topic>-<partition>"`, the key Lambda uses in `records`. */
  readonly key: string;
  readonly records: readonly KafkaRecord[];
}

/** A validated event, grouped by partition. */
export interface DecodedKafkaEvent {
  readonly eventSource: KafkaEventSource;
  readonly eventSourceArn: string | undefined;
  readonly bootstrapServers: string | undefined;
  readonly partitions: readonly KafkaPartitionBatch[];
  readonly recordCount: number;
}

/** A Kafka record to encode into the event Lambda would send (e.g. one the local runtime polled). */
export interface KafkaRecordInput {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  /** Epoch milliseconds. */
  readonly timestampMs: number | bigint;
  /** @default 'CREATE_TIME' */
  readonly timestampType?: TimestampType;
  readonly key: Uint8Array | null;
  /** `null` for a tombstone. */
  readonly value: Uint8Array | null;
  /** `[name, bytes]` pairs in record order; a name may repeat. @default [] */
  readonly headers?: readonly (readonly [string, Uint8Array])[];
  readonly keySchemaMetadata?: SchemaMetadata;
  readonly valueSchemaMetadata?: SchemaMetadata;
}

/** Where an encoded event claims to come from. */
export type EventOrigin =
  | {
      readonly kind: typeof EVENT_ORIGIN_KINDS.MSK;
      readonly clusterArn: string;
      /** Lambda includes the brokers for MSK too. @default omitted */
      readonly bootstrapServers?: string | readonly string[];
    }
  | {
      readonly kind: typeof EVENT_ORIGIN_KINDS.SELF_MANAGED;
      readonly bootstrapServers: string | readonly string[];
      /** @default 'SelfManagedKafka' (what Lambda actually sends) */
      readonly eventSource?: typeof EVENT_SOURCES.SELF_MANAGED | typeof EVENT_SOURCES.SELF_MANAGED_DOCUMENTED;
    };
