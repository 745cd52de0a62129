// `groupctl plan`, driven through its `run` with captured output.
import { formatPartitions, run } from '../../../cli/commands/plan.ts';

async function groupctl(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('groupctl plan', () => {
  it("prints the seed's range example", async () => {
    const { code, out } = await groupctl('--partitions', '6', '--consumers', '3', '--strategy', 'range');
    expect(code).toBe(0);
    expect(out).toContain('  C1: [0, 1]\n  C2: [2, 3]\n  C3: [4, 5]');
    expect(out).toContain('imbalance (max - min partitions per consumer): 0');
  });

  it("prints the seed's round-robin example", async () => {
    const { out } = await groupctl('--partitions', '6', '--consumers', '3', '--strategy', 'round-robin');
    expect(out).toContain('  C1: [0, 3]\n  C2: [1, 4]\n  C3: [2, 5]');
  });

  it('prints before, after, moves, idle consumers and imbalance when a consumer leaves', async () => {
    const { code, out } = await groupctl('--partitions', '6', '--consumers', '3', '--strategy', 'sticky', '--initial', 'range', '--remove', 'C2');
    expect(code).toBe(0);
    expect(out).toBe(
      [
        'topic orders: 6 partitions, strategy sticky (current assignment made by range)',
        '',
        'before (3 consumers):',
        '  C1: [0, 1]',
        '  C2: [2, 3]',
        '  C3: [4, 5]',
        'after --remove C2 (2 consumers):',
        '  C1: [0, 1, 2]',
        '  C3: [3, 4, 5]',
        '',
        'partitions moved: 2',
        '  partition 2: C2 -> C1',
        '  partition 3: C2 -> C3',
        'idle consumers: before none; after none',
        'imbalance (max - min partitions per consumer): before 0, after 0',
      ].join('\n'),
    );
  });

  it('shows the withheld step of a cooperative join', async () => {
    const { out } = await groupctl('--partitions', '6', '--consumers', '3', '--strategy', 'cooperative-sticky', '--add', 'C4', '--topic', 'payments');
    expect(out).toContain('topic payments: 6 partitions');
    expect(out).toContain('first rebalance (moving partitions revoked and withheld) (4 consumers):\n  C1: [0, 3]\n  C2: [1]\n  C3: [2, 5]\n  C4: []');
    expect(out).toContain('after the second rebalance (4 consumers):\n  C1: [0, 3]\n  C2: [1]\n  C3: [2, 5]\n  C4: [4]');
    expect(out).toContain('partition 4: C2 -> C4');
  });

  it('warns about idle consumers when there are more consumers than partitions', async () => {
    const { code, out } = await groupctl('--partitions', '12', '--consumers', '15', '--strategy', 'sticky');
    expect(code).toBe(0);
    // Kafka sorts member ids as strings (C10 < C2), so C7..C9 come last and stay idle.
    expect(out).toContain('idle consumers: C7, C8, C9');
    expect(out).toContain('warning: group: 15 consumers for 12 partitions: 3 consumer(s) stay idle');
  });

  it('prints JSON with --json', async () => {
    const { code, out } = await groupctl('--partitions', '4', '--members', 'a,b', '--strategy', 'sticky', '--add', 'c', '--json');
    expect(code).toBe(0);
    const report = JSON.parse(out) as Record<string, unknown>;
    expect(report).toMatchObject({
      topic: 'orders',
      strategy: 'sticky',
      before: { a: [0, 2], b: [1, 3] },
      after: { a: [0, 2], b: [1], c: [3] },
      moved: [{ partition: 3, from: 'b', to: 'c' }],
      movedCount: 1,
      idle: { before: [], after: [] },
      imbalance: { before: 0, after: 1 },
      warnings: [],
    });
  });

  it.each([
    [['--consumers', '3'], '--partitions is required'],
    [['--partitions', '0', '--consumers', '3'], '--partitions must be at least 1'],
    [['--partitions', 'twelve', '--consumers', '3'], '--partitions must be a whole number'],
    [['--partitions', '6'], 'give exactly one of --consumers and --members'],
    [['--partitions', '6', '--consumers', '3', '--strategy', 'fair'], 'unknown strategy "fair"'],
    [['--partitions', '6', '--consumers', '3', '--remove', 'C9'], '"C9" is not in the group'],
    [['--partitions', '6', '--consumers', '3', '--add', 'C1'], '"C1" is already in the group'],
    [['--partitions', '6', '--consumers', '3', '--verbose'], "Unknown option '--verbose'"],
    [['--partitions', '6', '--consumers', '3', 'extra'], 'Unexpected argument'],
  ])('exits 2 with a clear message for %j', async (argv, message) => {
    const { code, out, err } = await groupctl(...argv);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain(message);
    expect(err).toContain('usage: groupctl plan');
  });

  it('prints usage with --help and exits 0', async () => {
    const { code, out } = await groupctl('--help');
    expect(code).toBe(0);
    expect(out).toContain('usage: groupctl plan');
  });
});

describe('formatPartitions', () => {
  it('lists short runs and compresses runs of four or more', () => {
    expect(formatPartitions([])).toBe('[]');
    expect(formatPartitions([0, 1, 2, 5])).toBe('[0, 1, 2, 5]');
    expect(formatPartitions([0, 1, 2, 3, 7, 9, 10, 11, 12, 13])).toBe('[0-3, 7, 9-13]');
  });
});
