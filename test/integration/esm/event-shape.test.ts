import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { KafkaMskEventSchema, KafkaSelfManagedEventSchema } from '@aws-lambda-powertools/parser/schemas/kafka';
import { Producer } from '@platformatic/kafka';
import { LocalRuntime } from '../../../local/esm/index.ts';
import { bootstrapServers, kafkaTestResources } from '../support/kafka.ts';
import { eventually, recordingFunction, sinkFile } from './support.ts';

const CLUSTER_ARN = 'arn:aws:kafka:us-east-1:000000000000:cluster/local/11111111-2222-3333-4444-555555555555-1';

describe('events produced by the local runtime', () => {
  const kafka = kafkaTestResources();

  it.each([
    ['MSK', { kind: 'msk', clusterArn: CLUSTER_ARN } as const, KafkaMskEventSchema],
    ['self-managed Kafka', { kind: 'self-managed' } as const, KafkaSelfManagedEventSchema],
  ])('pass Powertools parser’s %s event schema', async (_name, source, schema) => {
    const topic = await kafka.topic({ partitions: 2 });
    const sink = sinkFile();
    const producer = new Producer({ clientId: 'shape-producer', bootstrapBrokers: bootstrapServers(), idempotent: true });
    try {
      await producer.send({
        messages: [
          { topic, partition: 0, key: Buffer.from('user-1'), value: Buffer.from('{"type":"user.registered"}'), headers: new Map([[Buffer.from('trace-id'), Buffer.from('abc')]]) },
          { topic, partition: 1, key: Buffer.from('user-2'), value: Buffer.from('{"type":"user.deleted"}') },
        ],
      });
    } finally {
      await producer.close();
    }
    const runtime = await LocalRuntime.start({
      bootstrapServers: bootstrapServers().join(','),
      functions: [recordingFunction('capture', { SINK_FILE: sink.path }, { handlerName: 'captureEvent' })],
      mappings: [{ uuid: randomUUID(), functionName: 'capture', topics: [topic], consumerGroupId: kafka.group(), source, batchSize: 10, maximumBatchingWindowInSeconds: 1 }],
    });
    try {
      await eventually('both records captured', () => {
        try {
          return readFileSync(sink.path, 'utf8').split('\n').filter(Boolean).flatMap((l) => Object.values((JSON.parse(l) as { records: Record<string, unknown[]> }).records).flat()).length === 2;
        } catch {
          return false;
        }
      });
    } finally {
      await runtime.stop();
    }
    const events = readFileSync(sink.path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown);
    for (const event of events) {
      const parsed = schema.parse(event) as { records: Record<string, { key: string; value: string; headers: Record<string, string>[] }[]> };
      const all = Object.values(parsed.records).flat();
      expect(all.every((r) => r.value.startsWith('{"type":"user.'))).toBe(true);
    }
    const first = Object.values((events[0] as { records: Record<string, { headers: unknown[] }[]> }).records).flat();
    expect(first.some((r) => JSON.stringify(r.headers) === JSON.stringify([{ 'trace-id': [97, 98, 99] }])) || events.length > 1).toBe(true);
    sink.cleanup();
  });
});
