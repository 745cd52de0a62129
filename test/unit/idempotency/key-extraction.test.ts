import fc from 'fast-check';
import { IdempotencyKeyError, decodeJsonValue, keyFromPath } from '../../../shared/idempotency/index.ts';
import { checkedKeyFunction } from '../../../shared/idempotency/key-extraction.ts';
import { record } from './support.ts';
import type { TestRecord } from './support.ts';

const byOrderId = keyFromPath<TestRecord>('order.id');

describe('keyFromPath', () => {
  it('reads a dotted path from JSON text, UTF-8 bytes and parsed values', () => {
    const json = JSON.stringify({ order: { id: 'A-1' } });
    expect(byOrderId(record(1, json))).toBe('A-1');
    expect(byOrderId(record(1, Buffer.from(json)))).toBe('A-1');
    expect(byOrderId(record(1, new TextEncoder().encode(json)))).toBe('A-1');
    expect(byOrderId(record(1, { order: { id: 'A-1' } }))).toBe('A-1');
  });

  it('turns numeric keys into strings and indexes arrays by number', () => {
    expect(byOrderId(record(1, { order: { id: 42 } }))).toBe('42');
    expect(keyFromPath<TestRecord>('items.1.sku')(record(1, { items: [{ sku: 'a' }, { sku: 'b' }] }))).toBe('b');
  });

  it('names the path, the record and the missing segment when the key is missing', () => {
    const missing = (): string => byOrderId(record(7, { order: { total: 3 } }));
    expect(missing).toThrow(IdempotencyKeyError);
    expect(missing).toThrow('idempotency key path "order.id" is missing from record orders-0@7: order has no "id"');
    expect(() => byOrderId(record(7, { customer: {} }))).toThrow(/\(value\) has no "order"/);
  });

  it('ignores inherited properties', () => {
    expect(() => keyFromPath<TestRecord>('order.constructor')(record(1, { order: {} }))).toThrow(/order has no "constructor"/);
  });

  it('rejects a key that is not a non-empty string or a number', () => {
    expect(() => byOrderId(record(2, { order: { id: { nested: 1 } } }))).toThrow(/"order.id" in record orders-0@2 is an object/);
    expect(() => byOrderId(record(2, { order: { id: [] } }))).toThrow(/is an array/);
    expect(() => byOrderId(record(2, { order: { id: '' } }))).toThrow(/is an empty string/);
    expect(() => byOrderId(record(2, { order: { id: null } }))).toThrow(/is null/);
    expect(() => byOrderId(record(2, { order: { id: true } }))).toThrow(/is a boolean/);
  });

  it('rejects a tombstone and a value that is not JSON', () => {
    expect(() => byOrderId(record(3, null))).toThrow(/record orders-0@3 has no value \(tombstone\)/);
    expect(() => byOrderId(record(3, undefined))).toThrow(IdempotencyKeyError);
    expect(() => byOrderId(record(3, 'not json'))).toThrow(/record orders-0@3: value is not JSON/);
    expect(() => byOrderId(record(3, new Uint8Array([0xff, 0xfe])))).toThrow(/value is not JSON/);
  });

  it('uses a custom decoder, e.g. for base64 values of a raw MSK event', () => {
    const fromBase64 = keyFromPath<TestRecord>('order.id', (r) => JSON.parse(Buffer.from(String(r.value), 'base64').toString('utf8')));
    expect(fromBase64(record(1, Buffer.from('{"order":{"id":"B-9"}}').toString('base64')))).toBe('B-9');
  });

  it('reports a failing decoder as a key error of the record, keeping the cause', () => {
    const cause = new Error('invalid base64');
    const keyOf = keyFromPath<TestRecord>('order.id', () => {
      throw cause;
    });
    expect(() => keyOf(record(8, 'x'))).toThrow(/record orders-0@8: value could not be decoded/);
    expect(() => keyOf(record(8, 'x'))).toThrow(expect.objectContaining({ cause }));
  });

  it('finds any string key at any path', () => {
    const segment = fc.string({ minLength: 1, maxLength: 8 }).filter((s) => !s.includes('.') && s !== '__proto__');
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 5 }), fc.string({ minLength: 1 }), (segments, key) => {
        const value = segments.reduceRight<unknown>((inner, name) => ({ [name]: inner }), key);
        expect(keyFromPath<TestRecord>(segments.join('.'))(record(1, JSON.stringify(value)))).toBe(key);
      }),
    );
  });
});

describe('decodeJsonValue', () => {
  it('passes parsed values through', () => {
    const value = { a: 1 };
    expect(decodeJsonValue(record(1, value))).toBe(value);
  });
});

describe('checkedKeyFunction', () => {
  it('returns the key of a well-behaved function', () => {
    expect(checkedKeyFunction<TestRecord>((r) => `k-${r.offset}`)(record(4))).toBe('k-4');
  });

  it('wraps a throwing key function, keeping the cause', () => {
    const cause = new Error('no header');
    const keyOf = checkedKeyFunction<TestRecord>(() => {
      throw cause;
    });
    expect(() => keyOf(record(4))).toThrow(/key function threw for record orders-0@4/);
    expect(() => keyOf(record(4))).toThrow(expect.objectContaining({ cause }));
  });

  it('rejects an empty or non-string key', () => {
    expect(() => checkedKeyFunction<TestRecord>(() => '')(record(4))).toThrow(/returned an empty string for record orders-0@4/);
    expect(() => checkedKeyFunction<TestRecord>(() => 7 as unknown as string)(record(4))).toThrow(/returned number/);
  });
});
