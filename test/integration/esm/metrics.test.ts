import { randomUUID } from 'node:crypto';
import { LocalRuntime } from '../../../local/esm/index.ts';
import { admin, bootstrapServers, kafkaTestResources } from '../support/kafka.ts';
import { eventually, produce, recordingFunction, sinkFile } from './support.ts';

describe('the local runtime’s Lambda-style metrics', () => {
  const kafka = kafkaTestResources();

  it('emits OffsetLag as the mapping’s total lag, in AWS/Lambda EMF', async () => {
    const topic = await kafka.topic({ partitions: 2 });
    const group = kafka.group();
    await produce(topic, 30, { partition: 0 });
    await produce(topic, 20, { partition: 1, from: 30 });
    const client = admin();
    await client.alterConsumerGroupOffsets({ groupId: group, topics: [{ name: topic, partitionOffsets: [{ partition: 0, offset: 10n }, { partition: 1, offset: 5n }] }] });
    await client.close();

    const lines: string[] = [];
    const sink = sinkFile();
    const uuid = randomUUID();
    // Disabled: nothing consumes, so the lag stays where the commits put it.
    const runtime = await LocalRuntime.start({
      bootstrapServers: bootstrapServers().join(','),
      functions: [recordingFunction('fn', { SINK_FILE: sink.path })],
      mappings: [{ uuid, functionName: 'fn', topics: [topic], consumerGroupId: group, source: { kind: 'self-managed' }, enabled: false }],
      metrics: { write: (line) => lines.push(line), intervalMs: 200 },
    });
    try {
      await eventually('a metrics document', () => lines.length > 0);
    } finally {
      await runtime.stop();
      sink.cleanup();
    }
    const doc = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(doc).toMatchObject({ EventSourceMappingUUID: uuid, FunctionName: 'fn', OffsetLag: 35, PolledEventCount: 0 });
  });
});
