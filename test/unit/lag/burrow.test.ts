import fc from 'fast-check';
import { evaluatePartitionStatus, groupStatusOf, lastCommitTimeMs, recordObservation } from '../../../shared/lag/index.ts';
import type { CommitObservation, PartitionStatus } from '../../../shared/lag/index.ts';

const MINUTE = 60_000;
const T0 = 1_800_000_000_000;

/** One observation per minute: [offset, lag] pairs. */
function windowOf(points: Array<[number, number | null]>): CommitObservation[] {
  return points.map(([offset, lag], i) => ({ offset: BigInt(offset), lag: lag === null ? null : BigInt(lag), timeMs: T0 + i * MINUTE }));
}

function statusOf(window: CommitObservation[], options: { currentLag?: bigint | null; consumerActive?: boolean | null; nowMs?: number; logEnds?: Array<[number, number]> } = {}): PartitionStatus {
  return evaluatePartitionStatus({
    window,
    currentLag: options.currentLag === undefined ? (window.at(-1)!.lag ?? 0n) : options.currentLag,
    nowMs: options.nowMs ?? window.at(-1)!.timeMs,
    consumerActive: options.consumerActive === undefined ? true : options.consumerActive,
    recentLogEndOffsets: (options.logEnds ?? []).map(([offset, minute]) => ({ offset: BigInt(offset), timeMs: T0 + minute * MINUTE })),
  }).status;
}

describe('Burrow partition rules', () => {
  it('is OK when the current lag is zero, whatever the window says', () => {
    expect(statusOf(windowOf([[10, 5], [5, 9], [5, 12]]), { currentLag: 0n })).toBe('OK');
  });

  it('is OK when the current lag is within the allowed lag', () => {
    const status = evaluatePartitionStatus({ window: windowOf([[10, 5], [10, 6]]), currentLag: 6n, nowMs: T0 + MINUTE, consumerActive: true, recentLogEndOffsets: [], allowedLag: 10n });
    expect(status.status).toBe('OK');
  });

  it('is OK when the lag reached zero inside the window (the consumer caught up)', () => {
    expect(statusOf(windowOf([[10, 0], [10, 5], [10, 9]]))).toBe('OK');
  });

  it('is WARN when offsets advance but the lag never decreases', () => {
    expect(statusOf(windowOf([[10, 5], [20, 7], [30, 7], [40, 9]]))).toBe('WARN');
  });

  it('is OK when offsets advance and the lag decreases somewhere', () => {
    expect(statusOf(windowOf([[10, 5], [20, 7], [30, 4], [40, 9]]))).toBe('OK');
  });

  it('is STALL when a live consumer owns the partition and the offset never moves while lag exists', () => {
    expect(statusOf(windowOf([[10, 5], [10, 8], [10, 12]]), { consumerActive: true })).toBe('STALL');
  });

  it('is STOP when nobody owns the partition and no commit happened for longer than the window span', () => {
    // One commit at minute 0 and one at minute 1; now is minute 3: 2 minutes > 1 minute span.
    const window = windowOf([[10, 5], [20, 5], [20, 9], [20, 12]]);
    expect(statusOf(window, { consumerActive: false, nowMs: T0 + 3 * MINUTE })).toBe('STOP');
  });

  it('is not STOP while the silence is shorter than the window span', () => {
    const window = windowOf([[10, 5], [20, 5], [30, 5], [30, 9]]);
    // Last commit at minute 2, span 2 minutes; now minute 3: 1 minute of silence.
    expect(statusOf(window, { consumerActive: false, nowMs: T0 + 3 * MINUTE })).not.toBe('STOP');
  });

  it('is not STOP when the consumer was caught up recently (a log end offset at or below the last commit)', () => {
    const window = windowOf([[20, 5], [20, 9], [20, 12]]);
    expect(statusOf(window, { consumerActive: false, nowMs: T0 + 3 * MINUTE, logEnds: [[20, 0], [29, 1], [32, 2]] })).not.toBe('STOP');
    expect(statusOf(window, { consumerActive: false, nowMs: T0 + 3 * MINUTE, logEnds: [[25, 0], [29, 1], [32, 2]] })).toBe('STOP');
  });

  it('claims neither STOP nor STALL when membership is unknown (the group could not be described)', () => {
    const window = windowOf([[10, 5], [10, 8], [10, 12]]);
    expect(statusOf(window, { consumerActive: null, nowMs: T0 + 9 * MINUTE })).toBe('WARN');
  });

  it('is REWIND when the offset went backwards and is still below the highest earlier commit', () => {
    expect(statusOf(windowOf([[50, 5], [60, 5], [20, 45], [30, 40]]))).toBe('REWIND');
  });

  it('is not REWIND once the consumer is past the offset it rewound from', () => {
    expect(statusOf(windowOf([[50, 5], [60, 5], [20, 45], [70, 4]]))).not.toBe('REWIND');
  });

  it('ranks REWIND above STALL and WARN (Burrow order)', () => {
    expect(statusOf(windowOf([[50, 5], [20, 35], [20, 40]]), { consumerActive: true })).toBe('REWIND');
  });

  it('needs two observations before claiming a trend', () => {
    expect(statusOf(windowOf([[10, 5]]))).toBe('OK');
  });

  it('reports the share of the window that is filled', () => {
    const result = evaluatePartitionStatus({ window: windowOf([[1, 0], [2, 0], [3, 0]]), currentLag: 0n, nowMs: T0, consumerActive: true, recentLogEndOffsets: [], windowSize: 10 });
    expect(result.complete).toBeCloseTo(0.3);
  });

  it('always answers one of the five statuses, and OK whenever the lag is zero', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.option(fc.integer({ min: 0, max: 100 }), { nil: null })), { minLength: 1, maxLength: 12 }),
        fc.option(fc.boolean(), { nil: null }),
        fc.integer({ min: 0, max: 100 }),
        (points, active, lag) => {
          const status = statusOf(windowOf(points), { consumerActive: active, currentLag: BigInt(lag), nowMs: T0 + 20 * MINUTE });
          expect(['OK', 'WARN', 'STOP', 'STALL', 'REWIND']).toContain(status);
          if (lag === 0) expect(status).toBe('OK');
        },
      ),
    );
  });
});

describe('the commit window', () => {
  it('keeps the newest observations up to its size', () => {
    let window: CommitObservation[] = [];
    for (let i = 0; i < 15; i++) window = recordObservation(window, { offset: BigInt(i), lag: 1n, timeMs: T0 + i * MINUTE }, { size: 10 });
    expect(window.map((o) => Number(o.offset))).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
  });

  it('merges an observation closer than the minimum distance into the previous one', () => {
    let window = recordObservation([], { offset: 1n, lag: 1n, timeMs: T0 });
    window = recordObservation(window, { offset: 2n, lag: 1n, timeMs: T0 + 500 }, { minDistanceMs: 1000 });
    expect(window).toEqual([{ offset: 2n, lag: 1n, timeMs: T0 + 500 }]);
  });

  it('ignores an observation older than the newest one', () => {
    const window = recordObservation([{ offset: 5n, lag: 0n, timeMs: T0 }], { offset: 9n, lag: 0n, timeMs: T0 - MINUTE });
    expect(window).toEqual([{ offset: 5n, lag: 0n, timeMs: T0 }]);
  });

  it('dates the last commit to the first observation of the current offset', () => {
    expect(lastCommitTimeMs(windowOf([[1, 0], [2, 0], [2, 0], [2, 0]]))).toBe(T0 + MINUTE);
  });
});

describe('the group status', () => {
  it('is the worst partition, with STOP, STALL and REWIND counting as ERR', () => {
    expect(groupStatusOf([])).toBe('OK');
    expect(groupStatusOf(['OK', 'WARN', 'OK'])).toBe('WARN');
    expect(groupStatusOf(['WARN', 'STOP'])).toBe('ERR');
    expect(groupStatusOf(['STALL'])).toBe('ERR');
    expect(groupStatusOf(['OK', 'REWIND'])).toBe('ERR');
  });
});
