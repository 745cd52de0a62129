import fc from 'fast-check';
import { addSample, timeLag } from '../../../shared/lag/index.ts';
import type { OffsetTimePoint } from '../../../shared/lag/index.ts';

const S = 1000;
const point = (offset: number, seconds: number): OffsetTimePoint => ({ offset: BigInt(offset), timeMs: seconds * S });

function tableOf(points: Array<[number, number]>): OffsetTimePoint[] {
  let table: OffsetTimePoint[] = [];
  for (const [offset, seconds] of points) table = addSample(table, point(offset, seconds)).table;
  return table;
}

describe('the (log end offset, time) sample table', () => {
  it('appends samples that move forward', () => {
    expect(tableOf([[0, 0], [10, 60], [25, 120]])).toEqual([point(0, 0), point(10, 60), point(25, 120)]);
  });

  it('collapses a flat run into its first and latest samples', () => {
    const table = tableOf([[0, 0], [10, 60], [10, 120], [10, 180], [10, 240]]);
    expect(table).toEqual([point(0, 0), point(10, 60), point(10, 240)]);
  });

  it('rejects a sample whose offset goes backwards', () => {
    const { table, outcome } = addSample(tableOf([[0, 0], [10, 60], [20, 120]]), point(15, 180));
    expect(outcome).toBe('rejected-backwards');
    expect(table).toEqual([point(0, 0), point(10, 60), point(20, 120)]);
  });

  it('restarts the table when the offset falls below its oldest sample (the log was replaced)', () => {
    const { table, outcome } = addSample(tableOf([[100, 0], [110, 60]]), point(3, 120));
    expect(outcome).toBe('reset');
    expect(table).toEqual([point(3, 120)]);
  });

  it('rejects a sample that is not newer than the last one', () => {
    expect(addSample(tableOf([[0, 0], [10, 60]]), point(20, 60)).outcome).toBe('rejected-stale-time');
  });

  it('keeps at most maxPoints samples, dropping the oldest', () => {
    let table: OffsetTimePoint[] = [];
    for (let i = 0; i < 10; i++) table = addSample(table, point(i * 10, i * 60), 4).table;
    expect(table.map((p) => Number(p.offset))).toEqual([60, 70, 80, 90]);
  });
});

describe('time lag', () => {
  const table = tableOf([[0, 0], [100, 100], [300, 200]]);

  it('is 0 when the committed offset is at or past the log end', () => {
    expect(timeLag(table, 300n, 300n, 250 * S)).toEqual({ seconds: 0, quality: 'caught-up' });
    expect(timeLag(table, 310n, 300n, 250 * S)).toEqual({ seconds: 0, quality: 'caught-up' });
  });

  it('is unknown with fewer than two samples, never 0', () => {
    expect(timeLag([point(100, 60)], 10n, 100n, 120 * S)).toEqual({ seconds: null, quality: 'unknown' });
    expect(timeLag([], 10n, 100n, 120 * S)).toEqual({ seconds: null, quality: 'unknown' });
  });

  it('interpolates between the bracketing samples', () => {
    // Offset 200 is half way between (100, 100 s) and (300, 200 s): produced at 150 s.
    expect(timeLag(table, 200n, 300n, 250 * S)).toEqual({ seconds: 100, quality: 'interpolated' });
    expect(timeLag(table, 50n, 300n, 250 * S)).toEqual({ seconds: 200, quality: 'interpolated' });
  });

  it('dates an offset of a flat run to when the run started', () => {
    const flat = tableOf([[0, 0], [100, 60], [100, 120], [100, 180], [150, 240]]);
    expect(timeLag(flat, 100n, 150n, 300 * S)).toEqual({ seconds: 240, quality: 'interpolated' });
  });

  it('extrapolates before the oldest sample along the table rate, within the bound', () => {
    const recent = tableOf([[1000, 100], [2000, 200]]); // 10 offsets/s, span 100 s
    expect(timeLag(recent, 500n, 2000n, 200 * S)).toEqual({ seconds: 150, quality: 'extrapolated' });
  });

  it('reports the bound as a lower bound when extrapolation would reach further back than allowed', () => {
    // 5 offsets/s over a 100 s span: offset 0 would date 300 s before the oldest sample.
    const recent = tableOf([[1500, 100], [2000, 200]]);
    expect(timeLag(recent, 0n, 2000n, 200 * S)).toEqual({ seconds: 200, quality: 'lower-bound' });
    expect(timeLag(recent, 0n, 2000n, 200 * S, { maxExtrapolationRatio: 0.5 })).toEqual({ seconds: 150, quality: 'lower-bound' });
    expect(timeLag(recent, 1000n, 2000n, 200 * S)).toEqual({ seconds: 200, quality: 'extrapolated' });
  });

  it('reports a lower bound when the table is one flat run (no rate to extrapolate with)', () => {
    const flat = tableOf([[500, 100], [500, 200]]);
    expect(timeLag(flat, 400n, 500n, 200 * S)).toEqual({ seconds: 200, quality: 'lower-bound' });
  });

  it('interpolates towards (log end, now) when the committed offset is past the newest sample', () => {
    expect(timeLag(table, 350n, 400n, 300 * S)).toEqual({ seconds: 50, quality: 'interpolated' });
  });

  it('is a finite number of seconds ≥ 0 or null, whatever the table', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 100_000 })), { maxLength: 30 }),
        fc.integer({ min: 0, max: 12_000 }),
        fc.integer({ min: 0, max: 12_000 }),
        (raw, committed, logEnd) => {
          const samples = tableOf(raw.sort((a, b) => a[1] - b[1]));
          const result = timeLag(samples, BigInt(committed), BigInt(logEnd), 200_000 * S);
          if (result.seconds === null) expect(result.quality).toBe('unknown');
          else {
            expect(Number.isFinite(result.seconds)).toBe(true);
            expect(result.seconds).toBeGreaterThanOrEqual(0);
          }
        },
      ),
    );
  });

  it('never dates an offset inside the table outside its bracketing samples', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 500 }), { minLength: 2, maxLength: 20 }), fc.double({ min: 0, max: 1, noNaN: true }), (steps, where) => {
        let offset = 0;
        const samples = tableOf(steps.map((step, i) => [(offset += step), i * 60]));
        const first = Number(samples[0]!.offset);
        const last = Number(samples.at(-1)!.offset);
        const committed = BigInt(Math.floor(first + where * (last - first)));
        const nowMs = 10_000 * S;
        const { seconds } = timeLag(samples, committed, BigInt(last + 1), nowMs);
        const producedAt = nowMs - seconds! * 1000;
        expect(producedAt).toBeGreaterThanOrEqual(samples[0]!.timeMs - 1e-6);
        expect(producedAt).toBeLessThanOrEqual(samples.at(-1)!.timeMs + 1e-6);
      }),
    );
  });
});
