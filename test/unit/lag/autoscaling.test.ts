import type { EventSourceMappingConfiguration } from '@aws-sdk/client-lambda';
import { AwsServiceError, type EventSourceMappingsApi, type UpdateEventSourceMappingInput } from '../../../shared/aws/index.ts';
import fc from 'fast-check';
import { autoscaleGroups, consumerGroupIdOf, decideScaling } from '../../../shared/lag/index.ts';
import type { GroupEvaluation, PartitionEvaluation, ScalingPolicy } from '../../../shared/lag/index.ts';

const NOW = 1_800_000_000_000;
const policy: ScalingPolicy = { scaleUpLag: 1_000n, scaleDownLag: 100n, minPollers: 1, maxPollers: 8, cooldownSeconds: 300, step: 2 };
const input = (over: Partial<Parameters<typeof decideScaling>[0]> = {}): Parameters<typeof decideScaling>[0] => ({
  policy,
  lag: 5_000n,
  partitions: 12,
  current: { minimumPollers: 2, maximumPollers: 10 },
  lastChange: null,
  nowMs: NOW,
  ...over,
});

describe('the scaling policy', () => {
  it('adds step pollers when the lag reaches the scale-up threshold', () => {
    expect(decideScaling(input())).toMatchObject({ action: 'up', from: 2, to: 4, maximumPollers: 10 });
  });

  it('removes step pollers when the lag is at or below the scale-down threshold', () => {
    expect(decideScaling(input({ lag: 100n, current: { minimumPollers: 6, maximumPollers: 10 } }))).toMatchObject({ action: 'down', from: 6, to: 4 });
  });

  it('holds between the thresholds', () => {
    expect(decideScaling(input({ lag: 500n }))).toMatchObject({ action: 'hold', to: 2 });
  });

  it('never goes above maxPollers nor the partition count', () => {
    expect(decideScaling(input({ current: { minimumPollers: 7, maximumPollers: 10 } }))).toMatchObject({ action: 'up', to: 8 });
    expect(decideScaling(input({ partitions: 3, current: { minimumPollers: 2, maximumPollers: 10 } }))).toMatchObject({ action: 'up', to: 3 });
    expect(decideScaling(input({ partitions: 3, current: { minimumPollers: 3, maximumPollers: 10 } }))).toMatchObject({ action: 'hold' });
  });

  it('brings a mapping above the cap back down at once, cooldown or not', () => {
    const decision = decideScaling(input({ partitions: 4, current: { minimumPollers: 6, maximumPollers: 10 }, lastChange: { lastChangeAtMs: NOW - 1000, minimumPollers: 6 } }));
    expect(decision).toMatchObject({ action: 'down', to: 4 });
    expect(decision.reason).toMatch(/partition count 4/);
  });

  it('never goes below minPollers, and raises a mapping below it', () => {
    const floor = { ...policy, minPollers: 3 };
    expect(decideScaling(input({ policy: floor, lag: 0n, current: { minimumPollers: 4, maximumPollers: 10 } }))).toMatchObject({ action: 'down', to: 3 });
    expect(decideScaling(input({ policy: floor, lag: 0n, current: { minimumPollers: 1, maximumPollers: 10 } }))).toMatchObject({ action: 'up', to: 3 });
  });

  it('raises MaximumPollers only when the new minimum would exceed it', () => {
    expect(decideScaling(input({ current: { minimumPollers: 2, maximumPollers: 3 } }))).toMatchObject({ to: 4, maximumPollers: 4 });
  });

  it('takes Lambda defaults (1 and 200) for an absent configuration', () => {
    expect(decideScaling(input({ current: { minimumPollers: undefined, maximumPollers: undefined } }))).toMatchObject({ from: 1, to: 3, maximumPollers: 200 });
  });

  it('holds during the cooldown and acts after it', () => {
    const lastChange = { lastChangeAtMs: NOW - 120_000, minimumPollers: 2 };
    const during = decideScaling(input({ lastChange }));
    expect(during).toMatchObject({ action: 'hold' });
    expect(during.reason).toMatch(/cooldown: 180 s left/);
    expect(decideScaling(input({ lastChange, nowMs: NOW + 181_000 }))).toMatchObject({ action: 'up' });
  });

  it('holds when the lag is unknown', () => {
    expect(decideScaling(input({ lag: null }))).toMatchObject({ action: 'hold', reason: 'lag unknown this cycle' });
  });

  it('always lands within [min(minPollers, cap), cap] and moves by at most step inside it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 20 }),
        fc.bigInt({ min: 0n, max: 10_000n }),
        (current, maxPollers, partitions, step, lag) => {
          const p = { ...policy, minPollers: 1, maxPollers, step };
          const d = decideScaling(input({ policy: p, partitions, lag, current: { minimumPollers: current, maximumPollers: 200 } }));
          const cap = Math.min(maxPollers, partitions);
          if (current <= cap) {
            expect(d.to).toBeLessThanOrEqual(cap);
            expect(Math.abs(d.to - d.from)).toBeLessThanOrEqual(step);
          } else expect(d.to).toBe(cap);
          expect(d.to).toBeGreaterThanOrEqual(1);
          expect(d.maximumPollers).toBeGreaterThanOrEqual(d.to);
        },
      ),
    );
  });
});

/** An event-source-mappings API whose every call is answered by `respond` (no service involved). */
function fakeLambda(respond: (operation: string, input: Record<string, unknown>) => Record<string, unknown>) {
  const calls: Array<{ name: string; input: Record<string, unknown> }> = [];
  const call = async (name: string, input: Record<string, unknown>): Promise<never> => {
    calls.push({ name, input });
    return respond(name, input) as never;
  };
  const client: EventSourceMappingsApi = {
    list: (input = {}) => call('ListEventSourceMappings', { ...input }),
    get: (uuid) => call('GetEventSourceMapping', { UUID: uuid }),
    update: (input) => call('UpdateEventSourceMapping', { ...input }),
  };
  return { client, calls };
}

/** What LambdaEventSourceMappings throws for a mapping mid-transition. */
const conflict = (): AwsServiceError =>
  new AwsServiceError('The resource is being updated', { errorCode: 'ResourceConflictException', operation: 'UpdateEventSourceMapping', status: 409, requestId: undefined, retriable: true });

function partitionsOf(topic: string, lags: number[]): PartitionEvaluation[] {
  return lags.map((lag, partition) => ({
    topic,
    partition,
    committedOffset: 0n,
    logStartOffset: 0n,
    logEndOffset: BigInt(lag),
    lag: BigInt(lag),
    offsetStatus: 'COMMITTED',
    timeLagSeconds: null,
    timeLagQuality: 'unknown',
    status: 'OK',
    complete: 1,
    hot: false,
    owner: null,
  }));
}

function group(groupId: string, lags: number[], topic = 'orders'): GroupEvaluation {
  const partitions = partitionsOf(topic, lags);
  return {
    groupId,
    type: 'classic',
    state: 'Stable',
    members: [],
    generation: null,
    status: 'OK',
    totalLag: partitions.reduce((s, p) => s + p.lag!, 0n),
    maxLagPartition: null,
    complete: 1,
    rebalances: 0,
    topics: [],
    partitions,
    errors: [],
    evaluated: true,
  };
}

const mapping = (over: Partial<EventSourceMappingConfiguration>): EventSourceMappingConfiguration => ({
  UUID: 'uuid-1',
  State: 'Enabled',
  Topics: ['orders'],
  EventSourceArn: 'arn:aws:kafka:eu-west-1:111122223333:cluster/demo/abc',
  AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: 'orders-group' },
  ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 10, PollerGroupName: 'shared' },
  ...over,
});

describe('the autoscaler', () => {
  const policies = new Map([['orders-group', policy]]);

  it('finds the mapping by consumer group id and raises MinimumPollers, keeping the poller group', async () => {
    const { client, calls } = fakeLambda((name) =>
      name === 'ListEventSourceMappings'
        ? { EventSourceMappings: [mapping({ UUID: 'other', AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: 'another' } }), mapping({})] }
        : {},
    );
    const result = await autoscaleGroups(client, [group('orders-group', [900, 900, 900])], policies, new Map(), NOW);
    const updates = calls.filter((c) => c.name === 'UpdateEventSourceMapping').map((c) => c.input as unknown as UpdateEventSourceMappingInput);
    expect(updates).toEqual([{ UUID: 'uuid-1', ProvisionedPollerConfig: { MinimumPollers: 3, MaximumPollers: 10, PollerGroupName: 'shared' } }]);
    expect(result.outcomes).toEqual([expect.objectContaining({ groupId: 'orders-group', mappingId: 'uuid-1', action: 'up', from: 1, to: 3, delta: 2 })]);
    expect(result.scalingStates.get('orders-group')).toEqual({ lastChangeAtMs: NOW, minimumPollers: 3 });
  });

  it('matches self-managed mappings on their ConsumerGroupId, and mappings without one on their UUID', () => {
    expect(consumerGroupIdOf({ SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: 'g' }, UUID: 'u' })).toBe('g');
    expect(consumerGroupIdOf({ UUID: 'u', SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: ['b:9092'] } } })).toBe('u');
    expect(consumerGroupIdOf({ UUID: 'u', EventSourceArn: 'arn:aws:sqs:eu-west-1:111122223333:q' })).toBeUndefined();
  });

  it('skips a mapping that is mid-transition (ResourceConflictException) and keeps no cooldown', async () => {
    const { client } = fakeLambda((name) => {
      if (name === 'UpdateEventSourceMapping') throw conflict();
      return { EventSourceMappings: [mapping({})] };
    });
    const result = await autoscaleGroups(client, [group('orders-group', [2_000, 2_000, 2_000])], policies, new Map(), NOW);
    expect(result.outcomes).toEqual([expect.objectContaining({ action: 'skipped', delta: 0 })]);
    expect(result.outcomes[0]!.reason).toMatch(/mid-transition \(ResourceConflictException\)/);
    expect(result.errors.size).toBe(0);
    expect(result.scalingStates.size).toBe(0);
  });

  it('leaves disabled and on-demand mappings alone, saying why', async () => {
    const { client, calls } = fakeLambda(() => ({
      EventSourceMappings: [mapping({ UUID: 'a', State: 'Disabled' }), mapping({ UUID: 'b', ProvisionedPollerConfig: undefined })],
    }));
    const result = await autoscaleGroups(client, [group('orders-group', [2_000, 2_000, 2_000])], policies, new Map(), NOW);
    expect(calls.map((c) => c.name)).toEqual(['ListEventSourceMappings']);
    expect(result.outcomes.map((o) => o.reason)).toEqual(['mapping is Disabled', expect.stringMatching(/on-demand mode/)]);
  });

  it('reads every page of mappings', async () => {
    const { client, calls } = fakeLambda((name, commandInput) => {
      if (name !== 'ListEventSourceMappings') return {};
      return commandInput.Marker === 'p2' ? { EventSourceMappings: [mapping({})] } : { EventSourceMappings: [], NextMarker: 'p2' };
    });
    const result = await autoscaleGroups(client, [group('orders-group', [2_000, 2_000, 2_000])], policies, new Map(), NOW);
    expect(calls.filter((c) => c.name === 'ListEventSourceMappings')).toHaveLength(2);
    expect(result.outcomes[0]).toMatchObject({ action: 'up' });
  });

  it('respects the cooldown persisted from an earlier cycle', async () => {
    const { client, calls } = fakeLambda(() => ({ EventSourceMappings: [mapping({})] }));
    const previous = new Map([['orders-group', { lastChangeAtMs: NOW - 60_000, minimumPollers: 1 }]]);
    const result = await autoscaleGroups(client, [group('orders-group', [2_000, 2_000, 2_000])], policies, previous, NOW);
    expect(calls.some((c) => c.name === 'UpdateEventSourceMapping')).toBe(false);
    expect(result.outcomes[0]).toMatchObject({ action: 'hold' });
  });

  it('counts only the lag of the mapping topics and caps at their partitions', async () => {
    const { client, calls } = fakeLambda(() => ({ EventSourceMappings: [mapping({ ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 10 } })] }));
    const g = group('orders-group', [10, 10]);
    const withOther: GroupEvaluation = { ...g, partitions: [...g.partitions, ...partitionsOf('audit', [50_000, 50_000, 50_000])] };
    const result = await autoscaleGroups(client, [withOther], policies, new Map(), NOW);
    expect(calls.some((c) => c.name === 'UpdateEventSourceMapping')).toBe(false);
    expect(result.outcomes[0]).toMatchObject({ action: 'hold' });
  });

  it('reports a group without a mapping as skipped, and a failing update as an error', async () => {
    const none = fakeLambda(() => ({ EventSourceMappings: [] }));
    expect((await autoscaleGroups(none.client, [group('orders-group', [2_000, 2_000, 2_000])], policies, new Map(), NOW)).outcomes[0]).toMatchObject({
      action: 'skipped',
      reason: 'no event source mapping has ConsumerGroupId "orders-group"',
    });
    const failing = fakeLambda((name) => {
      if (name === 'UpdateEventSourceMapping') throw Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' });
      return { EventSourceMappings: [mapping({})] };
    });
    const result = await autoscaleGroups(failing.client, [group('orders-group', [2_000, 2_000, 2_000])], policies, new Map(), NOW);
    expect(result.outcomes[0]).toMatchObject({ action: 'failed' });
    expect(result.errors.get('orders-group')).toMatch(/Rate exceeded/);
  });
});
