import {
  decodeKafkaEvent,
  EventsError,
  MalformedEventError,
  PartitionOrderError,
  RecordDecodeError,
} from '../../../shared/events/index.ts';
import { awsDocExampleEvent, MSK_ARN } from './support.ts';

const utf8 = (bytes: Uint8Array | null | undefined): string | undefined => (bytes == null ? undefined : Buffer.from(bytes).toString('utf8'));

function eventWith(records: Record<string, unknown[]>, source: Record<string, unknown> = { eventSource: 'aws:kafka', eventSourceArn: MSK_ARN }) {
  return { ...source, bootstrapServers: 'b:9092', records };
}

function wire(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { topic: 't', partition: 0, offset: 1, timestamp: 1, timestampType: 'CREATE_TIME', value: 'eA==', headers: [], ...overrides };
}

describe('decodeKafkaEvent', () => {
  it('decodes the example event of the AWS guide', () => {
    const decoded = decodeKafkaEvent(awsDocExampleEvent());
    expect(decoded.eventSource).toBe('aws:kafka');
    expect(decoded.eventSourceArn).toBe(MSK_ARN);
    expect(decoded.recordCount).toBe(1);
    const [partition] = decoded.partitions;
    expect(partition?.key).toBe('mytopic-0');
    const record = partition?.records[0];
    expect(record?.offset).toBe(15n);
    expect(record?.timestampMs).toBe(1545084650987);
    expect(record?.valueString()).toBe('Hello, this is a test.');
    expect(utf8(record?.headers.get('headerKey')?.[0])).toBe('headerValue');
  });

  it.each(['SelfManagedKafka', 'aws:SelfManagedKafka'])('accepts self-managed events spelled %s', (eventSource) => {
    const decoded = decodeKafkaEvent(eventWith({ 't-0': [wire({ offset: 3 })] }, { eventSource }));
    expect(decoded.eventSource).toBe(eventSource);
    expect(decoded.eventSourceArn).toBeUndefined();
    expect(decoded.bootstrapServers).toBe('b:9092');
  });

  it('rejects an MSK event without the cluster ARN', () => {
    expect(() => decodeKafkaEvent(eventWith({}, { eventSource: 'aws:kafka' }))).toThrow(/eventSourceArn/);
  });

  it('splits keys at the last dash, so topic names may contain dashes', () => {
    const decoded = decodeKafkaEvent(
      eventWith({ 'my-topic-v2-11': [wire({ topic: 'my-topic-v2', partition: 11 })], 'a-0': [wire({ topic: 'a' })] }),
    );
    expect(decoded.partitions.map((p) => [p.topic, p.partition])).toEqual([
      ['my-topic-v2', 11],
      ['a', 0],
    ]);
  });

  it('rejects a record filed under another partition key', () => {
    const act = () => decodeKafkaEvent(eventWith({ 'orders-1': [wire({ topic: 'orders', partition: 2 })] }));
    expect(act).toThrow(MalformedEventError);
    expect(act).toThrow(/records\["orders-1"\]\[0\]/);
  });

  it('rejects a key that is not "<topic>-<partition>"', () => {
    expect(() => decodeKafkaEvent(eventWith({ orders: [] }))).toThrow(/records\["orders"\]/);
  });

  it('rejects offsets that do not strictly increase within a partition', () => {
    const act = () => decodeKafkaEvent(eventWith({ 't-0': [wire({ offset: 5 }), wire({ offset: 5 })] }));
    expect(act).toThrow(PartitionOrderError);
    expect(act).toThrow(/topic t partition 0.*offset 5 follows 5/);
  });

  it('treats an absent value and a null value as a tombstone', () => {
    const { value: _omitted, ...withoutValue } = wire();
    const decoded = decodeKafkaEvent(eventWith({ 't-0': [withoutValue, wire({ offset: 2, value: null })] }));
    for (const record of decoded.partitions[0]?.records ?? []) {
      expect(record.isTombstone).toBe(true);
      expect(record.value).toBeNull();
      expect(record.valueString()).toBeNull();
      expect(record.valueJson()).toBeNull();
    }
    expect(decoded.partitions[0]?.records).toHaveLength(2);
  });

  it('returns a null key for records without a key', () => {
    const decoded = decodeKafkaEvent(eventWith({ 't-0': [wire()] }));
    expect(decoded.partitions[0]?.records[0]?.key).toBeNull();
    expect(decoded.partitions[0]?.records[0]?.keyString()).toBeNull();
  });

  it('keeps every value of a repeated header name, in order', () => {
    const headers = [{ trace: [97] }, { other: [1] }, { trace: [98] }];
    const record = decodeKafkaEvent(eventWith({ 't-0': [wire({ headers })] })).partitions[0]?.records[0];
    expect(record?.headers.get('trace')?.map(utf8)).toEqual(['a', 'b']);
    expect(record?.headers.get('other')).toEqual([Uint8Array.of(1)]);
  });

  it('decodes a header named __proto__ like any other', () => {
    const event = JSON.parse(JSON.stringify(eventWith({ 't-0': [wire()] })).replace('"headers":[]', '"headers":[{"__proto__":[120]}]'));
    const record = decodeKafkaEvent(event).partitions[0]?.records[0];
    expect(record?.headers.get('__proto__')).toEqual([Uint8Array.of(120)]);
  });

  it('rejects a header named __proto__ with a value that is not bytes', () => {
    const event = JSON.parse(JSON.stringify(eventWith({ 't-0': [wire()] })).replace('"headers":[]', '"headers":[{"__proto__":"x"}]'));
    expect(() => decodeKafkaEvent(event)).toThrow(MalformedEventError);
  });

  it('reads signed header bytes as Lambda sends them (Java bytes)', () => {
    // "ë" is 0xC3 0xAB: Lambda writes -61, -85.
    const record = decodeKafkaEvent(eventWith({ 't-0': [wire({ headers: [{ name: [104, -61, -85] }] })] })).partitions[0]?.records[0];
    expect(utf8(record?.headers.get('name')?.[0])).toBe('hë');
  });

  it('exposes schema registry metadata', () => {
    const valueSchemaMetadata = { dataFormat: 'AVRO', schemaId: '1234' };
    const record = decodeKafkaEvent(eventWith({ 't-0': [wire({ valueSchemaMetadata })] })).partitions[0]?.records[0];
    expect(record?.valueSchemaMetadata).toEqual(valueSchemaMetadata);
    expect(record?.keySchemaMetadata).toBeUndefined();
  });

  it('defers payload decoding: a bad value fails only when read, naming the record', () => {
    const decoded = decodeKafkaEvent(eventWith({ 'my-topic-3': [wire({ topic: 'my-topic', partition: 3, offset: 42, value: 'not base64!' })] }));
    const record = decoded.partitions[0]?.records[0];
    expect(record?.offset).toBe(42n);
    expect(() => record?.value).toThrow(RecordDecodeError);
    expect(() => record?.value).toThrow('cannot decode value of topic my-topic partition 3 offset 42: not valid base64');
  });

  it('keeps the raw record as Lambda sent it', () => {
    const raw = wire({ offset: 9 });
    const record = decodeKafkaEvent(eventWith({ 't-0': [raw] })).partitions[0]?.records[0];
    expect(record?.raw).toBe(raw);
  });

  it('reports invalid JSON as a non-retriable decode error naming topic, partition and offset', () => {
    const value = Buffer.from('{not json').toString('base64');
    const record = decodeKafkaEvent(eventWith({ 't-7': [wire({ partition: 7, offset: 8, value })] })).partitions[0]?.records[0];
    let thrown: unknown;
    try {
      record?.valueJson();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(RecordDecodeError);
    expect(thrown).toMatchObject({ retriable: false, code: 'EVENTS_RECORD_UNDECODABLE', topic: 't', partition: 7, offset: 8n });
    expect((thrown as Error).message).toMatch(/topic t partition 7 offset 8: not valid JSON/);
  });

  it('reports invalid UTF-8 as a decode error', () => {
    const value = Buffer.from([0xff, 0xfe]).toString('base64');
    const record = decodeKafkaEvent(eventWith({ 't-0': [wire({ value })] })).partitions[0]?.records[0];
    expect(() => record?.valueString()).toThrow(/not valid UTF-8/);
    expect(record?.value).toEqual(Uint8Array.of(0xff, 0xfe));
  });

  it('parses JSON values', () => {
    const value = Buffer.from('{"id":7,"items":[1,2]}').toString('base64');
    const record = decodeKafkaEvent(eventWith({ 't-0': [wire({ value })] })).partitions[0]?.records[0];
    expect(record?.valueJson<{ id: number }>()).toEqual({ id: 7, items: [1, 2] });
  });

  it('accepts fields AWS may add later', () => {
    const event = { ...eventWith({ 't-0': [wire({ futureField: 1 })] }), futureTopLevel: true };
    expect(decodeKafkaEvent(event).recordCount).toBe(1);
  });

  it('throws only EventsError subclasses, all non-retriable', () => {
    for (const input of [null, 42, 'event', [], {}, { eventSource: 'aws:sqs', records: {} }]) {
      let thrown: unknown;
      try {
        decodeKafkaEvent(input);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(EventsError);
      expect((thrown as EventsError).retriable).toBe(false);
    }
  });
});
