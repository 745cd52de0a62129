import type { ScalingState } from './types.ts';

/**
 * Lag-driven poller scaling of one group's event source mapping(s).
 *
 * Which lever: `ProvisionedPollerConfig.MinimumPollers`. In provisioned mode Lambda
 * already scales pollers between MinimumPollers and MaximumPollers on its own
 * (https://docs.aws.amazon.com/lambda/latest/dg/kafka-scaling-modes.html); moving
 * MaximumPollers only widens the room its autoscaler may use, without saying it will
 * use it, and cutting it below the current count removes pollers abruptly. Raising
 * MinimumPollers forces capacity now, which is what a lag alarm needs; lowering it
 * hands the capacity back to Lambda's own scaling. So the autoscaler moves the floor
 * within [minPollers, min(maxPollers, partitions)] and only raises MaximumPollers when
 * the new floor would exceed it. More pollers than partitions never help: a partition is
 * consumed by at most one poller at a time (ordering), hence the partition cap.
 */
export interface ScalingPolicy {
  /** Scale up when the group's lag (over the mapping's topics) is at least this. */
  readonly scaleUpLag: bigint;
  /** Scale down when it is at most this (must be below `scaleUpLag`: the gap is the hysteresis). */
  readonly scaleDownLag: bigint;
  /** Lowest MinimumPollers the autoscaler sets (1–200). */
  readonly minPollers: number;
  /** Highest MinimumPollers it sets (capped at the partition count). */
  readonly maxPollers: number;
  /** No scale up/down within this many seconds of the previous change. */
  readonly cooldownSeconds: number;
  /** Pollers added or removed per decision. */
  readonly step: number;
}

/** The mapping's current poller configuration (absent fields take Lambda's defaults: 1 and 200). */
export interface CurrentPollers {
  readonly minimumPollers: number | undefined;
  readonly maximumPollers: number | undefined;
}

/** Input of {@link decideScaling}. */
export interface ScalingInput {
  readonly policy: ScalingPolicy;
  /** Lag over the mapping's topics; `null` when unknown this cycle. */
  readonly lag: bigint | null;
  /** Partitions of the mapping's topics. */
  readonly partitions: number;
  readonly current: CurrentPollers;
  readonly lastChange: ScalingState | null;
  readonly nowMs: number;
}

/** What to do, and why. */
export interface ScalingDecision {
  readonly action: 'up' | 'down' | 'hold';
  /** MinimumPollers now, as read from the mapping (default 1). */
  readonly from: number;
  /** MinimumPollers to set (equal to `from` on hold). */
  readonly to: number;
  /** MaximumPollers to set alongside (at least `to`). */
  readonly maximumPollers: number;
  readonly reason: string;
}

/** Lambda's defaults for Kafka mappings in provisioned mode. */
export const DEFAULT_MINIMUM_POLLERS = 1;
export const DEFAULT_MAXIMUM_POLLERS = 200;

/**
 * Decides the next MinimumPollers:
 * 1. lag unknown → hold;
 * 2. outside the bounds [floor, cap] (cap = min(maxPollers, partitions), floor =
 *    min(minPollers, cap)) → back inside, whatever the cooldown (the bounds are policy);
 * 3. lag ≥ scaleUpLag → +step up to the cap; lag ≤ scaleDownLag → −step down to the floor;
 *    both only outside the cooldown;
 * 4. otherwise hold.
 *
 * @example
 * decideScaling({ policy, lag: 50_000n, partitions: 12, current: { minimumPollers: 2, maximumPollers: 10 }, lastChange: null, nowMs: Date.now() });
 * // { action: 'up', from: 2, to: 3, maximumPollers: 10, reason: 'lag 50000 ≥ scale-up threshold 10000' }
 */
export function decideScaling(input: ScalingInput): ScalingDecision {
  const { policy, lag, partitions, current, lastChange, nowMs } = input;
  const from = current.minimumPollers ?? DEFAULT_MINIMUM_POLLERS;
  const currentMax = current.maximumPollers ?? DEFAULT_MAXIMUM_POLLERS;
  const decision = (action: ScalingDecision['action'], to: number, reason: string): ScalingDecision => ({
    action,
    from,
    to,
    maximumPollers: Math.max(currentMax, to),
    reason,
  });
  if (lag === null) return decision('hold', from, 'lag unknown this cycle');
  if (partitions < 1) return decision('hold', from, 'no partitions known for the mapping topics');
  const cap = Math.max(1, Math.min(policy.maxPollers, partitions));
  const floor = Math.min(policy.minPollers, cap);
  const capReason = policy.maxPollers <= partitions ? `maxPollers ${policy.maxPollers}` : `partition count ${partitions}`;
  if (from > cap) return decision('down', cap, `MinimumPollers ${from} above the cap (${capReason})`);
  if (from < floor) return decision('up', floor, `MinimumPollers ${from} below the policy's minPollers ${floor}`);

  const wantsUp = lag >= policy.scaleUpLag;
  const wantsDown = lag <= policy.scaleDownLag;
  if (!wantsUp && !wantsDown) return decision('hold', from, `lag ${lag} between thresholds (${policy.scaleDownLag}, ${policy.scaleUpLag})`);
  if (wantsUp && from >= cap) return decision('hold', from, `lag ${lag} ≥ scale-up threshold ${policy.scaleUpLag} but already at the cap (${capReason})`);
  if (wantsDown && from <= floor) return decision('hold', from, `lag ${lag} ≤ scale-down threshold ${policy.scaleDownLag}, already at minPollers ${floor}`);
  if (lastChange !== null) {
    const remainingMs = lastChange.lastChangeAtMs + policy.cooldownSeconds * 1000 - nowMs;
    if (remainingMs > 0) return decision('hold', from, `cooldown: ${Math.ceil(remainingMs / 1000)} s left since the change at ${new Date(lastChange.lastChangeAtMs).toISOString()}`);
  }
  if (wantsUp) return decision('up', Math.min(cap, from + policy.step), `lag ${lag} ≥ scale-up threshold ${policy.scaleUpLag}`);
  return decision('down', Math.max(floor, from - policy.step), `lag ${lag} ≤ scale-down threshold ${policy.scaleDownLag}`);
}
