import { groupFilter, hotPartitions, membersFingerprint, rebalancesBetween } from '../../../shared/lag/index.ts';
import type { GroupMemberInfo } from '../../../shared/lag/index.ts';

const member = (id: string, partitions: number[] = [0]): GroupMemberInfo => ({ memberId: id, clientId: 'c', host: '/10.0.0.1', assignment: new Map([['orders', partitions]]) });

describe('hot partitions', () => {
  it('flags a partition whose lag is far above the mean of the others', () => {
    expect(hotPartitions([5_000n, 100n, 120n, 90n])).toEqual([0]);
  });

  it('does not flag an even spread', () => {
    expect(hotPartitions([1_000n, 1_200n, 900n, 1_100n])).toEqual([]);
  });

  it('works for two partitions: hot against the other one', () => {
    expect(hotPartitions([1_000n, 100n])).toEqual([0]);
    expect(hotPartitions([1_000n, 500n])).toEqual([]);
  });

  it('ignores lags below the minimum, and partitions with unknown lag', () => {
    expect(hotPartitions([90n, 0n, 0n])).toEqual([]);
    expect(hotPartitions([500n, null, null])).toEqual([]);
    expect(hotPartitions([500n, null, 0n])).toEqual([0]);
  });

  it('honours a custom factor and minimum', () => {
    expect(hotPartitions([300n, 100n, 100n], { factor: 2, minLag: 10n })).toEqual([0]);
    expect(hotPartitions([300n, 100n, 100n], { factor: 3, minLag: 10n })).toEqual([]);
  });
});

describe('rebalances', () => {
  const stable = { state: 'Stable', generation: null, members: [member('a'), member('b', [1])] };

  it('are 0 on the first sighting of a group', () => {
    expect(rebalancesBetween(undefined, stable).rebalances).toBe(0);
  });

  it('are the epoch delta for KIP-848 groups', () => {
    expect(rebalancesBetween({ state: 'Stable', generation: 4, membersFingerprint: 'x' }, { ...stable, generation: 7 }).rebalances).toBe(3);
    expect(rebalancesBetween({ state: 'Stable', generation: 7, membersFingerprint: 'x' }, { ...stable, generation: 7 }).rebalances).toBe(0);
  });

  it('count one when a classic group enters a rebalance', () => {
    const previous = { state: 'Stable', generation: null, membersFingerprint: membersFingerprint(stable.members) };
    expect(rebalancesBetween(previous, { ...stable, state: 'PreparingRebalance' }).rebalances).toBe(1);
  });

  it('count one when a classic group changed members between two stable cycles', () => {
    const previous = { state: 'Stable', generation: null, membersFingerprint: membersFingerprint(stable.members) };
    expect(rebalancesBetween(previous, { ...stable, members: [member('a'), member('c', [1])] }).rebalances).toBe(1);
    expect(rebalancesBetween(previous, stable).rebalances).toBe(0);
  });

  it('do not count the end of a rebalance already counted', () => {
    const previous = { state: 'CompletingRebalance', generation: null, membersFingerprint: 'old' };
    expect(rebalancesBetween(previous, stable).rebalances).toBe(0);
  });

  it('fingerprint members independently of their order', () => {
    expect(membersFingerprint([member('a'), member('b', [2, 1])])).toBe(membersFingerprint([member('b', [1, 2]), member('a')]));
    expect(membersFingerprint([])).toBe('');
  });
});

describe('group selection', () => {
  it('takes every group without include patterns', () => {
    expect(groupFilter()('anything')).toBe(true);
  });

  it('matches whole ids with * and ?, and exclude wins', () => {
    const select = groupFilter({ include: ['orders-*', 'email-?'], exclude: ['*-test'] });
    expect(select('orders-email')).toBe(true);
    expect(select('email-1')).toBe(true);
    expect(select('email-10')).toBe(false);
    expect(select('orders-test')).toBe(false);
    expect(select('xorders-email')).toBe(false);
  });

  it('treats regular expression characters literally', () => {
    const select = groupFilter({ include: ['a.b+(c)'] });
    expect(select('a.b+(c)')).toBe(true);
    expect(select('axbb(c)')).toBe(false);
  });
});
