import { KafkaPartitionErrors } from '../../../shared/kafka/index.ts';
import { KafkaNetworkError } from '../../../shared/kafka/wire/index.ts';
import { mappingGroupId, partitionErrorsOf, writeOffsets } from '../../../shared/offset-reset/index.ts';
import { FakeKafka } from './fakes.ts';

const orders = (partition: number, offset: bigint) => ({ topic: 'orders', partition, offset });

describe('partitionErrorsOf', () => {
  it('reads the per-partition codes of the OffsetCommit response the admin client throws', () => {
    const response = { topics: [{ name: 'orders', partitions: [{ partitionIndex: 7, errorCode: 3 }, { partitionIndex: 0, errorCode: 0 }] }] };
    expect(partitionErrorsOf(new KafkaPartitionErrors('OffsetCommit', 'email', response, false))).toEqual(
      new Map([
        ['orders-7', 'UNKNOWN_TOPIC_OR_PARTITION'],
        ['orders-0', ''],
      ]),
    );
  });

  it('reads the last response when errors are nested (a caller wrapping retries)', () => {
    const first = { topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, errorCode: 14 }] }] };
    const last = { topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, errorCode: 25 }] }] };
    const error = new AggregateError([new KafkaPartitionErrors('OffsetCommit', 'email', first, true), new KafkaPartitionErrors('OffsetCommit', 'email', last, false)], 'failed twice');
    expect(partitionErrorsOf(error)).toEqual(new Map([['orders-0', 'UNKNOWN_MEMBER_ID']]));
  });

  it('finds nothing in an error without a response', () => {
    expect(partitionErrorsOf(new KafkaNetworkError('connection closed', { code: 'KAFKA_CONNECTION_CLOSED', broker: 'localhost:9092' }))).toBeUndefined();
  });
});

describe('writeOffsets', () => {
  it('reports every partition written when the read-back shows the targets', async () => {
    const kafka = new FakeKafka().addUniformTopic('orders', 2, 10);
    const report = await writeOffsets(kafka, 'email', [orders(0, 3n), orders(1, 4n)]);
    expect(report.written).toEqual([orders(0, 3n), orders(1, 4n)]);
    expect(report.notWritten).toEqual([]);
    expect(kafka.calls).toEqual(['alterConsumerGroupOffsets', 'listConsumerGroupOffsets']);
  });

  it('names Kafka\'s error for a partition the broker refused', async () => {
    const kafka = new FakeKafka().addUniformTopic('orders', 2, 10);
    kafka.failCommit.set('orders-1', 25);
    const report = await writeOffsets(kafka, 'email', [orders(0, 3n), orders(1, 4n)]);
    expect(report.written).toEqual([orders(0, 3n)]);
    expect(report.notWritten).toEqual([{ topic: 'orders', partition: 1, target: 4n, reason: 'UNKNOWN_MEMBER_ID; no committed offset after the write' }]);
  });

  it('calls partitions unverified when the write and the read-back both fail without details', async () => {
    const kafka = new FakeKafka().addUniformTopic('orders', 1, 10);
    kafka.alterConsumerGroupOffsets = async () => {
      throw new KafkaNetworkError('connection closed', { code: 'KAFKA_CONNECTION_CLOSED', broker: 'localhost:9092' });
    };
    kafka.listConsumerGroupOffsets = async () => {
      throw new KafkaNetworkError('connection closed', { code: 'KAFKA_CONNECTION_CLOSED', broker: 'localhost:9092' });
    };
    const report = await writeOffsets(kafka, 'email', [orders(0, 3n)]);
    expect(report.unverified).toEqual([orders(0, 3n)]);
    expect(report.written).toEqual([]);
    expect(report.error).toBeInstanceOf(KafkaNetworkError);
  });
});

describe('mappingGroupId', () => {
  it('reads the consumer group of MSK and self-managed mappings, the UUID when none is set, nothing for other sources', () => {
    expect(mappingGroupId({ UUID: 'u1', EventSourceArn: 'arn:aws:kafka:eu-west-1:123456789012:cluster/c/1', AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: 'email' } })).toBe('email');
    expect(mappingGroupId({ UUID: 'u2', SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: ['b:9092'] } }, SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: 'audit' } })).toBe('audit');
    expect(mappingGroupId({ UUID: 'u3', EventSourceArn: 'arn:aws:kafka:eu-west-1:123456789012:cluster/c/1' })).toBe('u3');
    expect(mappingGroupId({ UUID: 'u4', EventSourceArn: 'arn:aws:sqs:eu-west-1:123456789012:queue' })).toBeUndefined();
  });
});
