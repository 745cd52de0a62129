// The seed's "Partition Assignment Strategies" and "Optimal Consumer Count" examples, and how
// Kafka's real sticky assignor relates to the seed's sticky example.
import { plan } from '../../../shared/assignors/index.ts';

const entries = (view: ReadonlyMap<string, readonly number[]>): [string, number[]][] =>
  [...view].map(([id, partitions]) => [id, [...partitions]]);

describe('the seed examples', () => {
  it('range assigns topic orders (partitions 0-5) to 3 consumers as C1:[0,1] C2:[2,3] C3:[4,5]', () => {
    const result = plan({ partitions: 6, consumers: 3, strategy: 'range', topic: 'orders' });
    expect(entries(result.after)).toEqual([
      ['C1', [0, 1]],
      ['C2', [2, 3]],
      ['C3', [4, 5]],
    ]);
  });

  it('round robin assigns every 3rd partition: C1:[0,3] C2:[1,4] C3:[2,5]', () => {
    const result = plan({ partitions: 6, consumers: 3, strategy: 'round-robin' });
    expect(entries(result.after)).toEqual([
      ['C1', [0, 3]],
      ['C2', [1, 4]],
      ['C3', [2, 5]],
    ]);
  });

  describe('sticky', () => {
    it("starts a fresh group in Kafka's round-robin order, not the seed's contiguous C1:[0,1] C2:[2,3] C3:[4,5]", () => {
      // AbstractStickyAssignor fills members under quota round-robin in member-id order, so a
      // group with no previous owners gets exactly what RoundRobinAssignor gives.
      const result = plan({ partitions: 6, consumers: 3, strategy: 'sticky' });
      expect(entries(result.before)).toEqual([
        ['C1', [0, 3]],
        ['C2', [1, 4]],
        ['C3', [2, 5]],
      ]);
    });

    it("reproduces the seed's initial layout when the group's current assignment came from range", () => {
      const result = plan({ partitions: 6, consumers: 3, strategy: 'sticky', initial: 'range' });
      expect(entries(result.before)).toEqual([
        ['C1', [0, 1]],
        ['C2', [2, 3]],
        ['C3', [4, 5]],
      ]);
      expect(entries(result.after)).toEqual(entries(result.before));
    });

    it("moves only C2's partitions when C2 fails and balances 3/3, where the seed's C1:[0,1], C3:[2,4,5] drops partition 3", () => {
      const result = plan({ partitions: 6, consumers: 3, strategy: 'sticky', initial: 'range', remove: ['C2'] });
      expect(entries(result.after)).toEqual([
        ['C1', [0, 1, 2]],
        ['C3', [3, 4, 5]],
      ]);
      expect(result.moved).toEqual([
        { partition: 2, from: 'C2', to: 'C1' },
        { partition: 3, from: 'C2', to: 'C3' },
      ]);
      expect(result.imbalanceAfter).toBe(0);

      // The seed's line is not an assignment Kafka (or any assignor) can produce: it covers 5 of
      // the 6 partitions and leaves its consumers 2 vs 3. What it gets right is the stickiness:
      // C1 keeps [0,1], C3 keeps [4,5], and only C2's partitions change owner.
      const seedAfter = { C1: [0, 1], C3: [2, 4, 5] };
      const seedCovered = [...seedAfter.C1, ...seedAfter.C3].sort((a, b) => a - b);
      expect(seedCovered).toEqual([0, 1, 2, 4, 5]);
      const kafkaCovered = [...result.after.values()].flat().sort((a, b) => a - b);
      expect(kafkaCovered).toEqual([0, 1, 2, 3, 4, 5]);
      expect(result.after.get('C1')).toEqual(expect.arrayContaining(seedAfter.C1));
      expect(result.after.get('C3')).toEqual(expect.arrayContaining([4, 5]));
      expect(result.moved.every((move) => move.from === 'C2')).toBe(true);
    });

    it("gives C3 exactly the seed's [2,4,5] when C2 fails in a fresh sticky group; C1 also takes the partition the seed lost", () => {
      const result = plan({ partitions: 6, consumers: 3, strategy: 'sticky', remove: ['C2'] });
      expect(entries(result.after)).toEqual([
        ['C1', [0, 1, 3]],
        ['C3', [2, 4, 5]],
      ]);
      expect(result.moved.map((move) => move.partition)).toEqual([1, 4]);
      expect(result.moved.every((move) => move.from === 'C2')).toBe(true);
    });
  });

  it('Optimal Consumer Count: 15 consumers on 12 partitions leave 3 idle, which is a warning, not an error', () => {
    const result = plan({ partitions: 12, consumers: 15, strategy: 'range' });
    // Kafka orders members as strings, so C10..C15 come before C2 and C7..C9 are the idle ones.
    expect(result.idleAfter).toEqual(['C7', 'C8', 'C9']);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(/15 consumers for 12 partitions: 3 consumer\(s\) stay idle/);
  });

  it('Optimal Consumer Count: 8 consumers on 12 partitions are all active, without warnings', () => {
    const result = plan({ partitions: 12, consumers: 8, strategy: 'sticky' });
    expect(result.idleAfter).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.imbalanceAfter).toBe(1);
  });
});
