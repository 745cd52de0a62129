import { LagConfigError, lagMonitorSettingsFromEnv } from '../../../shared/lag/index.ts';

const base = { SCG_LAG_STATE_TABLE: 'lag-state' };

function errorOf(env: Record<string, string>): LagConfigError {
  try {
    lagMonitorSettingsFromEnv(env);
  } catch (error) {
    if (error instanceof LagConfigError) return error;
    throw error;
  }
  throw new Error('expected a LagConfigError');
}

describe('lag monitor settings from the environment', () => {
  it('applies the defaults', () => {
    expect(lagMonitorSettingsFromEnv(base)).toEqual({
      stateTable: 'lag-state',
      include: [],
      exclude: [],
      states: [],
      perPartitionMetrics: false,
      summaryPartitions: true,
      autoscaling: {},
      burrowWindow: 10,
      allowedLag: 0n,
      timeLagMaxPoints: 60,
      maxExtrapolationRatio: 1,
      hotPartitionFactor: 3,
      hotPartitionMinLag: 100n,
      groupsPerRequest: 500,
      topicRefreshMs: 300_000,
      kafkaTimeoutMs: 10_000,
    });
  });

  it('reads lists, booleans, numbers and the autoscaling policies', () => {
    const settings = lagMonitorSettingsFromEnv({
      ...base,
      SCG_GROUPS_INCLUDE: 'orders-*, email ,',
      SCG_GROUPS_EXCLUDE: '*-test',
      SCG_GROUP_STATES: 'Stable,Empty',
      SCG_PER_PARTITION_METRICS: 'true',
      SCG_BURROW_WINDOW: '15',
      SCG_LAG_TOPIC_REFRESH_SECONDS: '0',
      SCG_AUTOSCALING: JSON.stringify({ orders: { scaleUpLag: 1000, scaleDownLag: '100', minPollers: 1, maxPollers: 6 } }),
    });
    expect(settings).toMatchObject({ include: ['orders-*', 'email'], exclude: ['*-test'], states: ['Stable', 'Empty'], perPartitionMetrics: true, burrowWindow: 15, topicRefreshMs: 0 });
    expect(settings.autoscaling).toEqual({ orders: { scaleUpLag: 1000n, scaleDownLag: 100n, minPollers: 1, maxPollers: 6, cooldownSeconds: 300, step: 1 } });
  });

  it('names a missing state table variable', () => {
    expect(errorOf({}).message).toMatch(/^SCG_LAG_STATE_TABLE: is required/);
  });

  it('names a malformed boolean, number or state', () => {
    expect(errorOf({ ...base, SCG_PER_PARTITION_METRICS: 'yes' }).variable).toBe('SCG_PER_PARTITION_METRICS');
    expect(errorOf({ ...base, SCG_BURROW_WINDOW: '1' }).message).toBe('SCG_BURROW_WINDOW: must be an integer from 2 to 100, got "1"');
    expect(errorOf({ ...base, SCG_TIME_LAG_MAX_EXTRAPOLATION: 'lots' }).variable).toBe('SCG_TIME_LAG_MAX_EXTRAPOLATION');
    expect(errorOf({ ...base, SCG_GROUP_STATES: 'Stable,Sleeping' }).variable).toMatch(/^SCG_GROUP_STATES/);
    expect(errorOf({ ...base, SCG_HOT_PARTITION_MIN_LAG: '-5' }).variable).toBe('SCG_HOT_PARTITION_MIN_LAG');
    expect(errorOf({ ...base, SCG_LAG_TOPIC_REFRESH_SECONDS: '1.5' }).message).toBe('SCG_LAG_TOPIC_REFRESH_SECONDS: must be an integer from 0 to 86400, got "1.5"');
  });

  it('names the variable and the JSON path of a bad autoscaling policy', () => {
    expect(errorOf({ ...base, SCG_AUTOSCALING: '{not json' }).message).toMatch(/^SCG_AUTOSCALING: must be JSON/);
    expect(errorOf({ ...base, SCG_AUTOSCALING: JSON.stringify({ orders: { scaleUpLag: 10, scaleDownLag: 1, minPollers: 0, maxPollers: 2 } }) }).variable).toBe(
      'SCG_AUTOSCALING.orders.minPollers',
    );
    expect(errorOf({ ...base, SCG_AUTOSCALING: JSON.stringify({ orders: { scaleUpLag: 10, scaleDownLag: 1, minPollers: 1, maxPollers: 2, cooldown: 5 } }) }).message).toMatch(
      /^SCG_AUTOSCALING\.orders: .*cooldown/,
    );
    expect(errorOf({ ...base, SCG_AUTOSCALING: JSON.stringify({ orders: { scaleUpLag: 10, scaleDownLag: 10, minPollers: 1, maxPollers: 2 } }) }).message).toBe(
      'SCG_AUTOSCALING.orders.scaleDownLag: must be below scaleUpLag (the gap avoids flapping)',
    );
  });

  it('rejects an unknown variable in the monitor namespace, suggesting the known one', () => {
    const error = errorOf({ ...base, SCG_BURROW_WINDOWS: '10' });
    expect(error.variable).toBe('SCG_BURROW_WINDOWS');
    expect(error.message).toMatch(/unknown variable \(did you mean SCG_BURROW_WINDOW\?\)/);
  });

  it('ignores variables of other modules', () => {
    expect(() => lagMonitorSettingsFromEnv({ ...base, SCG_CLUSTER_ARN: 'x', SCG_GROUP_ID: 'y', PATH: '/bin' })).not.toThrow();
  });
});
