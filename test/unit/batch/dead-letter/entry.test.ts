import { describeError, toDeadLetterEntry } from '../../../../shared/batch/index.ts';
import { decodeKafkaEvent } from '../../../../shared/events/index.ts';
import { ServerlessConsumerGroupsError } from '../../../../shared/errors/index.ts';

const wire = {
  eventSource: 'SelfManagedKafka',
  bootstrapServers: 'k:9092',
  records: {
    'orders-1': [
      {
        topic: 'orders',
        partition: 1,
        offset: 5,
        timestamp: 1_700_000_000_000,
        timestampType: 'LOG_APPEND_TIME',
        value: 'not base64!',
        headers: [{ h: [-1, 0] }, { h: [65] }],
      },
    ],
  },
};

describe('dead-letter entries', () => {
  it('preserves the raw record, even when its payload cannot be decoded', () => {
    const record = decodeKafkaEvent(wire).partitions[0]!.records[0]!;
    const entry = toDeadLetterEntry(record, new Error('x'), { time: 't' });
    expect(entry).toEqual({
      topic: 'orders',
      partition: 1,
      offset: '5',
      timestampMs: 1_700_000_000_000,
      timestampType: 'LOG_APPEND_TIME',
      key: null,
      value: 'not base64!',
      headers: [
        { name: 'h', value: Buffer.from([0xff, 0]).toString('base64') },
        { name: 'h', value: Buffer.from('A').toString('base64') },
      ],
      error: { name: 'Error', message: 'x' },
      context: { time: 't' },
    });
  });

  it('is JSON-ready: the offset is a string', () => {
    const record = decodeKafkaEvent(wire).partitions[0]!.records[0]!;
    const json = JSON.parse(JSON.stringify(toDeadLetterEntry(record, 'oops', { time: 't' })));
    expect(json.offset).toBe('5');
    expect(json.error).toEqual({ name: 'NonError', message: 'oops' });
  });

  it('describes errors with their stable code when they have one', () => {
    const error = new ServerlessConsumerGroupsError('bad', { code: 'X_BAD', retriable: false });
    expect(describeError(error)).toEqual({ name: 'ServerlessConsumerGroupsError', message: 'bad', code: 'X_BAD' });
    expect(describeError(Object.assign(new Error('e'), { code: 42 }))).toEqual({ name: 'Error', message: 'e' });
  });
});
