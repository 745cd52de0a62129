import fc from 'fast-check';
import { MalformedEventError, parseTopicPartitionKey, topicPartitionKey } from '../../../shared/events/index.ts';
import { topicArb } from './support.ts';

describe('topic-partition keys', () => {
  it('joins topic and partition with a dash', () => {
    expect(topicPartitionKey('orders', 3)).toBe('orders-3');
  });

  it('splits at the last dash', () => {
    expect(parseTopicPartitionKey('my-topic-12')).toEqual({ topic: 'my-topic', partition: 12 });
    expect(parseTopicPartitionKey('a--0')).toEqual({ topic: 'a-', partition: 0 });
  });

  it('round-trips every topic name, dashes included', () => {
    fc.assert(
      fc.property(topicArb, fc.integer({ min: 0, max: 1_000_000 }), (topic, partition) => {
        expect(parseTopicPartitionKey(topicPartitionKey(topic, partition))).toEqual({ topic, partition });
      }),
    );
  });

  it.each(['orders', '-0', 'orders-', 'orders-01', 'orders-x', 'orders-1.5'])('rejects %j', (key) => {
    expect(() => parseTopicPartitionKey(key)).toThrow(MalformedEventError);
  });
});
