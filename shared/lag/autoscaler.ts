import type { EventSourceMappingConfiguration } from '@aws-sdk/client-lambda';
import { hasAwsErrorCode, type EventSourceMappingsApi } from '../aws/index.ts';
import { decideScaling } from './autoscale-policy.ts';
import type { ScalingDecision, ScalingPolicy } from './autoscale-policy.ts';
import { describeError } from './errors.ts';
import { sumLags } from './partition-lag.ts';
import type { GroupEvaluation, ScalingState } from './types.ts';

/** One decision for one mapping, as logged, emitted (`PollerScalingDecision`) and returned. */
export interface MappingScalingOutcome {
  readonly groupId: string;
  /** The mapping's UUID; absent when the group has none. */
  readonly mappingId?: string;
  readonly action: 'up' | 'down' | 'hold' | 'skipped' | 'failed';
  readonly from?: number;
  readonly to?: number;
  /** `to − from` when applied, else 0: the `PollerScalingDecision` value. */
  readonly delta: number;
  readonly reason: string;
}

/** Result of {@link autoscaleGroups}. */
export interface AutoscaleResult {
  readonly outcomes: MappingScalingOutcome[];
  /** New cooldown state for the groups whose pollers changed. */
  readonly scalingStates: Map<string, ScalingState>;
  /** Groups whose scaling failed (for `MonitorErrors`). */
  readonly errors: Map<string, string>;
}

/**
 * Applies the groups' scaling policies to their event source mappings.
 *
 * Mappings are found with ListEventSourceMappings (all pages, once per cycle) and matched
 * on `AmazonManagedKafkaEventSourceConfig.ConsumerGroupId` or
 * `SelfManagedKafkaEventSourceConfig.ConsumerGroupId`, or on the UUID, which is the group
 * id Lambda uses when none was set. Only enabled mappings in provisioned mode (with a
 * `ProvisionedPollerConfig`) are changed: setting one on an on-demand mapping would
 * switch its billing mode, which is a deployment decision, not an autoscaling one. A
 * mapping mid-transition answers `ResourceConflictException`
 * (https://docs.aws.amazon.com/lambda/latest/api/API_UpdateEventSourceMapping.html): the
 * change is skipped this cycle and tried again on the next.
 *
 * @example
 * const { outcomes } = await autoscaleGroups(new LambdaEventSourceMappings(), evaluations, policies, previousScaling, Date.now());
 */
export async function autoscaleGroups(
  lambda: EventSourceMappingsApi,
  evaluations: readonly GroupEvaluation[],
  policies: ReadonlyMap<string, ScalingPolicy>,
  previous: ReadonlyMap<string, ScalingState | null>,
  nowMs: number,
): Promise<AutoscaleResult> {
  const outcomes: MappingScalingOutcome[] = [];
  const scalingStates = new Map<string, ScalingState>();
  const errors = new Map<string, string>();
  const targets = evaluations.filter((g) => policies.has(g.groupId));
  if (targets.length === 0) return { outcomes, scalingStates, errors };

  let mappings: EventSourceMappingConfiguration[];
  try {
    mappings = await listAllMappings(lambda);
  } catch (error) {
    for (const g of targets) {
      const reason = `ListEventSourceMappings failed: ${describeError(error)}`;
      errors.set(g.groupId, reason);
      outcomes.push({ groupId: g.groupId, action: 'failed', delta: 0, reason });
    }
    return { outcomes, scalingStates, errors };
  }

  for (const group of targets) {
    const policy = policies.get(group.groupId)!;
    const own = mappings.filter((m) => consumerGroupIdOf(m) === group.groupId);
    if (own.length === 0) {
      outcomes.push({ groupId: group.groupId, action: 'skipped', delta: 0, reason: `no event source mapping has ConsumerGroupId "${group.groupId}"` });
      continue;
    }
    for (const mapping of own) {
      const mappingId = mapping.UUID ?? '?';
      const skip = (reason: string): void => void outcomes.push({ groupId: group.groupId, mappingId, action: 'skipped', delta: 0, reason });
      if (!group.evaluated) {
        skip('lag unknown this cycle (the group could not be evaluated)');
        continue;
      }
      if (mapping.State !== 'Enabled') {
        skip(`mapping is ${mapping.State ?? 'in an unknown state'}`);
        continue;
      }
      if (mapping.ProvisionedPollerConfig === undefined) {
        skip('mapping is in on-demand mode (no ProvisionedPollerConfig); only provisioned mappings are scaled');
        continue;
      }
      const topics = new Set(mapping.Topics ?? []);
      const partitions = group.partitions.filter((p) => topics.size === 0 || topics.has(p.topic));
      const lags = sumLags(partitions.map((p) => p.lag));
      const decision = decideScaling({
        policy,
        lag: lags.known === 0 ? null : lags.sum,
        partitions: partitions.length,
        current: { minimumPollers: mapping.ProvisionedPollerConfig.MinimumPollers, maximumPollers: mapping.ProvisionedPollerConfig.MaximumPollers },
        // The cooldown of the previous cycles: several mappings of one group (not expected,
        // Lambda keeps group ids unique) are each decided on their own.
        lastChange: previous.get(group.groupId) ?? null,
        nowMs,
      });
      outcomes.push(await apply(lambda, group.groupId, mapping, decision, nowMs, scalingStates, errors));
    }
  }
  return { outcomes, scalingStates, errors };
}

async function apply(
  lambda: EventSourceMappingsApi,
  groupId: string,
  mapping: EventSourceMappingConfiguration,
  decision: ScalingDecision,
  nowMs: number,
  scalingStates: Map<string, ScalingState>,
  errors: Map<string, string>,
): Promise<MappingScalingOutcome> {
  const mappingId = mapping.UUID ?? '?';
  const base = { groupId, mappingId, from: decision.from, to: decision.to };
  if (decision.action === 'hold') return { ...base, action: 'hold', delta: 0, reason: decision.reason };
  const pollerGroup = mapping.ProvisionedPollerConfig?.PollerGroupName;
  try {
    await lambda.update({
      UUID: mappingId,
      // The whole structure is replaced: keep the poller group the mapping belongs to.
      ProvisionedPollerConfig: { MinimumPollers: decision.to, MaximumPollers: decision.maximumPollers, ...(pollerGroup ? { PollerGroupName: pollerGroup } : {}) },
    });
  } catch (error) {
    if (hasAwsErrorCode(error, 'ResourceConflictException')) {
      return { ...base, action: 'skipped', delta: 0, reason: `wanted ${decision.action} to ${decision.to} (${decision.reason}) but the mapping is mid-transition (ResourceConflictException); retrying next cycle` };
    }
    const reason = `UpdateEventSourceMapping ${mappingId} failed: ${describeError(error)}`;
    errors.set(groupId, reason);
    return { ...base, action: 'failed', delta: 0, reason };
  }
  scalingStates.set(groupId, { lastChangeAtMs: nowMs, minimumPollers: decision.to });
  return { ...base, action: decision.action, delta: decision.to - decision.from, reason: decision.reason };
}

/** The consumer group a Kafka event source mapping consumes as. */
export function consumerGroupIdOf(mapping: EventSourceMappingConfiguration): string | undefined {
  const explicit = mapping.AmazonManagedKafkaEventSourceConfig?.ConsumerGroupId ?? mapping.SelfManagedKafkaEventSourceConfig?.ConsumerGroupId;
  if (explicit) return explicit;
  // Without a ConsumerGroupId Lambda consumes as the mapping's UUID (Kafka sources only).
  const isKafka = mapping.SelfManagedEventSource?.Endpoints?.KAFKA_BOOTSTRAP_SERVERS !== undefined || /^arn:aws[a-z-]*:kafka:/.test(mapping.EventSourceArn ?? '');
  return isKafka ? mapping.UUID : undefined;
}

async function listAllMappings(lambda: EventSourceMappingsApi): Promise<EventSourceMappingConfiguration[]> {
  const all: EventSourceMappingConfiguration[] = [];
  let marker: string | undefined;
  do {
    const page = await lambda.list({ MaxItems: 100, ...(marker ? { Marker: marker } : {}) });
    all.push(...(page.EventSourceMappings ?? []));
    marker = page.NextMarker;
  } while (marker);
  return all;
}
