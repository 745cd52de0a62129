import fc from 'fast-check';
import {
  decodeCooperativeUserData,
  decodeStickyUserData,
  encodeCooperativeUserData,
  encodeStickyUserData,
} from '../../../shared/assignors/index.ts';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe("Kafka's StickyAssignor user data", () => {
  it('encodes v1 byte for byte: topic array, partition arrays, then the generation', () => {
    const bytes = encodeStickyUserData({ partitions: [{ topic: 'ab', partitions: [1, 0] }], generation: 7 });
    // 1 topic | "ab" | 2 partitions: 0, 1 | generation 7
    expect(hex(bytes)).toBe('00000001' + '0002' + '6162' + '00000002' + '00000000' + '00000001' + '00000007');
  });

  it('encodes v0 (no generation) when the generation is unknown, and decodes it without one', () => {
    const bytes = encodeStickyUserData({ partitions: [{ topic: 't', partitions: [3] }] });
    expect(hex(bytes)).toBe('00000001' + '0001' + '74' + '00000001' + '00000003');
    expect(decodeStickyUserData(bytes)).toEqual({ partitions: [{ topic: 't', partitions: [3] }] });
  });

  it('round-trips any ownership, merging repeated topics and sorting', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.uniqueArray(fc.integer({ min: 0, max: 100_000 }), { maxLength: 20 })),
        fc.option(fc.integer({ min: -1, max: 2 ** 31 - 1 }), { nil: undefined }),
        (byTopic, generation) => {
          const partitions = Object.entries(byTopic).map(([topic, list]) => ({ topic, partitions: list }));
          const decoded = decodeStickyUserData(encodeStickyUserData({ partitions, ...(generation === undefined ? {} : { generation }) }));
          const normalize = (list: readonly { topic: string; partitions: readonly number[] }[]) =>
            Object.fromEntries(list.map(({ topic, partitions: p }) => [topic, [...p].sort((a, b) => a - b)]));
          expect(normalize(decoded.partitions)).toEqual(normalize(partitions));
          expect(decoded.generation).toBe(generation);
        },
      ),
    );
  });

  it('reads user data sitting at an offset inside a larger buffer', () => {
    const bytes = encodeStickyUserData({ partitions: [{ topic: 'orders', partitions: [4] }], generation: 2 });
    const framed = Buffer.concat([Buffer.from([9, 9, 9]), Buffer.from(bytes)]).subarray(3);
    expect(decodeStickyUserData(framed)).toEqual({ partitions: [{ topic: 'orders', partitions: [4] }], generation: 2 });
  });

  it('treats empty user data as "owned nothing, no generation"', () => {
    expect(decodeStickyUserData(new Uint8Array())).toEqual({ partitions: [] });
    expect(decodeStickyUserData(undefined)).toEqual({ partitions: [] });
  });

  it('treats unreadable bytes as "owned nothing, generation -1" instead of failing the rebalance', () => {
    expect(decodeStickyUserData(Uint8Array.from([0, 0, 0, 5, 1]))).toEqual({ partitions: [], generation: -1 });
    expect(decodeStickyUserData(Uint8Array.from([0xff, 0xff, 0xff, 0xff]))).toEqual({ partitions: [], generation: -1 });
  });
});

describe("Kafka's CooperativeStickyAssignor user data", () => {
  it('is the generation as a big-endian int32', () => {
    expect(hex(encodeCooperativeUserData(258))).toBe('00000102');
    expect(decodeCooperativeUserData(encodeCooperativeUserData(-1))).toBe(-1);
    expect(decodeCooperativeUserData(encodeCooperativeUserData(2_000_000_000))).toBe(2_000_000_000);
  });

  it('is absent without user data and -1 when too short', () => {
    expect(decodeCooperativeUserData(undefined)).toBeUndefined();
    expect(decodeCooperativeUserData(Uint8Array.from([1, 2]))).toBe(-1);
  });
});
