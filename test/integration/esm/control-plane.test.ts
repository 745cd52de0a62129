import { randomUUID } from 'node:crypto';
import { GetEventSourceMappingCommand, LambdaClient, ListEventSourceMappingsCommand, ResourceConflictException, UpdateEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import { type CommitEvent, LocalRuntime } from '../../../local/esm/index.ts';
import { admin, bootstrapServers, kafkaTestResources } from '../support/kafka.ts';
import { eventually, produce, recordingFunction, sinkFile } from './support.ts';

async function groupState(group: string): Promise<{ state: string; members: number }> {
  const client = admin();
  try {
    const groups = await client.describeGroups({ groups: [group] });
    const g = groups.get(group)!;
    return { state: g.state, members: g.members.size };
  } finally {
    await client.close();
  }
}

describe('the local Lambda API for event source mappings', () => {
  const kafka = kafkaTestResources();
  let runtime: LocalRuntime;
  let lambda: LambdaClient;
  const sink = sinkFile();
  let topic: string;
  let group: string;
  const uuid = randomUUID();
  const commits: CommitEvent[] = [];

  beforeAll(async () => {
    topic = await kafka.topic({ partitions: 6 });
    group = kafka.group();
    runtime = await LocalRuntime.start({
      onCommit: (c) => commits.push(c),
      bootstrapServers: bootstrapServers().join(','),
      functions: [recordingFunction('orders', { SINK_FILE: sink.path, SLOW_MS: '20' })],
      mappings: [
        {
          uuid,
          functionName: 'orders',
          topics: [topic],
          consumerGroupId: group,
          source: { kind: 'msk', clusterArn: 'arn:aws:kafka:us-east-1:000000000000:cluster/local/11111111-2222-3333-4444-555555555555-1' },
          batchSize: 100,
          maximumBatchingWindowInSeconds: 0,
          provisionedPollerConfig: { minimumPollers: 1, maximumPollers: 3 },
        },
      ],
    });
    // The SDK reaches the runtime only through the per-service endpoint variable.
    process.env.AWS_ENDPOINT_URL_LAMBDA = runtime.endpoint;
    lambda = new LambdaClient({});
  });
  afterAll(async () => {
    delete process.env.AWS_ENDPOINT_URL_LAMBDA;
    lambda.destroy();
    await runtime.stop();
    sink.cleanup();
  });

  async function waitForState(state: string): Promise<void> {
    await eventually(`mapping ${state}`, async () => (await lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }))).State === state);
  }

  it('lists the mapping with its consumer group, filtered by function name', async () => {
    const all = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: 'orders' }));
    expect(all.EventSourceMappings).toHaveLength(1);
    expect(all.EventSourceMappings![0]!.AmazonManagedKafkaEventSourceConfig?.ConsumerGroupId).toBe(group);
    expect(all.EventSourceMappings![0]!.Topics).toEqual([topic]);
    const none = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: 'other' }));
    expect(none.EventSourceMappings).toHaveLength(0);
  });

  it('pauses: no invocations while disabled and the group is Empty; resumes from the committed offsets', async () => {
    await produce(topic, 600);
    await eventually('first 600 delivered', () => sink.lines().length >= 600);

    const disabling = await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: false }));
    expect(disabling.State).toBe('Disabling');
    // A change in mid-transition is refused, as Lambda does.
    await expect(lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: true }))).rejects.toBeInstanceOf(ResourceConflictException);
    await waitForState('Disabled');
    expect(await groupState(group)).toEqual({ state: 'Empty', members: 0 });

    const invocationsWhenPaused = runtime.mappings[0]!.counters.invocations;
    await produce(topic, 300, { from: 600 });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(runtime.mappings[0]!.counters.invocations).toBe(invocationsWhenPaused);

    await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: true }));
    await waitForState('Enabled');
    await eventually('all 900 delivered', () => sink.lines().length >= 900);
    const values = sink.lines().map((l) => l.value);
    expect(new Set(values).size).toBe(900);
    expect(values).toHaveLength(900); // nothing committed was delivered again
  });

  it('scales pollers 1 → 3 → 1 mid-stream without losing a record or re-delivering a committed one', async () => {
    const before = sink.lines().length;
    const producing = (async () => {
      for (let i = 0; i < 30; i++) {
        await produce(topic, 100, { from: 10_000 + i * 100 });
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, ProvisionedPollerConfig: { MinimumPollers: 3, MaximumPollers: 3 } }));
    await waitForState('Enabled');
    expect(runtime.mappings[0]!.pollers).toHaveLength(3);
    await eventually('three members', async () => (await groupState(group)).members === 3);
    await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 3 } }));
    await waitForState('Enabled');
    await producing;
    await eventually('every record delivered', () => new Set(sink.lines().slice(before).map((l) => l.value)).size === 3_000);
    expect(runtime.mappings[0]!.pollers).toHaveLength(1);
    expect(await groupState(group)).toEqual({ state: 'Stable', members: 1 });

    // No delivery of a record at or below an offset that was already committed when the
    // invocation started.
    const redeliveredCommitted = sink.lines().filter((line) => {
      const committedBefore = commits.filter((c) => c.key === line.key && c.atMs < line.at).map((c) => c.offset);
      return committedBefore.some((offset) => BigInt(line.offset) < offset);
    });
    expect(redeliveredCommitted).toEqual([]);
  });
});
