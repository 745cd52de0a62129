import {
  ASSIGNOR_ERROR_CODES,
  AssignorError,
  assign,
  parseStrategy,
  plan,
  stickyAssign,
} from '../../../shared/assignors/index.ts';
import type { AssignmentInput } from '../../../shared/assignors/index.ts';
import { isRetriable } from '../../../shared/errors/index.ts';
import { membersOf } from './helpers.ts';

function failure(run: () => unknown): AssignorError {
  try {
    run();
  } catch (error) {
    if (error instanceof AssignorError) return error;
    throw error;
  }
  throw new Error('expected an AssignorError');
}

const orders = [{ topic: 'orders', partitions: 6 }];

describe('input validation', () => {
  it('rejects a topic with zero partitions, naming the field', () => {
    const error = failure(() => assign('range', { members: membersOf(['C1'], ['orders']), topics: [{ topic: 'orders', partitions: 0 }] }));
    expect(error.code).toBe(ASSIGNOR_ERROR_CODES.ZERO_PARTITIONS);
    expect(error.message).toMatch(/^topics\[0\]\.partitions: topic "orders" has 0 partitions/);
    expect(error.retriable).toBe(false);
    expect(isRetriable(error)).toBe(false);
  });

  it('rejects duplicate member ids', () => {
    const error = failure(() => assign('sticky', { members: membersOf(['C1', 'C2', 'C1'], ['orders']), topics: orders }));
    expect(error.code).toBe(ASSIGNOR_ERROR_CODES.DUPLICATE_MEMBER);
    expect(error.message).toContain('members[2].memberId');
  });

  it('rejects an empty member list', () => {
    const error = failure(() => assign('roundrobin', { members: [], topics: orders }));
    expect(error.code).toBe(ASSIGNOR_ERROR_CODES.NO_MEMBERS);
  });

  it('rejects a topic listed twice', () => {
    const error = failure(() => assign('range', { members: membersOf(['C1'], ['orders']), topics: [...orders, ...orders] }));
    expect(error.code).toBe(ASSIGNOR_ERROR_CODES.DUPLICATE_TOPIC);
  });

  it('rejects an unknown strategy name, listing the valid ones', () => {
    const error = failure(() => assign('fastest', { members: membersOf(['C1'], ['orders']), topics: orders }));
    expect(error.code).toBe(ASSIGNOR_ERROR_CODES.UNKNOWN_STRATEGY);
    expect(error.message).toContain('range, roundrobin, sticky, cooperative-sticky');
  });

  it('does not take inherited object keys for strategy aliases', () => {
    expect(failure(() => parseStrategy('constructor')).code).toBe(ASSIGNOR_ERROR_CODES.UNKNOWN_STRATEGY);
  });

  it('accepts aliases and any case', () => {
    expect(parseStrategy('Round-Robin')).toBe('roundrobin');
    expect(parseStrategy(' cooperative ')).toBe('cooperative-sticky');
    expect(parseStrategy('STICKY')).toBe('sticky');
  });

  it.each([
    ['a negative partition count', { members: membersOf(['C1'], ['t']), topics: [{ topic: 't', partitions: -2 }] }, /topics\[0\]\.partitions/],
    ['a fractional partition count', { members: membersOf(['C1'], ['t']), topics: [{ topic: 't', partitions: 1.5 }] }, /topics\[0\]\.partitions/],
    ['an unknown member key', { members: [{ memberId: 'C1', topics: ['t'], owned: [] }], topics: [{ topic: 't', partitions: 1 }] }, /members\[0\]: Unrecognized key/],
    ['an empty member id', { members: [{ memberId: '', topics: ['t'] }], topics: [{ topic: 't', partitions: 1 }] }, /members\[0\]\.memberId/],
    ['a negative owned partition', { members: [{ memberId: 'C1', topics: ['t'], ownedPartitions: [{ topic: 't', partitions: [-1] }] }], topics: [{ topic: 't', partitions: 1 }] }, /members\[0\]\.ownedPartitions\[0\]\.partitions\[0\]/],
    ['user data that is not bytes', { members: [{ memberId: 'C1', topics: ['t'], userData: 'abc' }], topics: [{ topic: 't', partitions: 1 }] }, /members\[0\]\.userData/],
  ])('rejects %s with INVALID_INPUT naming the field', (_name, input, pattern) => {
    const error = failure(() => assign('sticky', input as unknown as AssignmentInput));
    expect(error.code).toBe(ASSIGNOR_ERROR_CODES.INVALID_INPUT);
    expect(error.message).toMatch(pattern);
  });

  it('ignores subscribed topics missing from the metadata and claims beyond a topic, as Kafka does', () => {
    const result = stickyAssign({
      members: [{ memberId: 'C1', topics: ['orders', 'ghost'], ownedPartitions: [{ topic: 'orders', partitions: [9, 1] }], generation: 3 }],
      topics: orders,
    });
    expect([...result.get('C1')!]).toEqual([['orders', [0, 1, 2, 3, 4, 5]]]);
  });

  it('gives members beyond the partition count nothing, without an error', () => {
    const result = assign('sticky', { members: membersOf(['a', 'b', 'c'], ['t']), topics: [{ topic: 't', partitions: 2 }] });
    expect([...result].map(([id, byTopic]) => [id, byTopic.get('t') ?? []])).toEqual([
      ['a', [0]],
      ['b', [1]],
      ['c', []],
    ]);
  });
});

describe('planner validation', () => {
  it('rejects removing a member that is not in the group', () => {
    const error = failure(() => plan({ partitions: 6, consumers: 3, strategy: 'sticky', remove: ['C9'] }));
    expect(error.code).toBe(ASSIGNOR_ERROR_CODES.UNKNOWN_MEMBER);
    expect(error.message).toContain('"C9" is not in the group (C1, C2, C3)');
  });

  it('rejects adding a member that is already in the group', () => {
    expect(failure(() => plan({ partitions: 6, consumers: 3, strategy: 'range', add: ['C2'] })).code).toBe(
      ASSIGNOR_ERROR_CODES.MEMBER_EXISTS,
    );
  });

  it('rejects removing every member', () => {
    expect(failure(() => plan({ partitions: 6, consumers: 1, strategy: 'range', remove: ['C1'] })).code).toBe(
      ASSIGNOR_ERROR_CODES.NO_MEMBERS,
    );
  });

  it('rejects zero partitions and a plan with both consumers and member ids', () => {
    expect(failure(() => plan({ partitions: 0, consumers: 3, strategy: 'range' })).message).toMatch(/partitions/);
    expect(failure(() => plan({ partitions: 3, consumers: 3, memberIds: ['a'], strategy: 'range' })).message).toMatch(
      /exactly one of consumers and memberIds/,
    );
  });
});
