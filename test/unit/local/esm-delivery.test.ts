import fc from 'fast-check';
import { type InvokeOutcome, PartitionQueues, type QueuedRecord } from '../../../local/esm/delivery.ts';

const rec = (partition: number, offset: number, timestampMs = 1_000): QueuedRecord => ({ topic: 't', partition, offset: BigInt(offset), timestampMs, size: 100 });
const offsets = (records: readonly QueuedRecord[]): string[] => records.map((r) => `${r.partition}:${r.offset}`);

function queues(policy: Partial<{ maxRetries: number; bisect: boolean; maxRecordAgeSeconds: number }> = {}) {
  return new PartitionQueues<QueuedRecord>({ maxRetries: policy.maxRetries ?? -1, bisect: policy.bisect ?? false, maxRecordAgeSeconds: policy.maxRecordAgeSeconds ?? -1 });
}

/** Runs invocations until the queue drains; `fail(batch)` decides each outcome. */
function drain(q: PartitionQueues<QueuedRecord>, batchSize: number, fail: (batch: QueuedRecord[]) => InvokeOutcome, max = 1_000) {
  const delivered: string[][] = [];
  const discarded: string[] = [];
  for (let i = 0; i < max && q.size > 0; i++) {
    const batch = q.nextBatch(batchSize, 6 * 1024 * 1024);
    delivered.push(offsets(batch));
    const outcome = fail(batch);
    const s = q.settle(batch, outcome);
    discarded.push(...offsets(s.discarded));
    q.complete(batch, outcome, s);
  }
  return { delivered, discarded };
}

describe('PartitionQueues', () => {
  it('builds batches partition by partition, in offset order, up to the batch size', () => {
    const q = queues();
    [rec(1, 0), rec(0, 0), rec(0, 1), rec(1, 1)].forEach((r) => q.push(r));
    expect(offsets(q.nextBatch(3, 1e9))).toEqual(['0:0', '0:1', '1:0']);
  });

  it('refuses a record it already holds or delivered (a re-fetch after a rebalance)', () => {
    const q = queues();
    expect(q.push(rec(0, 5))).toBe(true);
    expect(q.push(rec(0, 5))).toBe(false);
    expect(q.push(rec(0, 4))).toBe(false);
    expect(q.size).toBe(1);
  });

  it('commits every partition past its last record on success', () => {
    const q = queues();
    [rec(0, 0), rec(0, 1), rec(1, 7)].forEach((r) => q.push(r));
    const batch = q.nextBatch(10, 1e9);
    const s = q.settle(batch, { kind: 'success' });
    expect([...s.commit].map(([k, r]) => `${k}@${r.offset}`)).toEqual(['t-0@1', 't-1@7']);
    q.complete(batch, { kind: 'success' }, s);
    expect(q.size).toBe(0);
  });

  it('retries a failed batch until MaximumRetryAttempts, then discards it', () => {
    const q = queues({ maxRetries: 2 });
    [rec(0, 0), rec(0, 1)].forEach((r) => q.push(r));
    const { delivered, discarded } = drain(q, 10, () => ({ kind: 'error', reason: 'boom' }));
    expect(delivered).toHaveLength(3); // the first attempt and two retries
    expect(discarded).toEqual(['0:0', '0:1']);
  });

  it('commits records before the reported one and resumes the partition there (partial batch response)', () => {
    const q = queues();
    [0, 1, 2, 3].forEach((o) => q.push(rec(0, o)));
    q.push(rec(1, 0));
    const batch = q.nextBatch(10, 1e9);
    const outcome: InvokeOutcome = { kind: 'partial', failures: new Map([['t-0', 2n]]) };
    const s = q.settle(batch, outcome);
    expect([...s.commit].map(([k, r]) => `${k}@${r.offset}`)).toEqual(['t-0@1', 't-1@0']);
    q.complete(batch, outcome, s);
    expect(offsets(q.nextBatch(10, 1e9))).toEqual(['0:2', '0:3']);
  });

  it('treats a report naming a record outside the batch as a failure of the whole batch', () => {
    const q = queues({ maxRetries: 0 });
    [rec(0, 0), rec(0, 1)].forEach((r) => q.push(r));
    const batch = q.nextBatch(10, 1e9);
    const s = q.settle(batch, { kind: 'partial', failures: new Map([['t-0', 99n]]) });
    expect(offsets(s.discarded)).toEqual(['0:0', '0:1']);
  });

  it('discards records older than the maximum record age before invoking', () => {
    const q = queues({ maxRecordAgeSeconds: 60 });
    [rec(0, 0, 0), rec(0, 1, 50_000), rec(0, 2, 100_000)].forEach((r) => q.push(r));
    const s = q.expire(100_000);
    expect(offsets(s.discarded)).toEqual(['0:0']);
    expect(s.condition).toBe('RecordAgeExceeded');
  });

  it('with bisection, discards exactly the poison record and delivers every other one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.nat(), fc.integer({ min: 0, max: 3 }), (n, p, retries) => {
        const poison = p % n;
        const q = queues({ maxRetries: retries, bisect: true });
        for (let o = 0; o < n; o++) q.push(rec(0, o));
        const succeeded = new Set<string>();
        const { discarded } = drain(q, n, (batch) => {
          if (batch.some((r) => r.offset === BigInt(poison))) return { kind: 'error', reason: 'poison' };
          offsets(batch).forEach((o) => succeeded.add(o));
          return { kind: 'success' };
        });
        expect(discarded).toEqual([`0:${poison}`]);
        expect(succeeded.size).toBe(n - 1);
      }),
    );
  });

  it('forgets a revoked partition, so its records can come again from the next owner', () => {
    const q = queues();
    [rec(0, 0), rec(0, 1)].forEach((r) => q.push(r));
    expect(q.drop('t-0')).toBe(2);
    expect(q.push(rec(0, 0))).toBe(true);
  });

  it('starts a newly assigned partition at the committed offset: a stale fetch below it is refused', () => {
    const q = queues();
    q.startAt('t-0', 5n);
    expect(q.push(rec(0, 3))).toBe(false);
    expect(q.push(rec(0, 5))).toBe(true);
    // A start point never moves a partition backwards past what it already holds.
    q.startAt('t-0', 2n);
    expect(q.push(rec(0, 5))).toBe(false);
    expect(offsets(q.nextBatch(10, 1e9))).toEqual(['0:5']);
  });
});
