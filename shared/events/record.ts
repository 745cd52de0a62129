import { decodeUtf8, fromBase64, headerNumbersToBytes, isBase64 } from './bytes.ts';
import { RecordDecodeError } from './errors.ts';
import type { KafkaEventRecord, KafkaRecord, SchemaMetadata, TimestampType } from './types.ts';

const NOT_DECODED = Symbol('not decoded');

/**
 * A validated wire record with lazily decoded payload. Construction only copies scalars; the
 * base64 key/value and the header byte arrays are decoded on first access and cached.
 */
export class LazyKafkaRecord implements KafkaRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly timestampMs: number;
  readonly timestampType: TimestampType;
  readonly raw: KafkaEventRecord;
  #key: Uint8Array | null | typeof NOT_DECODED = NOT_DECODED;
  #value: Uint8Array | null | typeof NOT_DECODED = NOT_DECODED;
  #headers: ReadonlyMap<string, readonly Uint8Array[]> | undefined;

  constructor(raw: KafkaEventRecord) {
    this.raw = raw;
    this.topic = raw.topic;
    this.partition = raw.partition;
    this.offset = BigInt(raw.offset);
    this.timestampMs = raw.timestamp;
    this.timestampType = raw.timestampType;
  }

  get key(): Uint8Array | null {
    if (this.#key === NOT_DECODED) this.#key = this.#decodeBase64('key', this.raw.key);
    return this.#key;
  }

  get value(): Uint8Array | null {
    if (this.#value === NOT_DECODED) this.#value = this.#decodeBase64('value', this.raw.value);
    return this.#value;
  }

  get headers(): ReadonlyMap<string, readonly Uint8Array[]> {
    if (this.#headers === undefined) {
      const headers = new Map<string, Uint8Array[]>();
      for (const header of this.raw.headers ?? []) {
        for (const name of Object.keys(header)) {
          const bytes = headerNumbersToBytes(header[name] ?? []);
          const values = headers.get(name);
          if (values === undefined) headers.set(name, [bytes]);
          else values.push(bytes);
        }
      }
      this.#headers = headers;
    }
    return this.#headers;
  }

  get keySchemaMetadata(): SchemaMetadata | undefined {
    return this.raw.keySchemaMetadata;
  }

  get valueSchemaMetadata(): SchemaMetadata | undefined {
    return this.raw.valueSchemaMetadata;
  }

  get isTombstone(): boolean {
    return this.raw.value === undefined || this.raw.value === null;
  }

  keyString(): string | null {
    const key = this.key;
    return key === null ? null : this.#decodeText('key', key);
  }

  valueString(): string | null {
    const value = this.value;
    return value === null ? null : this.#decodeText('value', value);
  }

  valueJson<T = unknown>(): T | null {
    const text = this.valueString();
    if (text === null) return null;
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new RecordDecodeError(this, 'value', 'not valid JSON', { cause: error });
    }
  }

  #decodeBase64(field: string, text: string | null | undefined): Uint8Array | null {
    if (text === undefined || text === null) return null;
    if (!isBase64(text)) throw new RecordDecodeError(this, field, 'not valid base64');
    return fromBase64(text);
  }

  #decodeText(field: string, bytes: Uint8Array): string {
    try {
      return decodeUtf8(bytes);
    } catch (error) {
      throw new RecordDecodeError(this, field, 'not valid UTF-8', { cause: error });
    }
  }
}
