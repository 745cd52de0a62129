import fc from 'fast-check';
import { recordObservation } from '../../../shared/lag/index.ts';
import type { CommitObservation } from '../../../shared/lag/index.ts';
import { TopicCommitWindows } from '../../../shared/lag/commit-windows.ts';
import { decodeGroupState, encodeGroupState } from '../../../shared/lag/state-codec.ts';

const T0 = 1_800_000_000_000;
const obs = (offset: bigint, lag: bigint | null, timeMs: number): CommitObservation => ({ offset, lag, timeMs });

/** Windows recorded into fresh columns after `previous`, one observation per entry. */
function recordAll(previous: ReadonlyMap<number, readonly CommitObservation[]> | undefined, capacity: number, minDistanceMs: number, entries: Array<[number, CommitObservation]>): TopicCommitWindows {
  const next = TopicCommitWindows.after(previous, { capacity, slots: 1 });
  for (const [partition, o] of entries) next.record(partition, o.offset, o.lag, o.timeMs, minDistanceMs);
  return next.seal();
}

describe('commit windows in columns (TopicCommitWindows)', () => {
  it('records a first observation per partition, null lags and int64 extremes included', () => {
    const windows = recordAll(undefined, 3, 1_000, [
      [2, obs(2n ** 63n - 1n, null, T0)],
      [0, obs(-1n, 0n, T0)],
    ]);
    expect(windows.get(2)).toEqual([obs(2n ** 63n - 1n, null, T0)]);
    expect(windows.get(0)).toEqual([obs(-1n, 0n, T0)]);
    expect(windows.has(1)).toBe(false);
    expect([...windows.keys()]).toEqual([2, 0]);
    expect(windows.size).toBe(2);
  });

  it('merges, drops the oldest and ignores an older observation exactly as recordObservation does', () => {
    const observation = fc.record({ offset: fc.bigInt({ min: -1n, max: 2n ** 62n }), lag: fc.option(fc.bigInt({ min: 0n, max: 2n ** 62n }), { nil: null }), timeMs: fc.integer({ min: T0 - 5_000, max: T0 + 5_000 }) });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), observation), { maxLength: 40 }), fc.integer({ min: 1, max: 4 }), fc.constantFrom(0, 1_000, 3_000), (steps, capacity, minDistanceMs) => {
        // One cycle per step, so that every step records after the previous cycle's windows.
        let columns: TopicCommitWindows | undefined;
        let objects = new Map<number, readonly CommitObservation[]>();
        for (const [partition, o] of steps) {
          columns = recordAll(columns, capacity, minDistanceMs, [[partition, o]]);
          objects = new Map([[partition, recordObservation(objects.get(partition) ?? [], o, { size: capacity, minDistanceMs })]]);
          expect(new Map(columns)).toEqual(objects);
          expect(columns.length(partition)).toBe(objects.get(partition)!.length);
        }
      }),
    );
  });

  it('starts from a plain map of windows, keeping the newest observations that fit', () => {
    const previous = new Map([[1, [obs(1n, 5n, T0), obs(2n, 4n, T0 + 60_000), obs(3n, 3n, T0 + 120_000)]]]);
    const next = recordAll(previous, 2, 1_000, [[1, obs(4n, 2n, T0 + 180_000)]]);
    expect(next.get(1)).toEqual([obs(3n, 3n, T0 + 120_000), obs(4n, 2n, T0 + 180_000)]);
  });

  it('re-lays columns out for another capacity, keeping each window\'s newest observations', () => {
    let columns = recordAll(undefined, 4, 0, [[1, obs(1n, 3n, T0)], [0, obs(7n, null, T0)]]);
    columns = recordAll(columns, 4, 0, [[1, obs(2n, 2n, T0 + 60_000)], [0, obs(8n, null, T0 + 60_000)]]);
    columns = recordAll(columns, 4, 0, [[1, obs(3n, 1n, T0 + 120_000)], [0, obs(9n, 0n, T0 + 120_000)]]);
    const narrow = TopicCommitWindows.of(columns, 2);
    expect(narrow.capacity).toBe(2);
    expect(new Map(narrow)).toEqual(
      new Map([
        [1, [obs(2n, 2n, T0 + 60_000), obs(3n, 1n, T0 + 120_000)]],
        [0, [obs(8n, null, T0 + 60_000), obs(9n, 0n, T0 + 120_000)]],
      ]),
    );
    expect([...narrow.keys()]).toEqual([1, 0]);
    const wide = TopicCommitWindows.of(columns, 8);
    expect(new Map(wide)).toEqual(new Map(columns));
    // Recording goes on from the re-laid columns.
    expect(recordAll(narrow, 2, 0, [[1, obs(4n, 0n, T0 + 180_000)]]).get(1)).toEqual([obs(3n, 1n, T0 + 120_000), obs(4n, 0n, T0 + 180_000)]);
  });

  it('carries windows over to a new capacity (the window size was reconfigured), newest first', () => {
    const wide = recordAll(undefined, 4, 0, [[0, obs(1n, 3n, T0)]]);
    const wider = recordAll(wide, 4, 0, [[0, obs(2n, 2n, T0 + 60_000)]]);
    const narrow = recordAll(wider, 2, 0, [[0, obs(3n, 1n, T0 + 120_000)]]);
    expect(narrow.capacity).toBe(2);
    expect(narrow.get(0)).toEqual([obs(2n, 2n, T0 + 60_000), obs(3n, 1n, T0 + 120_000)]);
  });

  it('drops a stored window whose values are no Kafka offsets instead of wrapping them', () => {
    const previous = new Map([
      [0, [obs(2n ** 64n, 1n, T0)]],
      [1, [obs(7n, 1n, T0)]],
    ]);
    const columns = TopicCommitWindows.of(previous, 10);
    expect([...columns.keys()]).toEqual([1]);
    expect(columns.length(0)).toBe(0);
  });

  it('only lists the partitions recorded this cycle, not every partition of the previous one', () => {
    const first = recordAll(undefined, 3, 0, [[0, obs(1n, 1n, T0)], [1, obs(1n, 1n, T0)]]);
    const second = recordAll(first, 3, 0, [[1, obs(2n, 0n, T0 + 60_000)]]);
    expect([...second.keys()]).toEqual([1]);
    expect(second.get(1)).toEqual([obs(1n, 1n, T0), obs(2n, 0n, T0 + 60_000)]);
    // The previous cycle's windows are left as they were.
    expect(first.get(1)).toEqual([obs(1n, 1n, T0)]);
    expect([...first.keys()]).toEqual([0, 1]);
  });

  it('grows for partitions beyond the expected count', () => {
    const windows = recordAll(undefined, 2, 0, [[0, obs(1n, 0n, T0)], [40, obs(9n, 3n, T0)]]);
    expect(windows.get(40)).toEqual([obs(9n, 3n, T0)]);
    expect(windows.get(0)).toEqual([obs(1n, 0n, T0)]);
  });

  it('is stored in the state table exactly as the same windows in a plain Map', () => {
    const windows = recordAll(new Map([[3, [obs(5n, 2n, T0), obs(9n, null, T0 + 60_000)]]]), 4, 1_000, [
      [3, obs(12n, 1n, T0 + 120_000)],
      [0, obs(2n ** 62n, 0n, T0 + 120_000)],
    ]);
    const state = { groupId: 'emails', type: 'classic' as const, lastState: 'Stable', generation: null, membersFingerprint: null, lastSeenMs: T0, scaling: null };
    const text = encodeGroupState({ ...state, windows: new Map([['orders', windows]]) });
    expect(text).toBe(encodeGroupState({ ...state, windows: new Map([['orders', new Map(windows)]]) }));
    expect(decodeGroupState(text)!.windows.get('orders')).toEqual(new Map([[3, [obs(5n, 2n, T0), obs(9n, null, T0 + 60_000), obs(12n, 1n, T0 + 120_000)]], [0, [obs(2n ** 62n, 0n, T0 + 120_000)]]]));
  });

  it('is read-only as a Map', () => {
    const windows = recordAll(undefined, 2, 0, [[0, obs(1n, 0n, T0)]]);
    expect(() => (windows as unknown as Map<number, CommitObservation[]>).set(1, [])).toThrow(/read-only/);
    expect(() => (windows as unknown as Map<number, CommitObservation[]>).delete(0)).toThrow(/read-only/);
    expect(windows.get(0)).toEqual([obs(1n, 0n, T0)]);
  });
});
