import { randomUUID } from 'node:crypto';
import { LocalRuntime } from '../../../local/esm/index.ts';
import { admin, bootstrapServers, kafkaTestResources } from '../support/kafka.ts';
import { eventually, produce, recordingFunction, sinkFile } from './support.ts';

async function committed(group: string, topic: string): Promise<Map<number, bigint>> {
  const client = admin();
  try {
    const [g] = await client.listConsumerGroupOffsets({ groups: [group] });
    return new Map((g?.topics.find((t) => t.name === topic)?.partitions ?? []).map((p) => [p.partitionIndex, p.committedOffset]));
  } finally {
    await client.close();
  }
}

describe('the local runtime delivering a topic to a function', () => {
  const kafka = kafkaTestResources();

  it('delivers every record once in offset order per partition and commits after success', async () => {
    const topic = await kafka.topic({ partitions: 3 });
    const group = kafka.group();
    const sink = sinkFile();
    await produce(topic, 300);
    const runtime = await LocalRuntime.start({
      bootstrapServers: bootstrapServers().join(','),
      functions: [recordingFunction('recorder', { SINK_FILE: sink.path })],
      mappings: [{ uuid: randomUUID(), functionName: 'recorder', topics: [topic], consumerGroupId: group, source: { kind: 'self-managed' }, batchSize: 50, maximumBatchingWindowInSeconds: 0 }],
    });
    try {
      await eventually('300 records delivered', () => sink.lines().length >= 300);
      await eventually('offsets committed', async () => [...(await committed(group, topic)).values()].reduce((a, b) => a + b, 0n) === 300n);
    } finally {
      await runtime.stop();
    }
    const lines = sink.lines();
    expect(lines).toHaveLength(300);
    for (const p of [0, 1, 2]) {
      const offsets = lines.filter((l) => l.key === `${topic}-${p}`).map((l) => l.offset);
      expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
      expect(new Set(offsets).size).toBe(offsets.length);
    }
    expect(lines.every((l) => l.eventSource === 'SelfManagedKafka')).toBe(true);
    sink.cleanup();
  });
});
