import { BUNDLED_DEAD_LETTER_SINKS, kafkaConsumer, parseDeadLetterTarget } from '../../../shared/consumer/index.ts';
import type { DeadLetterSinkKind } from '../../../shared/consumer/index.ts';
import { requireBundledSink } from '../../../shared/consumer/dead-letter-sinks.ts';
import { configError, env, RecordingLogger } from './support.ts';

const NONE: Record<DeadLetterSinkKind, boolean> = { kafka: false, sqs: false, s3: false };


describe('dead-letter sinks chosen at bundle time', () => {
  it('has every sink when not bundled (no define replaced the constants)', () => {
    expect(BUNDLED_DEAD_LETTER_SINKS).toEqual({ kafka: true, sqs: true, s3: true });
    const handler = kafkaConsumer({ env: env({ SCG_DEAD_LETTER: 's3://poison-records' }), logger: new RecordingLogger(), metrics: false, recordHandler: () => undefined });
    expect(handler.settings.deadLetter).toEqual({ kind: 's3', bucket: 'poison-records' });
  });

  it.each([
    ['kafka://orders-poison', 'Kafka topic'],
    ['https://sqs.eu-west-1.amazonaws.com/111122223333/poison', 'SQS queue'],
    ['s3://poison-records/orders', 'S3 bucket'],
  ])('fails the cold start naming the variable and the fix when %s is not in the bundle', (value, what) => {
    const error = configError(() => requireBundledSink(parseDeadLetterTarget(value, 'SCG_DEAD_LETTER'), 'SCG_DEAD_LETTER', NONE));
    expect(error.setting).toBe('SCG_DEAD_LETTER');
    expect(error.message).toContain(`SCG_DEAD_LETTER names a ${what} dead-letter sink, but this function was bundled without it`);
    expect(error.message).toMatch(/set the consumer's `deadLetter` in the declaration \(infra\/config\/scenario\.ts\)/);
  });

  it('accepts the bundled sink and a sink object, which needs nothing bundled', () => {
    expect(() => requireBundledSink({ kind: 'sqs', queueUrl: 'https://sqs.eu-west-1.amazonaws.com/1/q' }, 'SCG_DEAD_LETTER', { ...NONE, sqs: true })).not.toThrow();
    expect(() => requireBundledSink({ kind: 'sink', sink: { send: async () => undefined } }, 'options.deadLetter', NONE)).not.toThrow();
  });

});
