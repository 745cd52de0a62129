import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { auditItem, encodeDetail, type AuditEntry } from '../../../shared/offset-reset/index.ts';

const entry = (detail: Record<string, unknown>): AuditEntry => ({
  action: 'reset',
  groupId: 'email',
  requestedBy: 'ops@example.com',
  reason: 'replay',
  startedAt: '2026-05-01T10:00:00.000Z',
  outcome: 'SUCCEEDED',
  detail,
});

/** A plan of `n` partitions whose topic names do not compress away. */
const bigPlan = (n: number) => ({
  partitions: Array.from({ length: n }, (_, i) => ({ topic: `t-${randomBytes(6).toString('hex')}`, partition: i, committed: String(i * 7), target: String(i) })),
});

const itemBytes = (item: Record<string, { S?: string; B?: Uint8Array; N?: string; BOOL?: boolean }>): number =>
  Object.entries(item).reduce((n, [k, v]) => n + k.length + (v.S?.length ?? v.B?.length ?? v.N?.length ?? 1), 0);

describe('audit records', () => {
  it('keys the item by group and start time, with the summary fields beside the detail', () => {
    const item = auditItem({ ...entry({ input: { groupId: 'email' } }), partitionCount: 3, restored: true, invocation: { awsRequestId: 'req-1' } }, '2026-05-01T10:00:00.000Z#0a1b2c3d');
    expect(item).toMatchObject({
      pk: { S: 'email' },
      sk: { S: '2026-05-01T10:00:00.000Z#0a1b2c3d' },
      outcome: { S: 'SUCCEEDED' },
      reason: { S: 'replay' },
      partitionCount: { N: '3' },
      restored: { BOOL: true },
      awsRequestId: { S: 'req-1' },
      detail: { S: '{"input":{"groupId":"email"}}' },
    });
  });

  it('stores a large plan gzip-compressed and complete', () => {
    const plan = { partitions: Array.from({ length: 2_000 }, (_, i) => ({ topic: 'orders', partition: i, target: String(i) })) };
    const encoded = encodeDetail({ plan });
    expect(encoded.detail).toBeUndefined();
    expect(encoded.detailTruncated).toBeUndefined();
    expect(JSON.parse(gunzipSync(encoded.detailGzip!.B!).toString('utf8'))).toEqual({ plan });
  });

  it('truncates a plan too large even compressed, keeps the item under 400 KB, and says how much was kept', () => {
    const detail = { plan: bigPlan(40_000), result: { written: bigPlan(40_000).partitions } };
    const item = auditItem(entry(detail), 'sk');
    expect(itemBytes(item)).toBeLessThan(400_000);
    const truncated = JSON.parse(item.detailTruncated!.S!) as Record<string, { kept: number; total: number }>;
    expect(truncated['plan.partitions']!.total).toBe(40_000);
    expect(truncated['plan.partitions']!.kept).toBeLessThan(40_000);
    const stored = JSON.parse(gunzipSync(item.detailGzip!.B!).toString('utf8')) as { plan: { partitions: unknown[] } };
    expect(stored.plan.partitions).toHaveLength(truncated['plan.partitions']!.kept);
  });
});
