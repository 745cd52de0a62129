import { randomUUID } from 'node:crypto';
import { LocalRuntime } from '../../../local/esm/index.ts';
import { bootstrapServers, kafkaTestResources } from '../support/kafka.ts';
import { eventually, recordingFunction, sinkFile } from '../esm/support.ts';

describe('pollers of one mapping under the sticky assignor', () => {
  const kafka = kafkaTestResources();

  it('moves only the leaving poller’s partitions when one of three leaves', async () => {
    const topic = await kafka.topic({ partitions: 6 });
    const sink = sinkFile();
    const uuid = randomUUID();
    const runtime = await LocalRuntime.start({
      bootstrapServers: bootstrapServers().join(','),
      partitionAssignmentStrategy: 'sticky',
      transitionDelayMs: 0,
      functions: [recordingFunction('fn', { SINK_FILE: sink.path })],
      mappings: [{ uuid, functionName: 'fn', topics: [topic], consumerGroupId: kafka.group(), source: { kind: 'self-managed' }, provisionedPollerConfig: { minimumPollers: 3, maximumPollers: 3 } }],
    });
    try {
      const mapping = runtime.mapping(uuid);
      const owned = (): string[][] => mapping.pollers.map((p) => p.assignments);
      await eventually('three pollers own two partitions each', () => owned().length === 3 && owned().every((a) => a.length === 2));
      const before = owned();

      mapping.update({ ProvisionedPollerConfig: { MinimumPollers: 2, MaximumPollers: 3 } });
      await mapping.settled();
      await eventually('two pollers own all six partitions', () => owned().length === 2 && owned().flat().length === 6);
      const after = owned();

      // The two that stayed kept what they had; the leaver's partitions were shared out.
      expect(after[0]).toEqual(expect.arrayContaining(before[0]!));
      expect(after[1]).toEqual(expect.arrayContaining(before[1]!));
      const moved = after.flat().filter((key) => !before[0]!.includes(key) && !before[1]!.includes(key));
      expect(moved.sort()).toEqual([...before[2]!].sort());
      expect(after.map((a) => a.length).sort()).toEqual([3, 3]);
    } finally {
      await runtime.stop();
      sink.cleanup();
    }
  });
});
