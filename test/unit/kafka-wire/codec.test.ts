import fc from 'fast-check';
import { Reader, Writer } from '../../../shared/kafka/wire/index.ts';

function bytes(write: (w: Writer) => void): number[] {
  const w = new Writer(1);
  write(w);
  return [...w.finish()];
}

describe('Writer and Reader', () => {
  it('encodes unsigned varints 7 bits a byte, low bits first', () => {
    expect(bytes((w) => w.uvarint(0))).toEqual([0x00]);
    expect(bytes((w) => w.uvarint(127))).toEqual([0x7f]);
    expect(bytes((w) => w.uvarint(128))).toEqual([0x80, 0x01]);
    expect(bytes((w) => w.uvarint(300))).toEqual([0xac, 0x02]);
    expect(bytes((w) => w.uvarint(16_383))).toEqual([0xff, 0x7f]);
    expect(bytes((w) => w.uvarint(16_384))).toEqual([0x80, 0x80, 0x01]);
    expect(bytes((w) => w.uvarint(0xffffffff))).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
  });

  it('zig-zag encodes signed varints', () => {
    expect(bytes((w) => w.varint(0))).toEqual([0x00]);
    expect(bytes((w) => w.varint(-1))).toEqual([0x01]);
    expect(bytes((w) => w.varint(1))).toEqual([0x02]);
    expect(bytes((w) => w.varint(-64))).toEqual([0x7f]);
    expect(bytes((w) => w.varint(64))).toEqual([0x80, 0x01]);
    expect(bytes((w) => w.varint(2_147_483_647))).toEqual([0xfe, 0xff, 0xff, 0xff, 0x0f]);
    expect(bytes((w) => w.varint(-2_147_483_648))).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
  });

  it('reads back every unsigned and signed 32-bit varint it writes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: -0x80000000, max: 0x7fffffff }), (u, s) => {
        const r = new Reader(new Writer(2).uvarint(u).varint(s).finish());
        expect(r.uvarint()).toBe(u);
        expect(r.varint()).toBe(s);
        expect(r.remaining).toBe(0);
      }),
      { numRuns: 2_000 },
    );
  });

  it('rejects varints out of range and longer than 5 bytes', () => {
    expect(() => new Writer().uvarint(-1)).toThrow(RangeError);
    expect(() => new Writer().uvarint(2 ** 32)).toThrow(RangeError);
    expect(() => new Writer().varint(2 ** 31)).toThrow(RangeError);
    expect(() => new Writer().uvarint(1.5)).toThrow(RangeError);
    expect(() => new Reader(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01])).uvarint()).toThrow(/longer than 5 bytes/);
    expect(() => new Reader(Buffer.from([0x80, 0x80])).uvarint()).toThrow(/truncated/);
  });

  it('round-trips fixed-width integers, booleans and uuids', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -128, max: 127 }),
        fc.integer({ min: -32_768, max: 32_767 }),
        fc.integer({ min: -0x80000000, max: 0x7fffffff }),
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
        fc.boolean(),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        (i8, i16, i32, i64, flag, id) => {
          const uuid = Buffer.from(id).toString('base64url');
          const r = new Reader(new Writer(1).int8(i8).int16(i16).int32(i32).int64(i64).boolean(flag).uuid(uuid).finish());
          expect([r.int8(), r.int16(), r.int32(), r.int64(), r.boolean(), r.uuid()]).toEqual([i8, i16, i32, i64, flag, uuid]);
          expect(r.remaining).toBe(0);
        },
      ),
    );
  });

  it('reads int64 values on both sides of the 53-bit fast path exactly', () => {
    const edges = [0n, -1n, 2n ** 53n - 1n, -(2n ** 53n), 2n ** 53n, -(2n ** 53n) - 1n, 2n ** 63n - 1n, -(2n ** 63n), 0x1fffff_ffffffffn, -0x200000_00000000n];
    const w = new Writer();
    for (const value of edges) w.int64(value);
    const r = new Reader(w.finish());
    expect(edges.map(() => r.int64())).toEqual(edges);
  });

  it('writes int64 values byte for byte as Buffer.writeBigInt64BE does, on both sides of the 53-bit fast path', () => {
    const expected = (value: bigint): number[] => {
      const buffer = Buffer.alloc(8);
      buffer.writeBigInt64BE(value);
      return [...buffer];
    };
    fc.assert(
      fc.property(fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.bigInt({ min: -(2n ** 54n), max: 2n ** 54n })), (value) => {
        expect(bytes((w) => w.int64(value))).toEqual(expected(value));
      }),
      { numRuns: 2_000 },
    );
    for (const value of [0n, -1n, -2n, 2n ** 32n - 1n, 2n ** 32n, -(2n ** 32n), 2n ** 53n - 1n, -(2n ** 53n) + 1n, 2n ** 53n, -(2n ** 53n)]) {
      expect(bytes((w) => w.int64(value))).toEqual(expected(value));
    }
    expect(() => new Writer().int64(2n ** 63n)).toThrow(/out of range/);
  });

  it('reads an offset as a BigInt, and a negative one (Kafka\'s -1: none) as undefined', () => {
    const values = [0n, 7n, 2n ** 53n + 1n, -1n, -(2n ** 63n)];
    const w = new Writer();
    for (const value of values) w.int64(value);
    const r = new Reader(w.int8(9).finish());
    expect(values.map(() => r.offsetOrUndefined())).toEqual([0n, 7n, 2n ** 53n + 1n, undefined, undefined]);
    expect(r.int8()).toBe(9);
    expect(() => new Reader(Buffer.alloc(7)).offsetOrUndefined()).toThrow(/out of range/);
    expect(() => new Reader(Buffer.from([0xff, 0xff, 0xff, 0xff, 0])).offsetOrUndefined()).toThrow(/truncated/);
  });

  it('skips fixed-width fields and compact strings or bytes, null included, and throws past the end', () => {
    const r = new Reader(new Writer().int32(1).compactString('metadata').compactNullableString(null).compactBytes(Buffer.alloc(0)).int16(5).finish());
    r.skip(4);
    r.skipCompactBytes();
    r.skipCompactBytes();
    r.skipCompactBytes();
    expect(r.int16()).toBe(5);
    expect(() => new Reader(Buffer.alloc(3)).skip(4)).toThrow(/truncated/);
    expect(() => new Reader(new Writer().uvarint(11).int8(65).finish()).skipCompactBytes()).toThrow(/truncated/);
  });

  it('reads a compact array length as its element count, 0 for null, and rejects one longer than the frame', () => {
    expect(new Reader(new Writer().compactArray([1, 2, 3], (w, n) => w.int8(n)).finish()).compactArrayLength()).toBe(3);
    expect(new Reader(new Writer().compactArray(null, (w, n: number) => w.int8(n)).finish()).compactArrayLength()).toBe(0);
    expect(() => new Reader(new Writer().uvarint(1_000_001).finish()).compactArrayLength()).toThrow(/longer than/);
  });

  it('writes a null uuid as 16 zero bytes, read back as Kafka prints the zero uuid', () => {
    const buffer = new Writer().uuid(null).finish();
    expect([...buffer]).toEqual(new Array(16).fill(0));
    expect(new Reader(buffer).uuid()).toBe('AAAAAAAAAAAAAAAAAAAAAA');
    expect(() => new Writer().uuid('short')).toThrow(/not a Kafka UUID/);
  });

  it('round-trips strings in every encoding, multi-byte UTF-8 included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.option(fc.string({ unit: 'grapheme' })), (text, maybe) => {
        const r = new Reader(new Writer(3).string(text).nullableString(maybe).compactString(text).compactNullableString(maybe).finish());
        expect([r.string(), r.nullableString(), r.compactString(), r.compactNullableString()]).toEqual([text, maybe, text, maybe]);
        expect(r.remaining).toBe(0);
      }),
    );
  });

  it('prefixes strings with their UTF-8 byte length, not their character count', () => {
    expect(bytes((w) => w.string('é'))).toEqual([0x00, 0x02, 0xc3, 0xa9]);
    expect(bytes((w) => w.compactString('é'))).toEqual([0x03, 0xc3, 0xa9]);
    expect(bytes((w) => w.nullableString(null))).toEqual([0xff, 0xff]);
    expect(bytes((w) => w.compactNullableString(null))).toEqual([0x00]);
  });

  it('reads a null where the schema says non-nullable as an empty value', () => {
    const r = new Reader(Buffer.from([0xff, 0xff, 0x00, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00]));
    expect(r.string()).toBe('');
    expect(r.compactString()).toBe('');
    expect(r.bytes()).toEqual(Buffer.alloc(0));
    expect(r.compactBytes()).toEqual(Buffer.alloc(0));
    expect(r.compactArray((x) => x.int32())).toEqual([]);
  });

  it('round-trips bytes and arrays, nulls included', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.integer({ min: -0x80000000, max: 0x7fffffff }), { maxLength: 200 }), fc.array(fc.string(), { maxLength: 20 }), (raw, ints, strings) => {
        const data = Buffer.from(raw);
        const w = new Writer(1)
          .bytes(data)
          .compactBytes(data)
          .int32Array(ints)
          .compactInt32Array(ints)
          .compactStringArray(strings)
          .array(strings, (x, s) => x.string(s))
          .compactArray(ints, (x, n) => x.varint(n))
          .compactArray(null, (x, n: number) => x.int32(n));
        const r = new Reader(w.finish());
        expect(r.bytes()).toEqual(data);
        expect(r.compactBytes()).toEqual(data);
        expect(r.int32Array()).toEqual(ints);
        expect(r.compactInt32Array()).toEqual(ints);
        expect(r.compactStringArray()).toEqual(strings);
        expect(r.array((x) => x.string())).toEqual(strings);
        expect(r.compactNullableArray((x) => x.varint())).toEqual(ints);
        expect(r.compactNullableArray((x) => x.int32())).toBeNull();
        expect(r.remaining).toBe(0);
      }),
    );
  });

  it('skips tagged fields of any size, multi-byte tags and sizes included', () => {
    const big = Buffer.alloc(300, 7);
    // Three fields: tag 0 with 3 bytes, tag 200 (a 2-byte varint) with 300 bytes (a 2-byte size), tag 5 empty.
    const tagged = new Writer().uvarint(3).uvarint(0).uvarint(3).int8(1).int8(2).int8(3).uvarint(200).uvarint(300);
    const frame = Buffer.concat([tagged.finish(), big, new Writer().uvarint(5).uvarint(0).int32(0x5eed).finish()]);
    const r = new Reader(frame);
    r.skipTaggedFields();
    expect(r.int32()).toBe(0x5eed);
    expect(r.remaining).toBe(0);
  });

  it('skips an empty tagged-field section as one byte', () => {
    const r = new Reader(new Writer().taggedFields().int16(9).finish());
    r.skipTaggedFields();
    expect(r.offset).toBe(1);
    expect(r.int16()).toBe(9);
  });

  it('throws on a tagged field whose size runs past the end', () => {
    const r = new Reader(new Writer().uvarint(1).uvarint(0).uvarint(50).int32(1).finish());
    expect(() => r.skipTaggedFields()).toThrow(/truncated/);
  });

  it('throws instead of returning a short string or a huge array from a truncated frame', () => {
    expect(() => new Reader(new Writer().uvarint(11).int8(65).finish()).compactString()).toThrow(/truncated/);
    expect(() => new Reader(new Writer().int16(5).int8(65).finish()).string()).toThrow(/truncated/);
    expect(() => new Reader(new Writer().uvarint(1_000_001).finish()).compactArray((r) => r.int8())).toThrow(/longer than/);
    expect(() => new Reader(new Writer().int32(1_000_000).finish()).int32Array()).toThrow(/longer than/);
    expect(() => new Reader(Buffer.from([0, 0, 0])).int32()).toThrow(/outside buffer bounds/);
  });

  it('returns bytes as views of the frame, without copying', () => {
    const frame = new Writer().compactBytes(Buffer.from('abc')).finish();
    const view = new Reader(frame).compactBytes();
    frame[1] = 0x7a;
    expect(view.toString()).toBe('zbc');
  });

  it('grows past its initial size without losing what it wrote', () => {
    const w = new Writer(1);
    for (let i = 0; i < 1_000; i++) w.int32(i);
    expect(w.length).toBe(4_000);
    const r = new Reader(w.finish());
    const read = Array.from({ length: 1_000 }, () => r.int32());
    expect(read).toEqual(Array.from({ length: 1_000 }, (_, i) => i));
  });
});
