import { describe, expect, it } from '@jest/globals';
import { type PhaseMeasure, pairedRatioText, pairedRatios } from '../../../bench/support/rtt-report.ts';

const measure = (warmRuns: number[]): PhaseMeasure => ({ coldMs: 0, warmMs: 0, requests: 0, totalLag: 0n, warmRuns });

describe('pairedRatios: the baseline / ours ratio round by round', () => {
  it('divides the runs of the same round, not the sorted runs', () => {
    // Round 1 is slow for both (a slow spell of the machine), round 2 fast for both: each
    // round's ratio is 10. Sorting each side first would pair 200 with 10 and 100 with 20.
    const ratios = pairedRatios(measure([200, 100]), measure([20, 10]));
    expect(ratios).toEqual({ p25: 10, median: 10, p75: 10 });
  });

  it('reports the quartiles of the ratios', () => {
    const ratios = pairedRatios(measure([80, 90, 100, 110, 120, 130, 140, 150]), measure([10, 10, 10, 10, 10, 10, 10, 10]));
    expect(ratios).toEqual({ p25: 10, median: 12, p75: 14 });
  });

  it('says nothing without runs, or when the runs do not pair up', () => {
    expect(pairedRatios({ coldMs: 0, warmMs: 0, requests: 0, totalLag: 0n }, measure([10]))).toBeUndefined();
    expect(pairedRatios(measure([100, 90]), measure([10]))).toBeUndefined();
    expect(pairedRatios(measure([]), measure([]))).toBeUndefined();
    expect(pairedRatioText(measure([100, 90]), measure([10]))).toBe('');
  });

  it('prints the median first, then the quartiles', () => {
    expect(pairedRatioText(measure([100, 120, 90]), measure([10, 10, 10]))).toBe('round by round: median 10.0× (p25 9.0×, p75 12.0×)');
  });
});
