// Property tests: validity, balance, stickiness and the cooperative protocol's safety over
// generated groups.
import fc from 'fast-check';
import {
  STRATEGY_NAMES,
  assign,
  cooperativeStickyRebalance,
  encodeStickyUserData,
  rangeAssign,
  stickyAssign,
} from '../../../shared/assignors/index.ts';
import type { Assignment, MemberSubscription, TopicMetadata } from '../../../shared/assignors/index.ts';
import { movedBetween, ownedBy, ownerMap, rejoin, sizes } from './helpers.ts';

// FC_NUM_RUNS=2000 for a longer soak than the default 100 runs per property.
fc.configureGlobal({ numRuns: Number(process.env.FC_NUM_RUNS ?? 100) });

const topicsArb = fc
  .uniqueArray(fc.record({ topic: fc.constantFrom('a', 'b', 'c', 'orders', 'z-9'), partitions: fc.integer({ min: 1, max: 40 }) }), {
    minLength: 1,
    maxLength: 4,
    selector: (entry) => entry.topic,
  });

// Arbitrary strings exercise Java's code-unit ordering and the HashMap walk.
const idsArb = (max: number) => fc.uniqueArray(fc.string({ minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: max });

/** A group with arbitrary (possibly unequal, possibly unknown) subscriptions. */
const groupArb = topicsArb.chain((topics) =>
  fc.record({
    topics: fc.constant(topics),
    members: idsArb(20).chain((ids) =>
      fc.tuple(
        ...ids.map((memberId) =>
          fc
            .subarray([...topics.map((t) => t.topic), 'unknown-topic'], { minLength: 1 })
            .map((subscribed): MemberSubscription => ({ memberId, topics: subscribed })),
        ),
      ),
    ),
  }),
);

/** A group where everyone subscribes to every topic. */
const equalGroupArb = fc.record({ topics: topicsArb, ids: idsArb(25) });

const totalOf = (topics: readonly TopicMetadata[]): number => topics.reduce((sum, t) => sum + t.partitions, 0);
const names = (topics: readonly TopicMetadata[]): string[] => topics.map((t) => t.topic);
const equalMembers = (ids: readonly string[], topics: readonly TopicMetadata[]): MemberSubscription[] =>
  ids.map((memberId) => ({ memberId, topics: names(topics) }));

/** Checks every partition of a subscribed topic is assigned once, to a subscriber; returns the owners. */
function expectValid(assignment: Assignment, members: readonly MemberSubscription[], topics: readonly TopicMetadata[]): void {
  const subscribers = new Map(members.map((member) => [member.memberId, new Set(member.topics)]));
  const seen = new Set<string>();
  for (const [memberId, byTopic] of assignment) {
    for (const [topic, partitions] of byTopic) {
      expect(subscribers.get(memberId)!.has(topic)).toBe(true);
      for (const partition of partitions) {
        const key = `${topic}:${partition}`;
        expect(seen.has(key)).toBe(false);
        seen.add(key);
      }
    }
  }
  const expected = topics
    .filter((t) => members.some((member) => member.topics.includes(t.topic)))
    .reduce((sum, t) => sum + t.partitions, 0);
  expect(seen.size).toBe(expected);
  expect([...assignment.keys()].sort()).toEqual(members.map((member) => member.memberId).sort());
}

const spread = (values: readonly number[]): number => Math.max(...values) - Math.min(...values);

describe('every strategy', () => {
  it.each(STRATEGY_NAMES.filter((name) => name !== 'cooperative-sticky'))('%s assigns every subscribed partition exactly once, to a subscriber', (strategy) => {
    fc.assert(
      fc.property(groupArb, ({ members, topics }) => {
        expectValid(assign(strategy, { members, topics }), members, topics);
      }),
    );
  });

  it('cooperative-sticky ends, once a rebalance revokes nothing, with every subscribed partition assigned once', () => {
    fc.assert(
      fc.property(groupArb, ({ members, topics }) => {
        const steps = cooperativeStickyRebalance({ members, topics });
        expectValid(steps.final, members, topics);
        expectValid(steps.target, members, topics);
      }),
    );
  });

  it('sticky stays valid whatever members claim, including overlapping claims across generations', () => {
    const claimsArb = groupArb.chain(({ members, topics }) =>
      fc.record({
        topics: fc.constant(topics),
        members: fc.tuple(
          ...members.map((member) =>
            fc
              .record({
                claims: fc.array(fc.record({ topic: fc.constantFrom(...names(topics)), partition: fc.integer({ min: 0, max: 45 }) }), { maxLength: 12 }),
                generation: fc.option(fc.integer({ min: -1, max: 4 }), { nil: undefined }),
              })
              .map(({ claims, generation }): MemberSubscription => ({
                ...member,
                ownedPartitions: claims.map(({ topic, partition }) => ({ topic, partitions: [partition] })),
                ...(generation === undefined ? {} : { generation }),
              })),
          ),
        ),
      }),
    );
    fc.assert(
      fc.property(claimsArb, ({ members, topics }) => {
        expectValid(stickyAssign({ members, topics }), members, topics);
        expectValid(cooperativeStickyRebalance({ members, topics }).final, members, topics);
      }),
    );
  });
});

describe('balance with equal subscriptions', () => {
  it.each(['roundrobin', 'sticky'])('%s gives every member floor(P/C) or ceil(P/C) partitions', (strategy) => {
    fc.assert(
      fc.property(equalGroupArb, ({ topics, ids }) => {
        const counts = sizes(assign(strategy, { members: equalMembers(ids, topics), topics }));
        expect(spread(counts)).toBeLessThanOrEqual(1);
        expect(Math.min(...counts)).toBe(Math.floor(totalOf(topics) / ids.length));
      }),
    );
  });

  it('range balances each topic on its own (its total can differ by one per topic)', () => {
    fc.assert(
      fc.property(equalGroupArb, ({ topics, ids }) => {
        const result = rangeAssign({ members: equalMembers(ids, topics), topics });
        for (const { topic } of topics) {
          expect(spread([...result.values()].map((byTopic) => byTopic.get(topic)?.length ?? 0))).toBeLessThanOrEqual(1);
        }
      }),
    );
  });

  it('sticky rebalances to floor/ceil from any previous ownership', () => {
    fc.assert(
      fc.property(equalGroupArb, fc.array(fc.nat(), { maxLength: 60 }), ({ topics, ids }, picks) => {
        const all = topics.flatMap((t) => Array.from({ length: t.partitions }, (_, p) => ({ topic: t.topic, p })));
        const members = equalMembers(ids, topics).map((member, index) => ({
          ...member,
          ownedPartitions: picks
            .filter((_, k) => k % ids.length === index)
            .map((pick) => all[pick % all.length]!)
            .map(({ topic, p }) => ({ topic, partitions: [p] })),
          generation: 1,
        }));
        expect(spread(sizes(stickyAssign({ members, topics })))).toBeLessThanOrEqual(1);
      }),
    );
  });
});

/** A balanced sticky state reached through a few membership changes. */
const historyArb = fc.record({
  topics: topicsArb,
  ids: idsArb(25).filter((ids) => ids.length >= 2),
  churn: fc.array(fc.nat(), { maxLength: 4 }),
});

function stickyHistory(topics: readonly TopicMetadata[], ids: readonly string[], churn: readonly number[]): Assignment {
  let current = stickyAssign({ members: equalMembers(ids.slice(0, 1), topics), topics });
  let present = ids.slice(0, 1);
  const waiting = ids.slice(1);
  let generation = 1;
  const grow = (): void => {
    const joining = waiting.splice(0, Math.max(1, Math.ceil(waiting.length / 2)));
    current = stickyAssign({ members: rejoin(current, names(topics), generation++, { join: joining }), topics });
    present = [...present, ...joining];
  };
  for (const step of churn) {
    if (waiting.length > 0) grow();
    else if (present.length > 2) {
      const leaving = present[step % present.length]!;
      current = stickyAssign({ members: rejoin(current, names(topics), generation++, { leave: [leaving] }), topics });
      present = present.filter((id) => id !== leaving);
    }
  }
  while (waiting.length > 0) grow();
  return current;
}

describe('stickiness', () => {
  it("moves only the leaver's partitions when a member leaves (ownership in Kafka's user data)", () => {
    fc.assert(
      fc.property(historyArb, fc.nat(), ({ topics, ids, churn }, pick) => {
        const before = stickyHistory(topics, ids, churn);
        const leaver = [...before.keys()][pick % before.size]!;
        const members = [...before.keys()]
          .filter((id) => id !== leaver)
          .map((memberId) => ({
            memberId,
            topics: names(topics),
            userData: encodeStickyUserData({ partitions: ownedBy(before, memberId), generation: 9 }),
          }));
        const after = stickyAssign({ members, topics });
        const leaverPartitions = [...ownerMap(before)].filter(([, owner]) => owner === leaver).map(([key]) => key);
        expect(movedBetween(before, after).sort()).toEqual(leaverPartitions.sort());
        expect(spread(sizes(after))).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('moves the minimum number of partitions, all to the newcomer, when a member joins', () => {
    fc.assert(
      fc.property(historyArb, ({ topics, ids, churn }) => {
        const before = stickyHistory(topics, ids, churn);
        const after = stickyAssign({ members: rejoin(before, names(topics), 7, { join: ['\u{1F195}newcomer'] }), topics });
        const moved = movedBetween(before, after);
        const ownersAfter = ownerMap(after);
        expect(moved.every((key) => ownersAfter.get(key) === '\u{1F195}newcomer')).toBe(true);

        const total = totalOf(topics);
        const count = before.size + 1;
        const minQuota = Math.floor(total / count);
        const maxQuota = Math.ceil(total / count);
        const extra = total % count;
        const held = sizes(before);
        // Partitions the old members must give up to respect the quotas, at best.
        const mustShed =
          extra === 0
            ? held.reduce((sum, n) => sum + Math.max(0, n - minQuota), 0)
            : held.reduce((sum, n) => sum + Math.max(0, n - maxQuota), 0) + Math.max(0, held.filter((n) => n >= maxQuota).length - extra);
        expect(moved.length).toBe(Math.max(mustShed, minQuota));
      }),
    );
  });
});

describe('cooperative protocol', () => {
  it('never lets two members own a partition in one generation, and converges to the sticky target in two rebalances', () => {
    fc.assert(
      fc.property(historyArb, fc.nat(), fc.boolean(), ({ topics, ids, churn }, pick, join) => {
        const before = stickyHistory(topics, ids, churn);
        const leaver = [...before.keys()][pick % before.size]!;
        const change = join ? { join: ['new-1', 'new-2'] } : { leave: [leaver] };
        const members = rejoin(before, names(topics), 3, change);
        const steps = cooperativeStickyRebalance({ members, topics });
        expect(steps.generation).toBe(4);

        const claimed = new Map(members.map((member) => [member.memberId, new Set((member.ownedPartitions ?? []).flatMap((tp) => tp.partitions.map((p) => `${tp.topic}:${p}`)))]));
        // Generation 4: a member only receives partitions nobody else still holds from generation 3.
        for (const [key, owner] of ownerMap(steps.first)) {
          for (const [memberId, set] of claimed) if (memberId !== owner) expect(set.has(key)).toBe(false);
        }
        // Each member keeps or revokes every partition it held.
        for (const [memberId, set] of claimed) {
          const kept = [...set].filter((key) => ownerMap(steps.first).get(key) === memberId);
          const revoked = [...(steps.revoked.get(memberId) ?? new Map<string, readonly number[]>())].flatMap(([topic, list]) => list.map((p) => `${topic}:${p}`));
          expect([...kept, ...revoked].sort()).toEqual([...set].sort());
        }
        // Generation 5 only adds partitions to what generation 4 handed out.
        const firstOwners = ownerMap(steps.first);
        for (const [key, owner] of ownerMap(steps.second)) {
          if (firstOwners.has(key)) expect(firstOwners.get(key)).toBe(owner);
        }
        expect(ownerMap(steps.second)).toEqual(ownerMap(steps.target));
        expect(ownerMap(steps.final)).toEqual(ownerMap(steps.second));
        expect(steps.rebalances).toBeLessThanOrEqual(2);
        expect(ownerMap(steps.target)).toEqual(ownerMap(stickyAssign({ members, topics })));
      }),
    );
  });
});
