// Reads the Kafka protocol's primitive types from a Buffer. It calls Buffer's own methods
// directly and takes module-level functions for array elements, so decoding a large
// response allocates only the values it returns.
// https://kafka.apache.org/protocol#protocol_types

const EMPTY = Buffer.alloc(0);

function truncated(needed: number, at: number, length: number): RangeError {
  return new RangeError(`Kafka response truncated: ${needed} byte(s) needed at offset ${at}, ${length - at} left`);
}

/**
 * Reads Kafka primitives from `buffer`, advancing `offset`. A read past the end throws a
 * RangeError. Bytes fields are views into `buffer`, not copies.
 *
 * @example
 * const reader = new Reader(frame, 4);
 * const throttleTimeMs = reader.int32();
 * const topics = reader.compactArray(readTopic);
 */
export class Reader {
  readonly buffer: Buffer;
  offset: number;

  /** @param offset where reading starts. @default 0 */
  constructor(buffer: Buffer, offset = 0) {
    this.buffer = buffer;
    this.offset = offset;
  }

  /** Bytes not read yet. */
  get remaining(): number {
    return this.buffer.length - this.offset;
  }

  int8(): number {
    const value = this.buffer.readInt8(this.offset);
    this.offset += 1;
    return value;
  }

  int16(): number {
    const value = this.buffer.readInt16BE(this.offset);
    this.offset += 2;
    return value;
  }

  int32(): number {
    const value = this.buffer.readInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  int64(): bigint {
    const offset = this.offset;
    const high = this.buffer.readInt32BE(offset);
    const low = this.buffer.readUInt32BE(offset + 4);
    this.offset = offset + 8;
    // Offsets and timestamps fit in 53 bits: one BigInt from exact double arithmetic costs
    // less than readBigInt64BE's two BigInts and a shift, most of all before V8 optimizes.
    // −1 ("none", and every timestamp of a ListOffsets for the log start or end) is the one
    // value a response repeats: one shared BigInt for it.
    if (high === -1 && low === 0xffffffff) return -1n;
    if (high >= -0x200000 && high < 0x200000) return BigInt(high * 0x100000000 + low);
    return (BigInt(high) << 32n) + BigInt(low);
  }

  /**
   * INT64 holding an offset, where Kafka's negative "none" (−1) reads as `undefined`.
   * Checks the sign before making a BigInt: answers full of "no offset" allocate nothing.
   */
  offsetOrUndefined(): bigint | undefined {
    if (this.buffer.readInt32BE(this.offset) < 0) {
      this.skip(8);
      return undefined;
    }
    return this.int64();
  }

  /** Skips `bytes` bytes (a field the caller does not need). */
  skip(bytes: number): void {
    const end = this.offset + bytes;
    if (end > this.buffer.length) throw truncated(bytes, this.offset, this.buffer.length);
    this.offset = end;
  }

  boolean(): boolean {
    return this.int8() !== 0;
  }

  /** UNSIGNED_VARINT (at most 5 bytes). */
  uvarint(): number {
    const buffer = this.buffer;
    let offset = this.offset;
    let byte = buffer[offset++];
    if (byte === undefined) throw truncated(1, this.offset, buffer.length);
    if (byte < 0x80) {
      this.offset = offset;
      return byte;
    }
    let value = byte & 0x7f;
    // Multiplying rather than shifting: a 5th byte shifted by 28 would overflow int32.
    for (let scale = 128; ; scale *= 128) {
      byte = buffer[offset++];
      if (byte === undefined) throw truncated(1, offset - 1, buffer.length);
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) break;
      if (scale === 2 ** 28) throw new RangeError(`unsigned varint longer than 5 bytes at offset ${this.offset}`);
    }
    this.offset = offset;
    return value;
  }

  /** VARINT: a zig-zag encoded int32. */
  varint(): number {
    const raw = this.uvarint();
    return (raw >>> 1) ^ -(raw & 1);
  }

  /** UUID in Kafka's text form: 22 base64url characters, as `kafka-topics.sh` prints it. */
  uuid(): string {
    const start = this.offset;
    if (start + 16 > this.buffer.length) throw truncated(16, start, this.buffer.length);
    this.offset = start + 16;
    return this.buffer.toString('base64url', start, start + 16);
  }

  #utf8(length: number): string {
    if (length === 0) return '';
    const start = this.offset;
    const end = start + length;
    // toString clamps an end past the buffer silently; a short string is a corrupt frame.
    if (end > this.buffer.length) throw truncated(length, start, this.buffer.length);
    this.offset = end;
    return this.buffer.toString('utf8', start, end);
  }

  #slice(length: number): Buffer {
    const start = this.offset;
    const end = start + length;
    if (end > this.buffer.length) throw truncated(length, start, this.buffer.length);
    this.offset = end;
    return this.buffer.subarray(start, end);
  }

  /** STRING (int16 length); a null reads as ''. */
  string(): string {
    return this.nullableString() ?? '';
  }

  /** NULLABLE_STRING (int16 length, -1 = null). */
  nullableString(): string | null {
    const length = this.int16();
    return length < 0 ? null : this.#utf8(length);
  }

  /** COMPACT_STRING; a null reads as '' (for fields the schema declares non-nullable). */
  compactString(): string {
    const length = this.uvarint() - 1;
    return length < 0 ? '' : this.#utf8(length);
  }

  /** COMPACT_NULLABLE_STRING. */
  compactNullableString(): string | null {
    const length = this.uvarint() - 1;
    return length < 0 ? null : this.#utf8(length);
  }

  /** Skips a COMPACT_(NULLABLE_)STRING or COMPACT_(NULLABLE_)BYTES without decoding it. */
  skipCompactBytes(): void {
    const length = this.uvarint() - 1;
    if (length > 0) this.skip(length);
  }

  /** BYTES (int32 length); a null reads as an empty buffer. */
  bytes(): Buffer {
    const length = this.int32();
    return length < 0 ? EMPTY : this.#slice(length);
  }

  /** COMPACT_BYTES; a null reads as an empty buffer. */
  compactBytes(): Buffer {
    const length = this.uvarint() - 1;
    return length < 0 ? EMPTY : this.#slice(length);
  }

  /** COMPACT_NULLABLE_BYTES. */
  compactNullableBytes(): Buffer | null {
    const length = this.uvarint() - 1;
    return length < 0 ? null : this.#slice(length);
  }

  #count(count: number): number {
    // Every element takes at least one byte: a larger count is a corrupt frame, and
    // checking it first keeps a bad length from allocating a huge array.
    if (count > this.remaining) throw new RangeError(`Kafka response array of ${count} elements at offset ${this.offset} is longer than the ${this.remaining} byte(s) left`);
    return count;
  }

  /**
   * The element count of a COMPACT_ARRAY, 0 for null, checked like the other array reads;
   * for decoders that read the elements into their own structure instead of an array.
   */
  compactArrayLength(): number {
    return this.#count(Math.max(0, this.uvarint() - 1));
  }

  /** ARRAY (int32 count); a null reads as []. */
  array<T>(read: (reader: Reader) => T): T[] {
    const count = this.#count(this.int32());
    const items: T[] = [];
    for (let i = 0; i < count; i++) items.push(read(this));
    return items;
  }

  /** COMPACT_ARRAY; a null reads as [] (for fields the schema declares non-nullable). */
  compactArray<T>(read: (reader: Reader) => T): T[] {
    return this.compactNullableArray(read) ?? [];
  }

  /** COMPACT_ARRAY that may be null. */
  compactNullableArray<T>(read: (reader: Reader) => T): T[] | null {
    const count = this.uvarint() - 1;
    if (count < 0) return null;
    this.#count(count);
    const items: T[] = [];
    for (let i = 0; i < count; i++) items.push(read(this));
    return items;
  }

  /** ARRAY of INT32; a null reads as []. */
  int32Array(): number[] {
    const count = this.#count(this.int32());
    const items: number[] = [];
    for (let i = 0; i < count; i++) items.push(this.int32());
    return items;
  }

  /** COMPACT_ARRAY of INT32; a null reads as []. */
  compactInt32Array(): number[] {
    const count = this.#count(this.uvarint() - 1);
    const items: number[] = [];
    for (let i = 0; i < count; i++) items.push(this.int32());
    return items;
  }

  /** COMPACT_ARRAY of COMPACT_STRING; a null reads as []. */
  compactStringArray(): string[] {
    const count = this.#count(this.uvarint() - 1);
    const items: string[] = [];
    for (let i = 0; i < count; i++) items.push(this.compactString());
    return items;
  }

  /**
   * Skips a tagged-field section: a count, then per field a tag and a size-prefixed value.
   * Newer brokers add fields here that older clients must ignore (KIP-482).
   * https://cwiki.apache.org/confluence/display/KAFKA/KIP-482%3A+The+Kafka+Protocol+should+Support+Optional+Tagged+Fields
   */
  skipTaggedFields(): void {
    // Almost always empty: one zero byte.
    if (this.buffer[this.offset] === 0) {
      this.offset++;
      return;
    }
    const count = this.uvarint();
    for (let i = 0; i < count; i++) {
      this.uvarint();
      this.#slice(this.uvarint());
    }
  }
}
