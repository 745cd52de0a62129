// Writes the Kafka protocol's primitive types into a growable Buffer.
// https://kafka.apache.org/protocol#protocol_types

/**
 * A growable output buffer for one request. Every method appends and returns `this`.
 *
 * @example
 * const body = new Writer().compactString('orders').int32(0).taggedFields().finish();
 */
export class Writer {
  #buffer: Buffer;
  #offset = 0;

  /** @param initialSize first allocation in bytes; the buffer doubles when full. @default 256 */
  constructor(initialSize = 256) {
    this.#buffer = Buffer.allocUnsafe(initialSize);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#offset;
  }

  #reserve(bytes: number): void {
    const needed = this.#offset + bytes;
    if (needed <= this.#buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(needed, this.#buffer.length * 2));
    this.#buffer.copy(grown, 0, 0, this.#offset);
    this.#buffer = grown;
  }

  int8(value: number): this {
    this.#reserve(1);
    this.#offset = this.#buffer.writeInt8(value, this.#offset);
    return this;
  }

  int16(value: number): this {
    this.#reserve(2);
    this.#offset = this.#buffer.writeInt16BE(value, this.#offset);
    return this;
  }

  int32(value: number): this {
    this.#reserve(4);
    this.#offset = this.#buffer.writeInt32BE(value, this.#offset);
    return this;
  }

  int64(value: bigint): this {
    this.#reserve(8);
    const number = Number(value);
    if (Number.isSafeInteger(number)) {
      // Offsets and timestamps fit in 53 bits: two int32 writes from exact double
      // arithmetic cost less than writeBigInt64BE's range checks and BigInt shifts.
      const high = Math.floor(number / 0x100000000);
      this.#buffer.writeInt32BE(high, this.#offset);
      this.#offset = this.#buffer.writeUInt32BE(number - high * 0x100000000, this.#offset + 4);
    } else {
      this.#offset = this.#buffer.writeBigInt64BE(value, this.#offset);
    }
    return this;
  }

  boolean(value: boolean): this {
    return this.int8(value ? 1 : 0);
  }

  /** UNSIGNED_VARINT: 0 to 2^32-1, 7 bits a byte, low bits first. */
  uvarint(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError(`unsigned varint out of range: ${value}`);
    this.#reserve(5);
    const buffer = this.#buffer;
    let offset = this.#offset;
    let rest = value;
    while (rest >= 0x80) {
      buffer[offset++] = (rest & 0x7f) | 0x80;
      rest = Math.floor(rest / 128);
    }
    buffer[offset++] = rest;
    this.#offset = offset;
    return this;
  }

  /** VARINT: a zig-zag encoded int32. */
  varint(value: number): this {
    if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) throw new RangeError(`varint out of range: ${value}`);
    return this.uvarint(((value << 1) ^ (value >> 31)) >>> 0);
  }

  /** UUID from Kafka's base64url text form (22 characters); null writes the zero UUID. */
  uuid(value: string | null): this {
    this.#reserve(16);
    if (value === null) {
      this.#buffer.fill(0, this.#offset, this.#offset + 16);
    } else {
      const bytes = Buffer.from(value, 'base64url');
      if (bytes.length !== 16) throw new RangeError(`not a Kafka UUID (22 base64url characters): ${value}`);
      bytes.copy(this.#buffer, this.#offset);
    }
    this.#offset += 16;
    return this;
  }

  #utf8(value: string, length: number): void {
    this.#reserve(length);
    this.#offset += this.#buffer.write(value, this.#offset, length, 'utf8');
  }

  /** STRING: int16 length, then UTF-8. */
  string(value: string): this {
    const length = Buffer.byteLength(value, 'utf8');
    if (length > 0x7fff) throw new RangeError(`string of ${length} bytes is longer than an int16 length allows`);
    this.int16(length);
    this.#utf8(value, length);
    return this;
  }

  /** NULLABLE_STRING: int16 length (-1 for null), then UTF-8. */
  nullableString(value: string | null): this {
    return value === null ? this.int16(-1) : this.string(value);
  }

  /** COMPACT_STRING: unsigned varint length + 1, then UTF-8. */
  compactString(value: string): this {
    const length = Buffer.byteLength(value, 'utf8');
    this.uvarint(length + 1);
    this.#utf8(value, length);
    return this;
  }

  /** COMPACT_NULLABLE_STRING: 0 for null. */
  compactNullableString(value: string | null): this {
    return value === null ? this.uvarint(0) : this.compactString(value);
  }

  #raw(value: Buffer): void {
    this.#reserve(value.length);
    value.copy(this.#buffer, this.#offset);
    this.#offset += value.length;
  }

  /** BYTES: int32 length, then the bytes. */
  bytes(value: Buffer): this {
    this.int32(value.length);
    this.#raw(value);
    return this;
  }

  /** COMPACT_BYTES: unsigned varint length + 1, then the bytes. */
  compactBytes(value: Buffer): this {
    this.uvarint(value.length + 1);
    this.#raw(value);
    return this;
  }

  /** ARRAY: int32 count, then each item as `write` puts it. */
  array<T>(items: readonly T[], write: (writer: Writer, item: T) => void): this {
    this.int32(items.length);
    for (const item of items) write(this, item);
    return this;
  }

  /** COMPACT_ARRAY: unsigned varint count + 1 (0 for null), then each item. */
  compactArray<T>(items: readonly T[] | null, write: (writer: Writer, item: T) => void): this {
    if (items === null) return this.uvarint(0);
    this.uvarint(items.length + 1);
    for (const item of items) write(this, item);
    return this;
  }

  /** ARRAY of INT32. */
  int32Array(items: readonly number[]): this {
    this.int32(items.length);
    for (const item of items) this.int32(item);
    return this;
  }

  /** COMPACT_ARRAY of INT32. */
  compactInt32Array(items: readonly number[]): this {
    this.uvarint(items.length + 1);
    for (const item of items) this.int32(item);
    return this;
  }

  /** COMPACT_ARRAY of COMPACT_STRING. */
  compactStringArray(items: readonly string[]): this {
    this.uvarint(items.length + 1);
    for (const item of items) this.compactString(item);
    return this;
  }

  /** An empty tagged-field section (we never send tagged fields). */
  taggedFields(): this {
    return this.uvarint(0);
  }

  /** The bytes written, as a view of the internal buffer (no copy). */
  finish(): Buffer {
    return this.#buffer.subarray(0, this.#offset);
  }
}
