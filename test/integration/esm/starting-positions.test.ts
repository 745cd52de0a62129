import { randomUUID } from 'node:crypto';
import { LocalRuntime, type MappingSpec } from '../../../local/esm/index.ts';
import { admin, bootstrapServers, kafkaTestResources } from '../support/kafka.ts';
import { eventually, produce, recordingFunction, sinkFile } from './support.ts';

describe('starting positions of the local runtime', () => {
  const kafka = kafkaTestResources();

  async function deliveredValues(topic: string, group: string, spec: Partial<MappingSpec>, after: () => Promise<void>, expected: number): Promise<string[]> {
    const sink = sinkFile();
    const runtime = await LocalRuntime.start({
      bootstrapServers: bootstrapServers().join(','),
      functions: [recordingFunction('fn', { SINK_FILE: sink.path })],
      mappings: [{ uuid: randomUUID(), functionName: 'fn', topics: [topic], consumerGroupId: group, source: { kind: 'self-managed' }, batchSize: 100, maximumBatchingWindowInSeconds: 0, ...spec }],
    });
    try {
      await after();
      await eventually(`${expected} records delivered`, () => sink.lines().length >= expected);
      await new Promise((r) => setTimeout(r, 500)); // nothing more arrives
      return sink.lines().map((l) => Buffer.from(l.value!, 'base64').toString());
    } finally {
      await runtime.stop();
      sink.cleanup();
    }
  }

  it('TRIM_HORIZON starts a new group at the earliest record', async () => {
    const topic = await kafka.topic({ partitions: 1 });
    await produce(topic, 5);
    expect(await deliveredValues(topic, kafka.group(), { startingPosition: 'TRIM_HORIZON' }, async () => {}, 5)).toEqual(['v0', 'v1', 'v2', 'v3', 'v4']);
  });

  it('LATEST starts a new group after the last record', async () => {
    const topic = await kafka.topic({ partitions: 1 });
    await produce(topic, 5);
    const values = await deliveredValues(topic, kafka.group(), { startingPosition: 'LATEST' }, () => produce(topic, 2, { from: 5 }), 2);
    expect(values).toEqual(['v5', 'v6']);
  });

  it('AT_TIMESTAMP starts a new group at the first record at or after the timestamp', async () => {
    const topic = await kafka.topic({ partitions: 1 });
    await produce(topic, 3);
    await new Promise((r) => setTimeout(r, 1_100));
    const startSeconds = Math.ceil(Date.now() / 1000);
    await new Promise((r) => setTimeout(r, Math.max(0, startSeconds * 1000 - Date.now()) + 50));
    await produce(topic, 2, { from: 3 });
    expect(await deliveredValues(topic, kafka.group(), { startingPosition: 'AT_TIMESTAMP', startingPositionTimestamp: startSeconds }, async () => {}, 2)).toEqual(['v3', 'v4']);
  });

  it('ignores the starting position when the group has committed offsets', async () => {
    const topic = await kafka.topic({ partitions: 1 });
    const group = kafka.group();
    await produce(topic, 6);
    const client = admin();
    try {
      await client.alterConsumerGroupOffsets({ groupId: group, topics: [{ name: topic, partitionOffsets: [{ partition: 0, offset: 4n }] }] });
    } finally {
      await client.close();
    }
    expect(await deliveredValues(topic, group, { startingPosition: 'TRIM_HORIZON' }, async () => {}, 2)).toEqual(['v4', 'v5']);
  });
});
