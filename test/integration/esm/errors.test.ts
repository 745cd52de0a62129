import { randomUUID } from 'node:crypto';
import { Consumer, type Message } from '@platformatic/kafka';
import { LocalRuntime, type MappingSpec } from '../../../local/esm/index.ts';
import { bootstrapServers, kafkaTestResources } from '../support/kafka.ts';
import { eventually, produce, recordingFunction, sinkFile } from './support.ts';

type Spec = Omit<MappingSpec, 'uuid' | 'functionName' | 'topics' | 'source'>;

describe('the local runtime handling function errors', () => {
  const kafka = kafkaTestResources();
  const runtimes: LocalRuntime[] = [];
  const sinks: ReturnType<typeof sinkFile>[] = [];
  afterEach(async () => {
    await Promise.all(runtimes.splice(0).map((r) => r.stop()));
    sinks.splice(0).forEach((s) => s.cleanup());
  });

  async function run(topic: string, env: Record<string, string>, spec: Spec) {
    const sink = sinkFile();
    sinks.push(sink);
    const runtime = await LocalRuntime.start({
      bootstrapServers: bootstrapServers().join(','),
      functions: [recordingFunction('fn', { SINK_FILE: sink.path, ...env })],
      mappings: [{ uuid: randomUUID(), functionName: 'fn', topics: [topic], source: { kind: 'self-managed' }, consumerGroupId: kafka.group(), ...spec }],
    });
    runtimes.push(runtime);
    return { sink, runtime, mapping: runtime.mappings[0]! };
  }

  it('re-delivers a partition from the reported offset with ReportBatchItemFailures', async () => {
    const topic = await kafka.topic({ partitions: 1 });
    await produce(topic, 20, { partition: 0 });
    const { sink, mapping } = await run(topic, { FAIL_OFFSETS: `${topic}-0:7`, FAIL_TIMES: '2', PARTIAL: '1' }, {
      batchSize: 20,
      maximumBatchingWindowInSeconds: 1,
      functionResponseTypes: ['ReportBatchItemFailures'],
    });
    await eventually('all 20 records processed', () => new Set(sink.lines().map((l) => l.offset)).size === 20);
    const offsets = sink.lines().map((l) => l.offset);
    // 0..6 succeed once; 7 fails twice (reported), then 7..19 succeed: nothing before 7 is redelivered.
    expect(offsets.filter((o) => o < 7)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(offsets.filter((o) => o === 7)).toHaveLength(1);
    expect(mapping.counters.invocations).toBe(3);
  });

  it('isolates one poison record by bisecting, and sends it to the Kafka destination after the retries', async () => {
    const topic = await kafka.topic({ partitions: 1 });
    const dlq = await kafka.topic({ partitions: 1, prefix: 'dlq' });
    await produce(topic, 16, { partition: 0 });
    const { sink, mapping } = await run(topic, { FAIL_OFFSETS: `${topic}-0:5` }, {
      batchSize: 16,
      maximumBatchingWindowInSeconds: 1,
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: 2,
      onFailureDestination: `kafka://${dlq}`,
      provisionedPollerConfig: { minimumPollers: 1, maximumPollers: 1 },
    });
    await eventually('the poison record reached the destination', () => mapping.counters.onFailureDestinationDeliveredEventCount === 1);
    await eventually('every other record processed', () => new Set(sink.lines().map((l) => l.offset)).size === 15);
    expect(sink.lines().some((l) => l.offset === 5)).toBe(false);

    const consumer = new Consumer({ groupId: kafka.group('dlq-reader'), clientId: 'dlq-reader', bootstrapBrokers: bootstrapServers() });
    try {
      const stream = await consumer.consume({ topics: [dlq], mode: 'earliest', autocommit: false });
      let message: Message<Buffer, Buffer, Buffer, Buffer> | undefined;
      for await (const m of stream) {
        message = m;
        break;
      }
      await stream.close();
      expect(message!.value.toString()).toBe('v5');
      const headers = new Map(message!.headerEntries.map(([k, v]) => [k.toString(), v.toString()]));
      expect(headers.get('x-amzn-lambda-source-offset')).toBe('5');
      expect(headers.get('x-amzn-lambda-condition')).toBe('RetryAttemptsExhausted');
    } finally {
      await consumer.close(true);
    }
  });

  it('drops a batch that exhausts its retries when no destination is set, and moves on', async () => {
    const topic = await kafka.topic({ partitions: 1 });
    await produce(topic, 4, { partition: 0 });
    const { sink, mapping } = await run(topic, { FAIL_OFFSETS: `${topic}-0:0` }, { batchSize: 2, maximumBatchingWindowInSeconds: 1, maximumRetryAttempts: 1, provisionedPollerConfig: {} });
    await eventually('the second batch processed', () => sink.lines().some((l) => l.offset === 3));
    expect(mapping.counters.droppedEventCount).toBe(2);
    expect(mapping.counters.invocations).toBe(3); // 1 attempt + 1 retry, then the next batch
  });

  it('sends the invocation record to an SQS destination', async () => {
    const { SQSClient, CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, DeleteQueueCommand } = await import('@aws-sdk/client-sqs');
    const sqs = new SQSClient({});
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: kafka.group('dlq') }));
    try {
      const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
      const topic = await kafka.topic({ partitions: 1 });
      await produce(topic, 3, { partition: 0 });
      const { mapping } = await run(topic, { FAIL_OFFSETS: `${topic}-0:1` }, {
        batchSize: 3,
        maximumBatchingWindowInSeconds: 1,
        maximumRetryAttempts: 0,
        onFailureDestination: Attributes!.QueueArn!,
        provisionedPollerConfig: {},
      });
      await eventually('delivered to SQS', () => mapping.counters.onFailureDestinationDeliveredEventCount === 3);
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
      const body = JSON.parse(Messages![0]!.Body!) as { requestContext: { condition: string }; KafkaBatchInfo: { batchSize: number; recordsInfo: Record<string, { firstRecordOffset: string; lastRecordOffset: string }> } };
      expect(body.requestContext.condition).toBe('RetryAttemptsExhausted');
      expect(body.KafkaBatchInfo.batchSize).toBe(3);
      expect(body.KafkaBatchInfo.recordsInfo[`${topic}-0`]).toMatchObject({ firstRecordOffset: '0', lastRecordOffset: '2' });
    } finally {
      await sqs.send(new DeleteQueueCommand({ QueueUrl }));
      sqs.destroy();
    }
  });
});
