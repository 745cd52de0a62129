import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MappingSpec } from '../../../local/esm/index.ts';
import { admin, bootstrapServers, kafkaTestResources } from '../support/kafka.ts';
import { eventually, produce, recordingFunction, sinkFile, startRuntimeProcess } from './support.ts';


async function committedOffsets(group: string, topic: string): Promise<Map<string, bigint>> {
  const client = admin();
  try {
    const [g] = await client.listConsumerGroupOffsets({ groups: [group] });
    return new Map((g?.topics.find((t) => t.name === topic)?.partitions ?? []).map((p) => [`${topic}-${p.partitionIndex}`, p.committedOffset]));
  } finally {
    await client.close();
  }
}

describe('the local runtime killed with SIGKILL mid-batch', () => {
  const kafka = kafkaTestResources();

  it('after a restart delivers again only records that were not committed', async () => {
    const topic = await kafka.topic({ partitions: 3 });
    const group = kafka.group();
    const sink = sinkFile();
    await produce(topic, 600);
    const mapping: MappingSpec = { uuid: randomUUID(), functionName: 'slow', topics: [topic], consumerGroupId: group, source: { kind: 'self-managed' }, batchSize: 20, maximumBatchingWindowInSeconds: 0 };
    const configPath = join(sink.path, '..', 'runtime.json');
    writeFileSync(configPath, JSON.stringify({ bootstrapServers: bootstrapServers().join(','), functions: [recordingFunction('slow', { SINK_FILE: sink.path, SLOW_MS: '150' })], mappings: [mapping] }));

    const first = await startRuntimeProcess(configPath);
    await eventually('some batches delivered', () => sink.lines().length >= 100);
    first.kill('SIGKILL'); // mid-batch: every invocation sleeps 150 ms
    await new Promise((r) => first.once('exit', r));
    const linesAtKill = sink.lines().length;
    // The dead member's session must expire before its partitions are reassigned.
    const committedAtKill = await committedOffsets(group, topic);

    const second = await startRuntimeProcess(configPath);
    try {
      await eventually('all 600 delivered', () => new Set(sink.lines().map((l) => l.value)).size === 600, 90_000);
    } finally {
      second.kill('SIGTERM');
      await new Promise((r) => second.once('exit', r));
    }
    const afterRestart = sink.lines().slice(linesAtKill);
    expect(afterRestart.length).toBeGreaterThan(0);
    for (const line of afterRestart) {
      expect(BigInt(line.offset)).toBeGreaterThanOrEqual(committedAtKill.get(line.key) ?? 0n);
    }
    sink.cleanup();
  });
});
