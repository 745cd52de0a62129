// Byte formats the sticky assignors put in a member's subscription user data, identical to
// Kafka's so that Java, kafkajs and @platformatic/kafka members can share a sticky group.
//
// StickyAssignor (eager) user data, Kafka protocol types, big-endian:
//   v1: previous_assignment ARRAY(topic STRING, partitions ARRAY(INT32)), generation INT32
//   v0: the same without the generation (clients before 2.3)
// ARRAY is an INT32 count then the elements, STRING an INT16 byte length then UTF-8.
// https://github.com/apache/kafka/blob/trunk/clients/src/main/java/org/apache/kafka/clients/consumer/StickyAssignor.java
//
// CooperativeStickyAssignor user data: generation INT32 (only read for v0/v1 subscriptions;
// v2+ subscriptions carry the generation as a field).
// https://github.com/apache/kafka/blob/trunk/clients/src/main/java/org/apache/kafka/clients/consumer/CooperativeStickyAssignor.java
import { DEFAULT_GENERATION } from './constants.ts';
import { compareIds } from './context.ts';
import type { StickyMemberData, TopicPartitions } from './types.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

/**
 * Encodes what a member owned, and in which generation, as Kafka's StickyAssignor user data:
 * v1 when `generation` is given, v0 otherwise. Topics are written in name order and partitions
 * ascending (Java writes HashMap order; readers do not care).
 *
 * @example
 * const userData = encodeStickyUserData({ partitions: [{ topic: 'orders', partitions: [0, 1] }], generation: 7 });
 */
export function encodeStickyUserData(data: StickyMemberData): Uint8Array {
  const byTopic = new Map<string, Set<number>>();
  for (const { topic, partitions } of data.partitions) {
    let set = byTopic.get(topic);
    if (set === undefined) byTopic.set(topic, (set = new Set()));
    for (const partition of partitions) set.add(partition);
  }
  const entries = [...byTopic.entries()]
    .sort(([a], [b]) => compareIds(a, b))
    .map(([topic, set]) => ({ name: encoder.encode(topic), partitions: [...set].sort((a, b) => a - b) }));
  let size = 4 + (data.generation === undefined ? 0 : 4);
  for (const entry of entries) size += 2 + entry.name.length + 4 + 4 * entry.partitions.length;
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  let offset = 0;
  view.setInt32(offset, entries.length);
  offset += 4;
  for (const entry of entries) {
    view.setInt16(offset, entry.name.length);
    bytes.set(entry.name, offset + 2);
    offset += 2 + entry.name.length;
    view.setInt32(offset, entry.partitions.length);
    offset += 4;
    for (const partition of entry.partitions) {
      view.setInt32(offset, partition);
      offset += 4;
    }
  }
  if (data.generation !== undefined) view.setInt32(offset, data.generation);
  return bytes;
}

class Underflow extends Error {}

class Reader {
  private offset = 0;
  private readonly view: DataView;
  private readonly bytes: Uint8Array;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private need(count: number): void {
    if (this.offset + count > this.bytes.byteLength) throw new Underflow();
  }

  int16(): number {
    this.need(2);
    const value = this.view.getInt16(this.offset);
    this.offset += 2;
    return value;
  }

  int32(): number {
    this.need(4);
    const value = this.view.getInt32(this.offset);
    this.offset += 4;
    return value;
  }

  string(): string {
    const length = this.int16();
    if (length < 0) throw new Underflow();
    this.need(length);
    const value = decoder.decode(this.bytes.subarray(this.offset, this.offset + length));
    this.offset += length;
    return value;
  }

  /** Kafka's ArrayOf: a negative or oversized count is a schema error. */
  array<T>(element: () => T): T[] {
    const count = this.int32();
    if (count < 0 || count > this.bytes.byteLength - this.offset) throw new Underflow();
    const values: T[] = [];
    for (let i = 0; i < count; i++) values.push(element());
    return values;
  }
}

function readAssignment(reader: Reader): TopicPartitions[] {
  return reader.array(() => ({ topic: reader.string(), partitions: reader.array(() => reader.int32()) }));
}

/**
 * Decodes StickyAssignor user data the way Kafka does: v1 first, then v0 (no generation); bytes
 * that fit neither mean "owned nothing, generation -1" rather than an error, so one member
 * with garbage user data cannot stop the group from rebalancing. Empty user data means the
 * member owned nothing and has no generation.
 *
 * @example
 * decodeStickyUserData(encodeStickyUserData({ partitions: [{ topic: 'orders', partitions: [3] }], generation: 2 }));
 * // { partitions: [{ topic: 'orders', partitions: [3] }], generation: 2 }
 */
export function decodeStickyUserData(bytes: Uint8Array | undefined): StickyMemberData {
  if (bytes === undefined || bytes.byteLength === 0) return { partitions: [] };
  try {
    const reader = new Reader(bytes);
    const partitions = readAssignment(reader);
    return { partitions, generation: reader.int32() };
  } catch (error) {
    if (!(error instanceof Underflow)) throw error;
  }
  try {
    return { partitions: readAssignment(new Reader(bytes)) };
  } catch (error) {
    if (!(error instanceof Underflow)) throw error;
    return { partitions: [], generation: DEFAULT_GENERATION };
  }
}

/**
 * Encodes CooperativeStickyAssignor user data (the generation, for v0/v1 subscriptions).
 *
 * @example
 * encodeCooperativeUserData(5); // Uint8Array [0, 0, 0, 5]
 */
export function encodeCooperativeUserData(generation: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setInt32(0, generation);
  return bytes;
}

/**
 * Decodes CooperativeStickyAssignor user data: `undefined` without user data, -1 when the
 * bytes are too short (Kafka's fallback), the generation otherwise.
 *
 * @example
 * decodeCooperativeUserData(encodeCooperativeUserData(5)); // 5
 */
export function decodeCooperativeUserData(bytes: Uint8Array | undefined): number | undefined {
  if (bytes === undefined) return undefined;
  if (bytes.byteLength < 4) return DEFAULT_GENERATION;
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getInt32(0);
}
