import fc from 'fast-check';
import { CycleEvaluator, addSample, evaluateCycle, evaluatePartitionStatus, hotPartitions, membersFingerprint, recordObservation, timeLag } from '../../../shared/lag/index.ts';
import type {
  CollectedGroup,
  CollectedPartition,
  CollectedTopic,
  CycleEvaluation,
  EvaluateOptions,
  GroupLagState,
  GroupMemberInfo,
  LagCollection,
  LoadedLagState,
  OffsetTimePoint,
  TopicLagState,
} from '../../../shared/lag/index.ts';
import { decodeGroupState, encodeGroupState } from '../../../shared/lag/state-codec.ts';
import { isOrderedTable, timeLagIn } from '../../../shared/lag/time-lag.ts';
import * as reference from './support/reference-evaluate.ts';

// The evaluation was rewritten for CPU time (one pass per group, binary search in ordered
// sample tables, fewer copies). These properties pin it to the code it replaced
// (support/reference-evaluate.ts): same statuses, lags, time lags, hot partitions,
// aggregates and state, cycle after cycle, on any input.

const T0 = 1_800_000_000_000;
const offset = fc.oneof(fc.bigInt({ min: 0n, max: 400n }), fc.bigInt({ min: 2n ** 53n - 200n, max: 2n ** 53n + 200n }));

const point = fc.record({ offset, timeMs: fc.integer({ min: T0 - 600_000, max: T0 + 600_000 }) });
/** Any table, ordered or not (state written by something else, or corrupted). */
const anyTable = fc.array(point, { maxLength: 12 });
/** A table as `addSample` builds them: offsets and times never decrease. */
const orderedTable = anyTable.map((points) => {
  const offsets = points.map((p) => p.offset).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const times = points.map((p) => p.timeMs).sort((a, b) => a - b);
  return offsets.map((o, i) => ({ offset: o, timeMs: times[i]! }));
});
const observation = fc.record({ offset, lag: fc.option(fc.bigInt({ min: -2n, max: 500n }), { nil: null }), timeMs: fc.integer({ min: T0 - 600_000, max: T0 + 600_000 }) });
const window = fc.array(observation, { maxLength: 12 });

const options: fc.Arbitrary<EvaluateOptions> = fc.record(
  {
    burrowWindow: fc.integer({ min: 1, max: 5 }),
    minCommitDistanceMs: fc.constantFrom(0, 1_000, 90_000),
    allowedLag: fc.bigInt({ min: 0n, max: 50n }),
    timeLagMaxPoints: fc.constantFrom(1, 2, 3, 5, 60),
    maxExtrapolationRatio: fc.constantFrom(0, 0.5, 1, 3, Number.POSITIVE_INFINITY),
    hotPartitionFactor: fc.constantFrom(0, 0.25, 1.5, 3),
    hotPartitionMinLag: fc.bigInt({ min: 0n, max: 200n }),
  },
  { requiredKeys: [] },
);

const topicNames = ['orders', 'payments', 'audit'];
/** A commit per group partition and cycle: how it moves relative to the log. */
const commitMove = fc.constantFrom('follow', 'follow', 'follow', 'stuck', 'stuck', 'none', 'negative', 'behind-start', 'ahead', 'back');
/** How the log end of a partition moves in a cycle (`null`: its leader did not answer). */
const logMove = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.constantFrom(0, 0, -3, -1_000, null));

interface Cycle {
  readonly nowMs: number;
  readonly collection: LagCollection;
}

function collectedGroup(
  groupId: string,
  g: { state: string; generation: number | null; described: boolean; offsetsAvailable: boolean; assignments: string; interleaved: boolean },
  partitionsPerTopic: readonly number[],
  partitionOf: (members: readonly GroupMemberInfo[]) => CollectedPartition[],
): CollectedGroup {
  const memberCount = g.assignments === 'nobody' ? 0 : 2;
  const members: GroupMemberInfo[] = Array.from({ length: memberCount }, (_, m) => ({
    memberId: `m-${m}`,
    clientId: 'fn',
    host: '/10.0.0.1',
    assignment:
      g.assignments === 'undecodable' || (g.assignments === 'partial' && m === 1)
        ? new Map()
        : new Map(partitionsPerTopic.map((count, t) => [topicNames[t]!, Array.from({ length: count }, (_, p) => p).filter((p) => p % 2 === m).reverse()])),
  }));
  let partitions = partitionOf(members);
  if (g.interleaved) partitions = [...partitions.filter((_, i) => i % 2 === 1), ...partitions.filter((_, i) => i % 2 === 0)];
  return { groupId, type: g.generation === null ? 'classic' : 'consumer', state: g.state, members, generation: g.generation, partitions, errors: [], offsetsAvailable: g.offsetsAvailable, described: g.described };
}

/**
 * Cycles of a few groups over a few topics, built from moves so that the statuses Burrow
 * distinguishes all occur: consumers that follow the log, stall, stop, rewind, fall off the
 * log start or commit past the end; log ends that stall, go back (stale reads) or restart;
 * members with known, partial or undecodable assignments; groups not described, without
 * offsets, dead or vanished; a partition of a topic nobody collected; clocks that go back,
 * repeat or jump.
 */
const cycles: fc.Arbitrary<Cycle[]> = fc
  .record({
    partitionsPerTopic: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }),
    groupCount: fc.integer({ min: 1, max: 3 }),
    cycleCount: fc.integer({ min: 1, max: 8 }),
    base: fc.constantFrom(0n, 1_000n, 2n ** 53n - 20n),
  })
  .chain(({ partitionsPerTopic, groupCount, cycleCount, base }) => {
    const slots = partitionsPerTopic.flatMap((count, t) => Array.from({ length: count }, (_, partition) => ({ topic: topicNames[t]!, partition })));
    const group = fc.record({
      state: fc.constantFrom('Stable', 'Stable', 'Stable', 'Stable', 'Empty', 'Empty', 'PreparingRebalance', 'Dead'),
      generation: fc.option(fc.integer({ min: 0, max: 6 }), { nil: null }),
      described: fc.constantFrom(true, true, true, true, false),
      offsetsAvailable: fc.constantFrom(true, true, true, true, false),
      assignments: fc.constantFrom('known', 'known', 'partial', 'undecodable', 'nobody'),
      commits: fc.array(fc.tuple(commitMove, fc.integer({ min: 0, max: 30 })), { minLength: slots.length, maxLength: slots.length }),
      owned: fc.array(fc.boolean(), { minLength: slots.length, maxLength: slots.length }),
      interleaved: fc.boolean(),
    });
    const cycle = fc.record({
      stepMs: fc.constantFrom(60_000, 60_000, 60_000, 61_234, 500, 0, -30_000, 3_600_000),
      logMoves: fc.array(logMove, { minLength: slots.length, maxLength: slots.length }),
      groups: fc.array(group, { minLength: groupCount, maxLength: groupCount }),
      vanish: fc.constantFrom(false, false, false, false, false, true),
    });
    return fc.array(cycle, { minLength: cycleCount, maxLength: cycleCount }).map((steps) => {
      const ends = slots.map(() => base);
      const commits = new Map<string, bigint | null>();
      let nowMs = T0;
      return steps.map((step, c): Cycle => {
        nowMs += step.stepMs;
        const logEnds = slots.map((_, i) => {
          const move = step.logMoves[i]!;
          if (move === null) return null;
          ends[i] = ends[i]! + BigInt(move) < 0n ? 0n : ends[i]! + BigInt(move);
          return ends[i]!;
        });
        const logStarts = slots.map((_, i) => (ends[i]! > base + 30n ? ends[i]! - 30n : base));
        const topics = new Map<string, CollectedTopic>();
        partitionsPerTopic.forEach((count, t) => {
          const first = slots.findIndex((slot) => slot.topic === topicNames[t]);
          topics.set(topicNames[t]!, { topic: topicNames[t]!, partitionCount: count, logStartOffsets: logStarts.slice(first, first + count), logEndOffsets: logEnds.slice(first, first + count) });
        });
        const groups = step.groups.map((g, k) =>
          collectedGroup(`g${k}`, g, partitionsPerTopic, (members) => {
            const partitions = slots.map((slot, i): CollectedPartition => {
              const key = `g${k}/${i}`;
              const [move, lag] = g.commits[i]!;
              const end = ends[i]!;
              const previous = commits.get(key) ?? null;
              const committed =
                move === 'follow' ? (end > BigInt(lag) ? end - BigInt(lag) : 0n)
                : move === 'stuck' ? (previous ?? end)
                : move === 'none' ? null
                : move === 'negative' ? -1n
                : move === 'behind-start' ? (logStarts[i]! > 2n ? logStarts[i]! - 2n : 0n)
                : move === 'ahead' ? end + 5n
                : previous !== null && previous > BigInt(lag) ? previous - BigInt(lag) : 0n;
              commits.set(key, committed);
              const owner = g.owned[i] && members.length > 0 ? members[i % members.length]! : null;
              return { ...slot, committedOffset: committed, logStartOffset: logEnds[i] === null ? null : logStarts[i]!, logEndOffset: logEnds[i]!, owner };
            });
            if (k === 2) partitions.push({ topic: 'uncollected', partition: 0, committedOffset: 5n, logStartOffset: 0n, logEndOffset: BigInt(9 + c), owner: null });
            return partitions;
          }),
        );
        const vanishedGroups = step.vanish ? ['gone', ...groups.slice(1).map((g) => g.groupId)] : [];
        return { nowMs, collection: { groups: step.vanish ? groups.slice(0, 1) : groups, topics, vanishedGroups, errors: [], listingComplete: true, outdatedTopics: [] } };
      });
    });
  });

/**
 * The evaluation with its commit windows as plain Maps of observation arrays: ours keeps
 * them in columns (`TopicCommitWindows`, a Map whose entries are built when read), and
 * Jest does not take a Map subclass for equal to a Map, whatever their entries.
 */
function plain(evaluation: CycleEvaluation): CycleEvaluation {
  return {
    ...evaluation,
    groupStates: evaluation.groupStates.map((state) => ({ ...state, windows: new Map([...state.windows].map(([topic, windows]) => [topic, new Map(windows)])) })),
  };
}

function loadedFrom(groups: readonly GroupLagState[], topics: readonly TopicLagState[], previous: LoadedLagState): LoadedLagState {
  return {
    groups: new Map([...previous.groups, ...groups.map((g) => [g.groupId, g] as const)]),
    topics: new Map([...previous.topics, ...topics.map((t) => [t.topic, t] as const)]),
  };
}

describe('the optimized evaluation', () => {
  it('gives the same evaluations and state as the code it replaced, cycle after cycle', () => {
    fc.assert(
      fc.property(cycles, options, fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), anyTable), { maxLength: 3 }), (steps, opts, seededTables) => {
        // Seeded state: tables that may be out of order, as state written by something else.
        const seeded: LoadedLagState = {
          groups: new Map(),
          topics: new Map(topicNames.map((topic) => [topic, { topic, lastSeenMs: T0, samples: new Map(seededTables) }])),
        };
        let ours = seeded;
        let theirs = seeded;
        for (const [c, { nowMs, collection }] of steps.entries()) {
          const actual = evaluateCycle(collection, ours, nowMs, opts);
          const expected = reference.evaluateCycle(collection, theirs, nowMs, opts);
          expect(plain(actual)).toEqual(expected);
          // Every other cycle through the state table's encoding, as with DynamoDB: the
          // windows come back as the stores load them (columns as wide as the longest
          // window stored, or as wide as the evaluation's only by chance) or as plain Maps.
          const stored = c % 2 === 0 ? actual.groupStates : actual.groupStates.map((g) => decodeGroupState(encodeGroupState(g), { columns: c % 4 === 1 })!);
          ours = loadedFrom(stored, actual.topicStates, ours);
          theirs = loadedFrom(expected.groupStates, expected.topicStates, theirs);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('evaluates groups added early, any of them in any order, exactly as the whole collection at once', () => {
    // What the monitor does while the brokers still answer (CycleEvaluator, EarlyEvaluation).
    fc.assert(
      fc.property(cycles, options, fc.array(fc.integer({ min: 0, max: 1_000 }), { minLength: 1, maxLength: 8 }), (steps, opts, keys) => {
        let loaded: LoadedLagState = { groups: new Map(), topics: new Map() };
        for (const { nowMs, collection } of steps) {
          const expected = evaluateCycle(collection, loaded, nowMs, opts);
          const evaluator = new CycleEvaluator(loaded, nowMs, opts);
          const key = (i: number): number => (keys[i % keys.length]! * 7919 + i * 31) % 1_000;
          const early = collection.groups.map((group, i) => ({ group, key: key(i) })).filter((g) => g.key % 3 !== 0);
          for (const { group } of early.sort((a, b) => a.key - b.key)) evaluator.add(group, collection.topics);
          expect(evaluator.finish(collection)).toEqual(expected);
          loaded = loadedFrom(expected.groupStates, expected.topicStates, loaded);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('finds the same time lag by binary search in an ordered table as by scanning it', () => {
    fc.assert(
      fc.property(orderedTable, offset, offset, fc.constantFrom(0, 1, 2.5), (table, committed, logEnd, ratio) => {
        expect(isOrderedTable(table)).toBe(true);
        const nowMs = T0 + 700_000;
        expect(timeLagIn(table, true, committed, logEnd, nowMs, ratio)).toEqual(reference.timeLag(table, committed, logEnd, nowMs, { maxExtrapolationRatio: ratio }));
      }),
    );
  });

  it('keeps timeLag, addSample, recordObservation and the partition rules as they were on any table or window', () => {
    fc.assert(
      fc.property(anyTable, point, window, observation, fc.constantFrom(-1, 0, 0.5, 1, 2.5, 3, 60, Number.NaN), fc.constantFrom(0, 1_000, 90_000), (table, p, w, o, size, minDistanceMs) => {
        expect(timeLag(table, p.offset, p.offset + 7n, T0)).toEqual(reference.timeLag(table, p.offset, p.offset + 7n, T0));
        expect(addSample(table, p, size)).toEqual(reference.addSample(table, p, size));
        expect(recordObservation(w, o, { size, minDistanceMs })).toEqual(reference.recordObservation(w, o, { size, minDistanceMs }));
        for (const consumerActive of [true, false, null]) {
          const input = { window: w, currentLag: o.lag, nowMs: T0 + 700_000, consumerActive, recentLogEndOffsets: table, allowedLag: 3n, windowSize: 4 };
          expect(evaluatePartitionStatus(input)).toEqual(reference.evaluatePartitionStatus(input));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('flags the same hot partitions and fingerprints members the same way', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.bigInt({ min: 0n, max: 10_000n }), { nil: null }), { maxLength: 8 }),
        fc.record({ factor: fc.constantFrom(0, 0.3, 1, 3), minLag: fc.bigInt({ min: 0n, max: 500n }) }),
        fc.array(fc.record({ memberId: fc.string(), topics: fc.array(fc.tuple(fc.string(), fc.array(fc.nat(20), { maxLength: 5 })), { maxLength: 3 }) }), { maxLength: 3 }),
        (lags, hot, members) => {
          expect(hotPartitions(lags, hot)).toEqual(reference.hotPartitions(lags, hot));
          const infos: GroupMemberInfo[] = members.map((m) => ({ memberId: m.memberId, clientId: 'c', host: 'h', assignment: new Map(m.topics) }));
          expect(membersFingerprint(infos)).toBe(reference.membersFingerprint(infos));
        },
      ),
    );
  });

  it('tells an ordered table from one that is not', () => {
    const at = (offset: bigint, timeMs: number): OffsetTimePoint => ({ offset, timeMs });
    expect(isOrderedTable([at(1n, 1), at(1n, 1), at(5n, 9)])).toBe(true);
    expect(isOrderedTable([at(5n, 1), at(1n, 2)])).toBe(false);
    expect(isOrderedTable([at(1n, 5), at(2n, 4)])).toBe(false);
  });
});
