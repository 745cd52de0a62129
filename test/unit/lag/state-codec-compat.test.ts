import fc from 'fast-check';
import { decodeGroupState, decodeObservations, decodeSamples, decodeTopicState, encodeGroupState, encodeObservations, encodeSamples, encodeTopicState } from '../../../shared/lag/state-codec.ts';
import type { GroupLagState, TopicLagState } from '../../../shared/lag/types.ts';
import * as reference from './support/reference-emf.ts';

// The state codec was rewritten for CPU time (strings built directly, fields read in place,
// times memoized). The format did not change: these properties pin the new encoder to the
// old one byte for byte, and the new decoder to the old one on anything, so state written
// before the change reads the same after it (and the other way round).

const T0 = 1_800_000_000_000;
const text = fc.oneof(fc.string(), fc.string({ unit: 'binary', maxLength: 6 }), fc.constantFrom('a"b\\c', 'line\u2028sep', '😀', ''));
const offset = fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }), fc.bigInt({ min: 0n, max: 5_000n }), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n }));
/** Times as the monitor writes them (integers), and what else a number can be. */
const time = fc.oneof(fc.integer({ min: T0 - 86_400_000, max: T0 + 86_400_000 }), fc.integer({ min: 0, max: 4_000_000_000_000 }), fc.constantFrom(T0 + 0.5, -60_000, 2 ** 53 + 2));
const observation = fc.record({ offset, lag: fc.option(offset, { nil: null }), timeMs: time });
const point = fc.record({ offset, timeMs: time });
const partitionId = fc.oneof(fc.nat(1_000), fc.constantFrom(-1, 2 ** 31));

const groupState: fc.Arbitrary<GroupLagState> = fc.record({
  groupId: text,
  type: fc.constantFrom('classic' as const, 'consumer' as const),
  lastState: fc.option(text, { nil: null }),
  generation: fc.option(fc.oneof(fc.nat(), fc.integer()), { nil: null }),
  membersFingerprint: fc.option(text, { nil: null }),
  lastSeenMs: time,
  windows: fc
    .array(fc.tuple(text, fc.array(fc.tuple(partitionId, fc.array(observation, { maxLength: 10 })), { maxLength: 4 })), { maxLength: 3 })
    .map((topics) => new Map(topics.map(([t, ps]) => [t, new Map(ps)]))),
  scaling: fc.option(fc.record({ lastChangeAtMs: time, minimumPollers: fc.integer({ min: 1, max: 200 }) }), { nil: null }),
});
const topicState: fc.Arbitrary<TopicLagState> = fc.record({
  topic: text,
  lastSeenMs: time,
  samples: fc.array(fc.tuple(partitionId, fc.array(point, { maxLength: 12 })), { maxLength: 5 }).map((tables) => new Map(tables)),
});

/** What a function returns or throws, to compare two implementations on bad input too. */
function outcome<T>(fn: () => T): { value: T } | { error: string } {
  try {
    return { value: fn() };
  } catch (error) {
    return { error: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

/** Encoded series and what they can turn into when damaged: any base-36-ish text, signs, separators, long numbers. */
const series = fc.oneof(
  fc.array(observation, { maxLength: 6 }).map((obs) => reference.encodeObservations(obs)),
  fc.array(point, { maxLength: 6 }).map((points) => reference.encodeSamples(points)),
  fc.string({ unit: fc.constantFrom(...'0123456789azAZ:,-+. _'.split('')), maxLength: 30 }),
  fc.constantFrom('', ':', ',', '-', '-:1', '1:', '1::', '1:-', '1::-', '1:-,2:3', 'zzzzzzzzzzz:1', '-zzzzzzzzzz:1:1', '10:,2', '1:2:3:4', 'A:b', ' 1:2', '1:2,'),
);

describe('the state encoding after the rewrite', () => {
  it('writes group and topic states byte for byte as before', () => {
    fc.assert(
      fc.property(groupState, topicState, (group, topic) => {
        expect(encodeGroupState(group)).toBe(reference.encodeGroupState(group));
        expect(encodeTopicState(topic)).toBe(reference.encodeTopicState(topic));
      }),
      { numRuns: 300 },
    );
  });

  it('reads state written before the rewrite as before', () => {
    fc.assert(
      fc.property(groupState, topicState, (group, topic) => {
        const oldGroup = reference.encodeGroupState(group);
        const oldTopic = reference.encodeTopicState(topic);
        expect(decodeGroupState(oldGroup)).toEqual(reference.decodeGroupState(oldGroup));
        expect(decodeTopicState(oldTopic)).toEqual(reference.decodeTopicState(oldTopic));
      }),
      { numRuns: 300 },
    );
  });

  it('decodes any series, damaged ones included, as before: the same values or the same error', () => {
    fc.assert(
      fc.property(series, (encoded) => {
        expect(outcome(() => decodeObservations(encoded))).toEqual(outcome(() => reference.decodeObservations(encoded)));
        expect(outcome(() => decodeSamples(encoded))).toEqual(outcome(() => reference.decodeSamples(encoded)));
      }),
      { numRuns: 2_000 },
    );
  });

  it('encodes series as before, whatever times repeat between calls', () => {
    fc.assert(
      fc.property(fc.array(observation, { maxLength: 8 }), fc.array(point, { maxLength: 8 }), (obs, points) => {
        // Twice: the second call reads the memoized times.
        for (let i = 0; i < 2; i++) {
          expect(encodeObservations(obs)).toBe(reference.encodeObservations(obs));
          expect(encodeSamples(points)).toBe(reference.encodeSamples(points));
        }
      }),
    );
  });
});
