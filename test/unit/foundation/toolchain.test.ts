import { Admin } from '@platformatic/kafka';
import { isRetriable, ServerlessConsumerGroupsError } from '../../../shared/errors/index.ts';

describe('the toolchain', () => {
  it('runs tests on Node 24 or newer', () => {
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(24);
  });
  it('loads the ESM-only Kafka client', () => {
    expect(typeof Admin).toBe('function');
  });
});

describe('isRetriable', () => {
  it('reads the flag of a project error', () => {
    expect(isRetriable(new ServerlessConsumerGroupsError('poison', { code: 'X', retriable: false }))).toBe(false);
  });
  it('follows the cause chain to a project error', () => {
    const inner = new ServerlessConsumerGroupsError('poison', { code: 'X', retriable: false });
    expect(isRetriable(new Error('wrapped', { cause: inner }))).toBe(false);
  });
  it('treats unknown errors as retriable', () => {
    expect(isRetriable(new Error('socket hang up'))).toBe(true);
  });
});
