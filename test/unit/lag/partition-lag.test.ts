import fc from 'fast-check';
import { maxKnown, partitionLag, sumLags } from '../../../shared/lag/index.ts';

describe('partition lag', () => {
  it('is the log end minus the committed offset', () => {
    expect(partitionLag({ committedOffset: 40n, logStartOffset: 0n, logEndOffset: 100n })).toEqual({ lag: 60n, effectiveOffset: 40n, offsetStatus: 'COMMITTED' });
  });

  it('is clamped at 0 when the commit is past the log end read earlier', () => {
    expect(partitionLag({ committedOffset: 105n, logStartOffset: 0n, logEndOffset: 100n })).toMatchObject({ lag: 0n, offsetStatus: 'COMMITTED' });
  });

  it('counts from the log start, and says so, when the committed offset fell off the log', () => {
    expect(partitionLag({ committedOffset: 5n, logStartOffset: 80n, logEndOffset: 100n })).toEqual({ lag: 20n, effectiveOffset: 80n, offsetStatus: 'CLAMPED_TO_LOG_START' });
  });

  it('is unknown (null), not 0, without a committed offset', () => {
    expect(partitionLag({ committedOffset: null, logStartOffset: 0n, logEndOffset: 100n })).toEqual({ lag: null, effectiveOffset: null, offsetStatus: 'NO_COMMITTED_OFFSET' });
    expect(partitionLag({ committedOffset: -1n, logStartOffset: 0n, logEndOffset: 100n }).offsetStatus).toBe('NO_COMMITTED_OFFSET');
  });

  it('is unknown when the leader did not answer', () => {
    expect(partitionLag({ committedOffset: 3n, logStartOffset: null, logEndOffset: null })).toMatchObject({ lag: null, offsetStatus: 'LOG_OFFSETS_UNAVAILABLE' });
  });

  it('keeps int64 precision beyond 2^53', () => {
    const end = 2n ** 62n + 7n;
    expect(partitionLag({ committedOffset: 2n ** 62n, logStartOffset: 0n, logEndOffset: end }).lag).toBe(7n);
  });

  it('is never negative and never above log end − log start', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }), fc.bigInt({ min: 0n, max: 2n ** 40n }), fc.bigInt({ min: 0n, max: 2n ** 40n }), (committed, start, size) => {
        const { lag } = partitionLag({ committedOffset: committed, logStartOffset: start, logEndOffset: start + size });
        expect(lag).not.toBeNull();
        expect(lag! >= 0n).toBe(true);
        expect(lag! <= size).toBe(true);
      }),
    );
  });
});

describe('lag sums', () => {
  it('skip unknown lags and count them', () => {
    expect(sumLags([3n, null, 4n])).toEqual({ sum: 7n, max: 4n, known: 2, unknown: 1 });
    expect(sumLags([null, null])).toEqual({ sum: 0n, max: null, known: 0, unknown: 2 });
  });

  it('equal the sum of the known lags whatever mix of known and unknown (no NaN, no fake 0)', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.bigInt({ min: 0n, max: 10n ** 15n }), { nil: null })), (lags) => {
        const result = sumLags(lags);
        const known = lags.filter((l): l is bigint => l !== null);
        expect(result.sum).toBe(known.reduce((a, b) => a + b, 0n));
        expect(result.known + result.unknown).toBe(lags.length);
        expect(result.max).toBe(known.length === 0 ? null : known.reduce((a, b) => (b > a ? b : a)));
        expect(Number.isNaN(Number(result.sum))).toBe(false);
      }),
    );
  });

  it('take the maximum of known time lags only, ignoring null and NaN', () => {
    expect(maxKnown([null, 2, Number.NaN, 5, Number.POSITIVE_INFINITY])).toBe(5);
    expect(maxKnown([null, Number.NaN])).toBeNull();
    fc.assert(
      fc.property(fc.array(fc.option(fc.double(), { nil: null })), (values) => {
        const max = maxKnown(values);
        if (max !== null) expect(Number.isFinite(max)).toBe(true);
      }),
    );
  });
});
