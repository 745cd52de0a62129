import { kafkaConsumer, parseDeadLetterTarget, readConsumerEnvironment } from '../../../shared/consumer/index.ts';
import type { KafkaConsumerOptions } from '../../../shared/consumer/index.ts';
import { InMemoryIdempotencyStore } from '../../../shared/idempotency/index.ts';
import { configError, env, RecordingLogger } from './support.ts';

const recordHandler = (): undefined => undefined;
const chunkHandler = (): undefined => undefined;
const build = (variables: Record<string, string>, options: Partial<KafkaConsumerOptions> = {}) =>
  kafkaConsumer({ env: variables, logger: new RecordingLogger(), metrics: false, recordHandler, ...options } as KafkaConsumerOptions);


describe('consumer configuration from the environment', () => {
  it('reads every variable once into typed settings', () => {
    const handler = build(
      env({
        SCG_IDEMPOTENCY: 'key',
        SCG_IDEMPOTENCY_TABLE: 'idempotency',
        SCG_IDEMPOTENCY_KEY: 'user.id',
        SCG_IDEMPOTENCY_TTL_SECONDS: '7200',
        SCG_DEAD_LETTER: 'kafka://orders-dlq',
        SCG_CONCURRENCY: '6',
        SCG_REPORT_BATCH_ITEM_FAILURES: 'true',
        POWERTOOLS_METRICS_NAMESPACE: 'Shop',
        POWERTOOLS_SERVICE_NAME: 'email',
      }),
    );
    expect(handler.settings).toEqual({
      groupId: 'test-group',
      idempotency: { mode: 'key', tableName: 'idempotency', key: 'user.id', expiresAfterSeconds: 7200 },
      transactionalEffects: false,
      deadLetter: { kind: 'kafka', topic: 'orders-dlq' },
      concurrency: 6,
      chunkSize: undefined,
      reportBatchItemFailures: true,
      metricsNamespace: 'Shop',
      serviceName: 'email',
    });
  });

  it('defaults to watermarks when a table is set, to no idempotency otherwise', () => {
    expect(build(env({ SCG_IDEMPOTENCY_TABLE: 'idempotency' })).settings.idempotency).toEqual({ mode: 'watermark', tableName: 'idempotency' });
    expect(build(env()).settings.idempotency).toEqual({ mode: 'off' });
    expect(build(env()).settings).toMatchObject({ reportBatchItemFailures: false, metricsNamespace: 'ServerlessConsumerGroups', serviceName: 'test-group' });
  });

  it('treats an empty value as unset', () => {
    expect(build(env({ SCG_DEAD_LETTER: '', SCG_CONCURRENCY: '' })).settings).toMatchObject({ deadLetter: undefined, concurrency: undefined });
  });

  it.each([
    [{}, 'SCG_GROUP_ID', /is required/],
    [env({ SCG_GROUP_ID: 'has spaces' }), 'SCG_GROUP_ID', /must be 1\.\.200 of/],
    [env({ SCG_IDEMPOTENCY: 'exactly-once' }), 'SCG_IDEMPOTENCY', /must be "off", "watermark" or "key"/],
    [env({ SCG_IDEMPOTENCY: 'watermark' }), 'SCG_IDEMPOTENCY_TABLE', /is required when SCG_IDEMPOTENCY is "watermark"/],
    [env({ SCG_IDEMPOTENCY_TABLE: 'a' }), 'SCG_IDEMPOTENCY_TABLE', /must be a DynamoDB table name/],
    [env({ SCG_IDEMPOTENCY: 'key', SCG_IDEMPOTENCY_TABLE: 'idem' }), 'SCG_IDEMPOTENCY_KEY', /is required when SCG_IDEMPOTENCY is "key"/],
    [env({ SCG_IDEMPOTENCY_TABLE: 'idem', SCG_IDEMPOTENCY_KEY: 'order.id' }), 'SCG_IDEMPOTENCY_KEY', /only applies when SCG_IDEMPOTENCY is "key"/],
    [env({ SCG_IDEMPOTENCY: 'key', SCG_IDEMPOTENCY_TABLE: 'idem', SCG_IDEMPOTENCY_KEY: 'order..id' }), 'SCG_IDEMPOTENCY_KEY', /dotted path/],
    [env({ SCG_IDEMPOTENCY: 'key', SCG_IDEMPOTENCY_TABLE: 'idem', SCG_IDEMPOTENCY_KEY: 'id', SCG_IDEMPOTENCY_TTL_SECONDS: '-5' }), 'SCG_IDEMPOTENCY_TTL_SECONDS', /integer from 1/],
    [env({ SCG_IDEMPOTENCY_TABLE: 'idem', SCG_IDEMPOTENCY_TTL_SECONDS: '60' }), 'SCG_IDEMPOTENCY_TTL_SECONDS', /watermarks never expire/],
    [env({ SCG_DEAD_LETTER: 'ftp://nowhere' }), 'SCG_DEAD_LETTER', /must be kafka:\/\/<topic>/],
    [env({ SCG_DEAD_LETTER: 'kafka://' }), 'SCG_DEAD_LETTER', /must name a Kafka topic/],
    [env({ SCG_CONCURRENCY: '0' }), 'SCG_CONCURRENCY', /integer from 1 to 1000, got "0"/],
    [env({ SCG_CONCURRENCY: '2.5' }), 'SCG_CONCURRENCY', /integer/],
    [env({ SCG_CHUNK_SIZE: '100' }), 'SCG_CHUNK_SIZE', /only applies to a chunkHandler/],
    [env({ SCG_REPORT_BATCH_ITEM_FAILURES: 'yes' }), 'SCG_REPORT_BATCH_ITEM_FAILURES', /must be "true" or "false"/],
    [env({ SCG_IDEMPOTENCY_TTL: '60' }), 'SCG_IDEMPOTENCY_TTL', /is not a consumer variable \(did you mean SCG_IDEMPOTENCY_TTL_SECONDS\?\)/],
    [env({ SCG_CONCURRENCE: '4' }), 'SCG_CONCURRENCE', /did you mean SCG_CONCURRENCY\?/],
    [env({ SCG_SOMETHING_ELSE: 'x' }), 'SCG_SOMETHING_ELSE', /is not a consumer variable; known: SCG_GROUP_ID/],
  ])('rejects %j naming %s', (variables, setting, problem) => {
    const error = configError(() => build(variables as Record<string, string>));
    expect(error.setting).toBe(setting);
    expect(error.message).toContain(setting);
    expect(error.message).toMatch(problem);
    expect(error.retriable).toBe(false);
  });

  it('accepts the SCG_* variables other parts of the project set (local runtime, cluster, tests)', () => {
    expect(() => build(env({ SCG_KAFKA_BOOTSTRAP: '127.0.0.1:9092', SCG_JEST_PROJECT: 'unit', SCG_BOOTSTRAP_SERVERS: 'b:9092' }))).not.toThrow();
  });

  it('rejects key idempotency with a chunk handler, naming the variable that chose it', () => {
    const error = configError(() => build(env({ SCG_IDEMPOTENCY: 'key', SCG_IDEMPOTENCY_TABLE: 'idem', SCG_IDEMPOTENCY_KEY: 'id' }), { recordHandler: undefined, chunkHandler }));
    expect(error.setting).toBe('SCG_IDEMPOTENCY');
    expect(error.message).toMatch(/runs per record/);
  });
});

describe('consumer configuration in code', () => {
  it('overrides the environment and says which variables it overrode', () => {
    const logger = new RecordingLogger();
    const handler = kafkaConsumer({
      env: env({ SCG_IDEMPOTENCY: 'key', SCG_IDEMPOTENCY_TABLE: 'idem', SCG_REPORT_BATCH_ITEM_FAILURES: 'false', SCG_CHUNK_SIZE: '10' }),
      logger,
      metrics: false,
      idempotency: { mode: 'watermark' },
      reportBatchItemFailures: true,
      chunkSize: 25,
      chunkHandler,
    });
    expect(handler.settings).toMatchObject({ idempotency: { mode: 'watermark', tableName: 'idem' }, reportBatchItemFailures: true, chunkSize: 25 });
    expect(logger.find('code options override environment variables')[0]?.attributes.variables).toEqual([
      'SCG_CHUNK_SIZE',
      'SCG_REPORT_BATCH_ITEM_FAILURES',
      'SCG_IDEMPOTENCY',
    ]);
  });

  it('reads process.env itself (an exotic object, not a plain record)', () => {
    const saved = process.env.SCG_GROUP_ID;
    process.env.SCG_GROUP_ID = 'from-process-env';
    try {
      expect(kafkaConsumer({ env: process.env, logger: new RecordingLogger(), metrics: false, recordHandler }).settings.groupId).toBe('from-process-env');
      expect(kafkaConsumer({ logger: new RecordingLogger(), metrics: false, recordHandler }).settings.groupId).toBe('from-process-env');
    } finally {
      if (saved === undefined) delete process.env.SCG_GROUP_ID;
      else process.env.SCG_GROUP_ID = saved;
    }
  });

  it('takes a store instead of a table', () => {
    const store = new InMemoryIdempotencyStore();
    expect(build(env(), { idempotency: { store } }).settings.idempotency).toEqual({ mode: 'watermark', store });
  });

  it.each([
    [{ recordHandler, chunkHandler }, 'options.recordHandler', /give exactly one/],
    [{ recordHandler: undefined }, 'options.recordHandler', /give exactly one/],
    [{ chunkSize: 10 }, 'options.chunkSize', /needs a chunkHandler/],
    [{ concurrency: 0 }, 'options.concurrency', /./],
    [{ idempotency: 'sometimes' }, 'options.idempotency', /./],
    [{ idempotency: { mode: 'key', store: new InMemoryIdempotencyStore() } }, 'SCG_IDEMPOTENCY_KEY', /options.idempotency.key/],
    [{ idempotency: { key: 'id', store: new InMemoryIdempotencyStore() } }, 'options.idempotency.key', /only applies when SCG_IDEMPOTENCY is "key"/],
    [{ deadLetter: 's3://' }, 'options.deadLetter', /must name an S3 bucket/],
    [{ reportBatchItemFailure: true }, 'options.reportBatchItemFailure', /is not an option/],
  ])('rejects %o naming %s', (options, setting, problem) => {
    const error = configError(() => build(env(), options as Partial<KafkaConsumerOptions>));
    expect(error.setting).toBe(setting);
    expect(error.message).toMatch(problem);
  });
});

describe('parseDeadLetterTarget', () => {
  it.each([
    ['kafka://order-events-poison', { kind: 'kafka', topic: 'order-events-poison' }],
    ['sqs:https://sqs.eu-west-1.amazonaws.com/111122223333/poison', { kind: 'sqs', queueUrl: 'https://sqs.eu-west-1.amazonaws.com/111122223333/poison' }],
    ['https://sqs.eu-west-1.amazonaws.com/111122223333/poison.fifo', { kind: 'sqs', queueUrl: 'https://sqs.eu-west-1.amazonaws.com/111122223333/poison.fifo' }],
    ['http://127.0.0.1:5000/123456789012/poison', { kind: 'sqs', queueUrl: 'http://127.0.0.1:5000/123456789012/poison' }],
    ['s3://dead-letters', { kind: 's3', bucket: 'dead-letters' }],
    ['s3://dead-letters/orders', { kind: 's3', bucket: 'dead-letters', keyPrefix: 'orders/' }],
    ['s3://dead-letters/orders/', { kind: 's3', bucket: 'dead-letters', keyPrefix: 'orders/' }],
  ])('reads %s', (value, target) => {
    expect(parseDeadLetterTarget(value, 'SCG_DEAD_LETTER')).toEqual(target);
  });

  it.each(['kafka://bad topic', 'sqs:not-a-url', 'https://sqs.eu-west-1.amazonaws.com/', 's3://UPPER', 'orders-dlq'])('rejects %s', (value) => {
    expect(() => parseDeadLetterTarget(value, 'SCG_DEAD_LETTER')).toThrow(/SCG_DEAD_LETTER/);
  });
});

describe('readConsumerEnvironment', () => {
  it('leaves unset variables undefined', () => {
    expect(readConsumerEnvironment({})).toMatchObject({ groupId: undefined, idempotency: undefined, deadLetter: undefined, reportBatchItemFailures: undefined });
  });
});
