import fc from 'fast-check';
import type { EventOrigin, KafkaRecordInput } from '../../../shared/events/index.ts';

export const MSK_ARN = 'arn:aws:kafka:us-east-1:123456789012:cluster/orders/abcd1234-abcd-cafe-abab-9876543210ab-4';
export const MSK_ORIGIN: EventOrigin = { kind: 'msk', clusterArn: MSK_ARN, bootstrapServers: ['b-1.example:9092', 'b-2.example:9092'] };
export const SELF_MANAGED_ORIGIN: EventOrigin = { kind: 'self-managed', bootstrapServers: 'kafka-1:9092,kafka-2:9092' };

/** The example event of https://docs.aws.amazon.com/lambda/latest/dg/with-msk.html. */
export function awsDocExampleEvent(): Record<string, unknown> {
  return {
    eventSource: 'aws:kafka',
    eventSourceArn: MSK_ARN,
    bootstrapServers: 'b-2.demo-cluster-1.a1bcde.c1.kafka.us-east-1.amazonaws.com:9092,b-1.demo-cluster-1.a1bcde.c1.kafka.us-east-1.amazonaws.com:9092',
    records: {
      'mytopic-0': [
        {
          topic: 'mytopic',
          partition: 0,
          offset: 15,
          timestamp: 1545084650987,
          timestampType: 'CREATE_TIME',
          key: 'abcDEFghiJKLmnoPQRstuVWXyz1234==',
          value: 'SGVsbG8sIHRoaXMgaXMgYSB0ZXN0Lg==',
          headers: [{ headerKey: [104, 101, 97, 100, 101, 114, 86, 97, 108, 117, 101] }],
        },
      ],
    },
  };
}

export const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A record input with sensible defaults. */
export function recordInput(overrides: Partial<KafkaRecordInput> = {}): KafkaRecordInput {
  return {
    topic: 'orders',
    partition: 0,
    offset: 0n,
    timestampMs: 1_700_000_000_000,
    key: text('k'),
    value: text('{"id":1}'),
    headers: [],
    ...overrides,
  };
}

// Kafka topic names: [a-zA-Z0-9._-], 1..249 characters; dashes included on purpose.
export const topicArb = fc.stringMatching(/^[a-zA-Z0-9._-]{1,40}$/);
const bytesArb = fc.uint8Array({ maxLength: 64 });
const schemaMetadataArb = fc.record({ dataFormat: fc.constantFrom('AVRO', 'PROTOBUF', 'JSON'), schemaId: fc.uuid() });

/** Records of one partition, offsets strictly increasing. */
export function partitionRecordsArb(topic: string, partition: number): fc.Arbitrary<KafkaRecordInput[]> {
  return fc
    .array(
      fc.record({
        gap: fc.bigInt({ min: 1n, max: 1_000n }),
        timestampMs: fc.integer({ min: 0, max: 4_000_000_000_000 }),
        timestampType: fc.constantFrom('CREATE_TIME' as const, 'LOG_APPEND_TIME' as const),
        key: fc.option(bytesArb, { nil: null }),
        value: fc.option(bytesArb, { nil: null }),
        headers: fc.array(fc.tuple(fc.constantFrom('trace', 'content-type', 'h', 'ü-name'), bytesArb), { maxLength: 4 }),
        keySchemaMetadata: fc.option(schemaMetadataArb, { nil: undefined }),
        valueSchemaMetadata: fc.option(schemaMetadataArb, { nil: undefined }),
      }),
      { minLength: 1, maxLength: 8 },
    )
    .chain((rows) =>
      fc.bigInt({ min: 0n, max: 1_000_000n }).map((first) => {
        let offset = first;
        return rows.map(({ gap, keySchemaMetadata, valueSchemaMetadata, ...row }) => {
          offset += gap;
          const input: KafkaRecordInput = {
            topic,
            partition,
            offset,
            ...row,
            ...(keySchemaMetadata === undefined ? {} : { keySchemaMetadata }),
            ...(valueSchemaMetadata === undefined ? {} : { valueSchemaMetadata }),
          };
          return input;
        });
      }),
    );
}

/** Records of up to 4 distinct topic-partitions (topic names with `-` are likely). */
export const recordsArb: fc.Arbitrary<KafkaRecordInput[]> = fc
  .uniqueArray(fc.tuple(topicArb, fc.integer({ min: 0, max: 999 })), {
    minLength: 1,
    maxLength: 4,
    selector: ([topic, partition]) => `${topic}-${partition}`,
  })
  .chain((partitions) => fc.tuple(...partitions.map(([topic, partition]) => partitionRecordsArb(topic, partition))))
  .map((groups) => groups.flat());

export const originArb: fc.Arbitrary<EventOrigin> = fc.constantFrom(
  MSK_ORIGIN,
  SELF_MANAGED_ORIGIN,
  { kind: 'msk', clusterArn: MSK_ARN } as const,
  { kind: 'self-managed', bootstrapServers: ['a:1'], eventSource: 'aws:SelfManagedKafka' } as const,
);
