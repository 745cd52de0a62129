import { z } from 'zod';
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
  readonly kafkaTimeoutMs: number;
}

const KAFKA_GROUP_STATES = ['Stable', 'Empty', 'PreparingRebalance', 'CompletingRebalance', 'Dead', 'Assigning', 'Reconciling', 'NotReady'] as const;

const list = z
  .string()
  .optional()
  .transform((v) => (v ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0));
const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false'], { error: 'must be "true" or "false"' })
    .optional()
    .transform((v) => (v === undefined ? fallback : v === 'true'));
const int = (fallback: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be an integer from ${min} to ${max}, got "${v}"` });
        return z.NEVER;
      }
      return n;
    });
const num = (fallback: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return fallback;
      const n = Number(v);
      if (!Number.isFinite(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be a number from ${min} to ${max}, got "${v}"` });
        return z.NEVER;
      }
      return n;
    });
const lagCount = (fallback: bigint) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return fallback;
      if (!/^\d+$/.test(v.trim())) {
        ctx.addIssue({ code: 'custom', message: `must be a non-negative integer, got "${v}"` });
        return z.NEVER;
      }
      return BigInt(v.trim());
    });

const lagThreshold = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/, 'must be a non-negative integer')]).transform((v) => BigInt(v));

/** One group's autoscaling policy as written in `SCG_AUTOSCALING`. */
export const ScalingPolicySchema = z
  .strictObject({
    scaleUpLag: lagThreshold,
    scaleDownLag: lagThreshold,
    // MinimumPollers is what the autoscaler sets, and Lambda accepts 1–200 for it.
    minPollers: z.number().int().min(1).max(200),
    maxPollers: z.number().int().min(1).max(200),
    cooldownSeconds: z.number().int().min(0).max(86_400).default(300),
    step: z.number().int().min(1).max(200).default(1),
  })
  .superRefine((p, ctx) => {
    if (p.scaleDownLag >= p.scaleUpLag) ctx.addIssue({ code: 'custom', path: ['scaleDownLag'], message: 'must be below scaleUpLag (the gap avoids flapping)' });
    if (p.minPollers > p.maxPollers) ctx.addIssue({ code: 'custom', path: ['minPollers'], message: 'must not exceed maxPollers' });
  });

const autoscaling = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v.trim() === '') return {};
    try {
      return JSON.parse(v) as unknown;
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `must be JSON: ${(error as Error).message}` });
      return z.NEVER;
    }
  })
  .pipe(z.record(z.string().min(1), ScalingPolicySchema));

const EnvSchema = z.object({
  SCG_LAG_STATE_TABLE: z.string({ error: 'is required (the DynamoDB table holding the monitor state)' }).regex(/^[A-Za-z0-9_.-]{3,255}$/, 'must be a DynamoDB table name'),
  SCG_GROUPS_INCLUDE: list,
  SCG_GROUPS_EXCLUDE: list,
  SCG_GROUP_STATES: list.pipe(z.array(z.enum(KAFKA_GROUP_STATES, { error: `must list Kafka group states (${KAFKA_GROUP_STATES.join(', ')})` }))),
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
  const parsed = EnvSchema.safeParse(picked);
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
    kafkaTimeoutMs: e.SCG_KAFKA_TIMEOUT_MS,
  };
}
