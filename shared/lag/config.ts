// zod/mini: the same validation as `zod`, tree-shakeable; the full build added ~440 KB and
// ~30 ms of cold start to the function bundle.
import * as z from 'zod/mini';
import { safeParse } from '../validation/parse.ts';
import { LAG_DEFAULTS } from './constants.ts';
import { LagConfigError } from './errors.ts';
import type { ScalingPolicy } from './autoscale-policy.ts';

/**
 * The lag monitor's own settings, read from the environment once at cold start (the
 * cluster itself comes from `clusterConfigFromEnv` in `shared/kafka`). Every variable is
 * documented in `functions/lag-monitor/README.md`.
 */
export interface LagMonitorSettings {
  readonly stateTable: string;
  readonly include: string[];
  readonly exclude: string[];
  readonly states: string[];
  readonly perPartitionMetrics: boolean;
  readonly summaryPartitions: boolean;
  readonly autoscaling: Record<string, ScalingPolicy>;
  readonly burrowWindow: number;
  readonly allowedLag: bigint;
  readonly timeLagMaxPoints: number;
  readonly maxExtrapolationRatio: number;
  readonly hotPartitionFactor: number;
  readonly hotPartitionMinLag: bigint;
  readonly groupsPerRequest: number;
  readonly topicRefreshMs: number;
  readonly kafkaTimeoutMs: number;
}

const KAFKA_GROUP_STATES = ['Stable', 'Empty', 'PreparingRebalance', 'CompletingRebalance', 'Dead', 'Assigning', 'Reconciling', 'NotReady'] as const;

/** An optional variable, transformed when present. */
const optional = <T>(parse: (value: string | undefined, ctx: z.core.ParsePayload) => T) =>
  z.pipe(z.optional(z.string()), z.transform((v: string | undefined, ctx) => parse(v, ctx)));
const fail = (ctx: z.core.ParsePayload, message: string): never => {
  ctx.issues.push({ code: 'custom', message, input: ctx.value });
  return z.NEVER;
};

const list = optional((v) => (v ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0));
const bool = (fallback: boolean) =>
  z.pipe(
    z.optional(z.enum(['true', 'false'], { error: 'must be "true" or "false"' })),
    z.transform((v) => (v === undefined ? fallback : v === 'true')),
  );
const int = (fallback: number, min: number, max: number) =>
  optional((v, ctx) => {
    if (v === undefined || v.trim() === '') return fallback;
    const n = Number(v);
    return !Number.isInteger(n) || n < min || n > max ? fail(ctx, `must be an integer from ${min} to ${max}, got "${v}"`) : n;
  });
const num = (fallback: number, min: number, max: number) =>
  optional((v, ctx) => {
    if (v === undefined || v.trim() === '') return fallback;
    const n = Number(v);
    return !Number.isFinite(n) || n < min || n > max ? fail(ctx, `must be a number from ${min} to ${max}, got "${v}"`) : n;
  });
const lagCount = (fallback: bigint) =>
  optional((v, ctx) => {
    if (v === undefined || v.trim() === '') return fallback;
    return /^\d+$/.test(v.trim()) ? BigInt(v.trim()) : fail(ctx, `must be a non-negative integer, got "${v}"`);
  });

const lagThreshold = z.pipe(
  z.union([z.number().check(z.int(), z.nonnegative()), z.string().check(z.regex(/^\d+$/, 'must be a non-negative integer'))]),
  z.transform((v) => BigInt(v)),
);
const pollers = () => z.number().check(z.int(), z.minimum(1), z.maximum(200));

/** One group's autoscaling policy as written in `SCG_AUTOSCALING`. */
export const ScalingPolicySchema = z
  .strictObject({
    scaleUpLag: lagThreshold,
    scaleDownLag: lagThreshold,
    // MinimumPollers is what the autoscaler sets, and Lambda accepts 1–200 for it.
    minPollers: pollers(),
    maxPollers: pollers(),
    cooldownSeconds: z._default(z.number().check(z.int(), z.minimum(0), z.maximum(86_400)), 300),
    step: z._default(pollers(), 1),
  })
  .check(
    z.superRefine((p, ctx) => {
      if (p.scaleDownLag >= p.scaleUpLag) ctx.addIssue({ code: 'custom', path: ['scaleDownLag'], message: 'must be below scaleUpLag (the gap avoids flapping)', input: p });
      if (p.minPollers > p.maxPollers) ctx.addIssue({ code: 'custom', path: ['minPollers'], message: 'must not exceed maxPollers', input: p });
    }),
  );

const autoscaling = z.pipe(
  optional((v, ctx): unknown => {
    if (v === undefined || v.trim() === '') return {};
    try {
      return JSON.parse(v) as unknown;
    } catch (error) {
      return fail(ctx, `must be JSON: ${(error as Error).message}`);
    }
  }),
  z.record(z.string().check(z.minLength(1)), ScalingPolicySchema),
);

const EnvSchema = z.object({
  SCG_LAG_STATE_TABLE: z.string({ error: 'is required (the DynamoDB table holding the monitor state)' }).check(z.regex(/^[A-Za-z0-9_.-]{3,255}$/, 'must be a DynamoDB table name')),
  SCG_GROUPS_INCLUDE: list,
  SCG_GROUPS_EXCLUDE: list,
  SCG_GROUP_STATES: z.pipe(list, z.array(z.enum(KAFKA_GROUP_STATES, { error: `must list Kafka group states (${KAFKA_GROUP_STATES.join(', ')})` }))),
  SCG_PER_PARTITION_METRICS: bool(false),
  SCG_SUMMARY_PARTITIONS: bool(true),
  SCG_AUTOSCALING: autoscaling,
  SCG_BURROW_WINDOW: int(LAG_DEFAULTS.burrowWindow, 2, 100),
  SCG_BURROW_ALLOWED_LAG: lagCount(LAG_DEFAULTS.allowedLag),
  SCG_TIME_LAG_SAMPLES: int(LAG_DEFAULTS.timeLagMaxPoints, 2, 1_000),
  SCG_TIME_LAG_MAX_EXTRAPOLATION: num(LAG_DEFAULTS.maxExtrapolationRatio, 0, 100),
  SCG_HOT_PARTITION_FACTOR: num(LAG_DEFAULTS.hotPartitionFactor, 1, 1_000),
  SCG_HOT_PARTITION_MIN_LAG: lagCount(LAG_DEFAULTS.hotPartitionMinLag),
  SCG_GROUPS_PER_REQUEST: int(LAG_DEFAULTS.groupsPerRequest, 1, 10_000),
  SCG_LAG_TOPIC_REFRESH_SECONDS: int(LAG_DEFAULTS.topicRefreshMs / 1_000, 0, 86_400),
  SCG_KAFKA_TIMEOUT_MS: int(10_000, 100, 300_000),
});

/** Variable name prefixes owned by the lag monitor: an unknown variable with one of them is a typo. */
const OWN_PREFIXES = ['SCG_LAG_', 'SCG_GROUPS_', 'SCG_BURROW_', 'SCG_TIME_LAG_', 'SCG_HOT_PARTITION_', 'SCG_PER_PARTITION_', 'SCG_SUMMARY_', 'SCG_AUTOSCALING'];

/**
 * Parses the lag monitor's variables. A malformed value, or an unknown variable in the
 * monitor's own namespace (`SCG_BURROW_WINDOWS`, a typo), throws `LagConfigError` naming
 * the variable (and the JSON path inside `SCG_AUTOSCALING`).
 *
 * @example
 * const settings = lagMonitorSettingsFromEnv(process.env);
 */
export function lagMonitorSettingsFromEnv(env: NodeJS.ProcessEnv): LagMonitorSettings {
  const known = new Set(Object.keys(EnvSchema.shape));
  for (const name of Object.keys(env)) {
    if (known.has(name) || !OWN_PREFIXES.some((prefix) => name.startsWith(prefix))) continue;
    const guess = [...known].find((k) => k.startsWith(name.slice(0, Math.max(8, name.length - 3))));
    throw new LagConfigError(name, `unknown variable${guess ? ` (did you mean ${guess}?)` : ''}`);
  }
  const picked = Object.fromEntries([...known].map((k) => [k, env[k]]));
  const parsed = safeParse(EnvSchema, picked);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const [variable, ...path] = issue.path.map(String);
    throw new LagConfigError([variable ?? 'environment', ...path].join('.'), issue.message);
  }
  const e = parsed.data;
  return {
    stateTable: e.SCG_LAG_STATE_TABLE,
    include: e.SCG_GROUPS_INCLUDE,
    exclude: e.SCG_GROUPS_EXCLUDE,
    states: e.SCG_GROUP_STATES,
    perPartitionMetrics: e.SCG_PER_PARTITION_METRICS,
    summaryPartitions: e.SCG_SUMMARY_PARTITIONS,
    autoscaling: e.SCG_AUTOSCALING,
    burrowWindow: e.SCG_BURROW_WINDOW,
    allowedLag: e.SCG_BURROW_ALLOWED_LAG,
    timeLagMaxPoints: e.SCG_TIME_LAG_SAMPLES,
    maxExtrapolationRatio: e.SCG_TIME_LAG_MAX_EXTRAPOLATION,
    hotPartitionFactor: e.SCG_HOT_PARTITION_FACTOR,
    hotPartitionMinLag: e.SCG_HOT_PARTITION_MIN_LAG,
    groupsPerRequest: e.SCG_GROUPS_PER_REQUEST,
    topicRefreshMs: e.SCG_LAG_TOPIC_REFRESH_SECONDS * 1_000,
    kafkaTimeoutMs: e.SCG_KAFKA_TIMEOUT_MS,
  };
}
