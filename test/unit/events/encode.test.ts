import { KafkaMskEventSchema, KafkaSelfManagedEventSchema } from '@aws-lambda-powertools/parser/schemas/kafka';
import fc from 'fast-check';
import {
  decodeKafkaEvent,
  encodeKafkaEvent,
  encodeKafkaRecord,
  EventEncodeError,
  type KafkaRecordInput,
} from '../../../shared/events/index.ts';
import { MSK_ARN, MSK_ORIGIN, originArb, recordInput, recordsArb, SELF_MANAGED_ORIGIN, text } from './support.ts';

/** What Lambda's function receives: the event after a JSON round trip. */
const overTheWire = (event: unknown): unknown => JSON.parse(JSON.stringify(event));

const asciiBytes = fc.uint8Array({ maxLength: 32, max: 127 });

describe('encodeKafkaEvent', () => {
  it('round-trips records through encode, JSON and decode', () => {
    fc.assert(
      fc.property(recordsArb, originArb, (records, origin) => {
        const decoded = decodeKafkaEvent(overTheWire(encodeKafkaEvent(records, origin)));
        const back = decoded.partitions.flatMap((p) => p.records);
        expect(back).toHaveLength(records.length);
        back.forEach((record, i) => {
          const input = records[i] as KafkaRecordInput;
          expect(record.topic).toBe(input.topic);
          expect(record.partition).toBe(input.partition);
          expect(record.offset).toBe(input.offset);
          expect(record.timestampMs).toBe(Number(input.timestampMs));
          expect(record.timestampType).toBe(input.timestampType ?? 'CREATE_TIME');
          expect(record.key === null ? null : Uint8Array.from(record.key)).toEqual(input.key === null ? null : Uint8Array.from(input.key));
          expect(record.value === null ? null : Uint8Array.from(record.value)).toEqual(
            input.value === null ? null : Uint8Array.from(input.value),
          );
          expect(record.isTombstone).toBe(input.value === null);
          const expectedHeaders = new Map<string, Uint8Array[]>();
          for (const [name, bytes] of input.headers ?? []) expectedHeaders.set(name, [...(expectedHeaders.get(name) ?? []), Uint8Array.from(bytes)]);
          expect(new Map([...record.headers].map(([name, values]) => [name, values.map((v) => Uint8Array.from(v))]))).toEqual(expectedHeaders);
          expect(record.keySchemaMetadata).toEqual(input.keySchemaMetadata);
          expect(record.valueSchemaMetadata).toEqual(input.valueSchemaMetadata);
        });
      }),
    );
  });

  it('writes an MSK event the way Lambda does', () => {
    const event = encodeKafkaEvent([recordInput({ offset: 15n, headers: [['headerKey', text('headerValue')]] })], MSK_ORIGIN);
    expect(event).toEqual({
      eventSource: 'aws:kafka',
      eventSourceArn: MSK_ARN,
      bootstrapServers: 'b-1.example:9092,b-2.example:9092',
      records: {
        'orders-0': [
          {
            topic: 'orders',
            partition: 0,
            offset: 15,
            timestamp: 1_700_000_000_000,
            timestampType: 'CREATE_TIME',
            key: 'aw==',
            value: 'eyJpZCI6MX0=',
            headers: [{ headerKey: [104, 101, 97, 100, 101, 114, 86, 97, 108, 117, 101] }],
          },
        ],
      },
    });
  });

  it('writes self-managed events as SelfManagedKafka without an ARN', () => {
    const event = encodeKafkaEvent([recordInput()], SELF_MANAGED_ORIGIN);
    expect(event.eventSource).toBe('SelfManagedKafka');
    expect('eventSourceArn' in event).toBe(false);
    expect(event.bootstrapServers).toBe('kafka-1:9092,kafka-2:9092');
  });

  it('omits the value of a tombstone and the key of a keyless record', () => {
    const record = encodeKafkaRecord(recordInput({ key: null, value: null }));
    expect('value' in record).toBe(false);
    expect('key' in record).toBe(false);
  });

  it('writes header bytes as signed numbers, one object per header, repeats kept', () => {
    const record = encodeKafkaRecord(recordInput({ headers: [['h', Uint8Array.of(0, 127, 128, 255)], ['h', Uint8Array.of(1)]] }));
    expect(record.headers).toEqual([{ h: [0, 127, -128, -1] }, { h: [1] }]);
  });

  it('groups partitions under "<topic>-<partition>" keys, topics with dashes included', () => {
    const event = encodeKafkaEvent(
      [recordInput({ topic: 'my-topic', partition: 1 }), recordInput({ topic: 'my-topic', partition: 1, offset: 1n }), recordInput({ topic: 'a-b-c' })],
      MSK_ORIGIN,
    );
    expect(Object.keys(event.records)).toEqual(['my-topic-1', 'a-b-c-0']);
    expect(event.records['my-topic-1']).toHaveLength(2);
  });

  it.each([
    ['an empty topic', { topic: '' }],
    ['a negative partition', { partition: -1 }],
    ['a fractional partition', { partition: 1.5 }],
    ['a negative offset', { offset: -1n }],
    ['an offset beyond 2^53-1', { offset: 2n ** 53n }],
    ['a fractional timestamp', { timestampMs: 1.5 }],
  ])('rejects %s', (_, overrides) => {
    expect(() => encodeKafkaEvent([recordInput(overrides)], MSK_ORIGIN)).toThrow(EventEncodeError);
  });

  it('rejects offsets out of order within a partition', () => {
    const act = () => encodeKafkaEvent([recordInput({ offset: 2n }), recordInput({ offset: 2n })], MSK_ORIGIN);
    expect(act).toThrow(/offsets of a partition must increase/);
  });

  it('produces MSK events that Powertools parser accepts', () => {
    // Powertools' schema requires `value` (no tombstones) and decodes headers with
    // String.fromCodePoint, which rejects the negative numbers of bytes >= 0x80.
    const inputArb = fc.array(fc.record({ key: fc.option(asciiBytes, { nil: null }), value: asciiBytes, headers: fc.array(fc.tuple(fc.constantFrom('a', 'b'), asciiBytes)) }), {
      minLength: 1,
      maxLength: 5,
    });
    fc.assert(
      fc.property(inputArb, (rows) => {
        const records = rows.map((row, i) => recordInput({ ...row, topic: 'my-topic', offset: BigInt(i) }));
        const parsed = KafkaMskEventSchema.parse(overTheWire(encodeKafkaEvent(records, MSK_ORIGIN)));
        expect(parsed.eventSourceArn).toBe(MSK_ARN);
        expect(parsed.records['my-topic-0']?.map((r) => r.value)).toEqual(rows.map((row) => Buffer.from(row.value).toString()));
      }),
    );
  });

  it('produces self-managed events that Powertools parser accepts', () => {
    const event = overTheWire(encodeKafkaEvent([recordInput({ headers: [['trace', text('abc')]] })], SELF_MANAGED_ORIGIN));
    const parsed = KafkaSelfManagedEventSchema.parse(event);
    expect(parsed.bootstrapServers).toEqual(['kafka-1:9092', 'kafka-2:9092']);
    expect(parsed.records['orders-0']?.[0]?.headers).toEqual([{ trace: 'abc' }]);
  });
});
