// Targets from offsets: the pure half of planning, kafka-consumer-groups.sh's rules
// (GroupOffsetsResetter in Apache Kafka's tools):
// - to-offset, shift-by, from-file are clamped into [log start, log end] with a warning
//   (checkOffsetsRange: above the end -> end, else below the start -> start);
// - to-datetime / by-duration take ListOffsets by timestamp, and fall back to the log end
//   where no record is at or after the time ("Falling back to latest known offset"); not clamped;
// - to-current keeps the committed offset, the log end where there is none;
// - shift-by fails where nothing is committed ("Cannot shift offset for partition ...").
// copy-from-group (not a Kafka tool mode) behaves like from-file with the other group's
// committed offsets as the file.
import { PLAN_WARNING } from './constants.ts';
import { ResetPlanError } from './errors.ts';
import { tpKey } from './admin.ts';
import type { PartitionPlan, PlanWarning, ResetStrategy, TopicPartition } from './types.ts';

/** What planning knows about one partition. */
export interface PartitionSnapshot extends TopicPartition {
  readonly committed: bigint | undefined;
  readonly logStart: bigint;
  readonly logEnd: bigint;
  /** ListOffsets by timestamp: the first offset at or after it, -1 when there is none. */
  readonly timestampOffset?: bigint | undefined;
  /** `fromFile` row or `copyFromGroup` source offset; `undefined` when the source group has none. */
  readonly given?: bigint | undefined;
}

/**
 * Clamps `requested` into [logStart, logEnd] the way kafka-consumer-groups.sh does (the end
 * is checked first), with the warning it prints.
 *
 * @example
 * clampOffset({ topic: 'orders', partition: 0 }, 500n, 10n, 120n); // { target: 120n, warning: {...} }
 */
export function clampOffset(tp: TopicPartition, requested: bigint, logStart: bigint, logEnd: bigint): { target: bigint; warning: PlanWarning | undefined } {
  if (requested > logEnd) {
    return {
      target: logEnd,
      warning: { code: PLAN_WARNING.clampedToLogEnd, message: `New offset (${requested}) is higher than latest offset for topic partition ${tpKey(tp)}. Value will be set to ${logEnd}.` },
    };
  }
  if (requested < logStart) {
    return {
      target: logStart,
      warning: { code: PLAN_WARNING.clampedToLogStart, message: `New offset (${requested}) is lower than earliest offset for topic partition ${tpKey(tp)}. Value will be set to ${logStart}.` },
    };
  }
  return { target: requested, warning: undefined };
}

const positive = (n: bigint): bigint => (n > 0n ? n : 0n);

function finish(s: PartitionSnapshot, target: bigint, requested: bigint | undefined, warnings: PlanWarning[]): PartitionPlan {
  return {
    topic: s.topic,
    partition: s.partition,
    committed: s.committed,
    logStart: s.logStart,
    logEnd: s.logEnd,
    requested,
    target,
    lagBefore: s.committed === undefined ? undefined : positive(s.logEnd - s.committed),
    lagAfter: positive(s.logEnd - target),
    warnings,
  };
}

function clamped(s: PartitionSnapshot, requested: bigint): PartitionPlan {
  const { target, warning } = clampOffset(s, requested, s.logStart, s.logEnd);
  return finish(s, target, requested, warning ? [warning] : []);
}

/**
 * The plan of one partition, or the reason there can be none (`shiftBy` or
 * `copyFromGroup` without an offset to start from).
 */
export function planPartition(strategy: ResetStrategy, s: PartitionSnapshot): PartitionPlan | { error: string } {
  switch (strategy.type) {
    case 'earliest':
      return finish(s, s.logStart, undefined, []);
    case 'latest':
      return finish(s, s.logEnd, undefined, []);
    case 'current':
      if (s.committed !== undefined) return finish(s, s.committed, undefined, []);
      return finish(s, s.logEnd, undefined, [
        { code: PLAN_WARNING.noCommittedOffset, message: `No committed offset for topic partition ${tpKey(s)}; using the log end offset ${s.logEnd}.` },
      ]);
    case 'toOffset':
      return clamped(s, strategy.offset);
    case 'shiftBy':
      if (s.committed === undefined) return { error: `Cannot shift offset for partition ${tpKey(s)} since there is no current committed offset` };
      return clamped(s, s.committed + strategy.shift);
    case 'toDatetime':
    case 'byDuration':
      if (s.timestampOffset === undefined || s.timestampOffset < 0n) {
        return finish(s, s.logEnd, undefined, [
          { code: PLAN_WARNING.noRecordAtTimestamp, message: `Partition ${s.partition} from topic ${s.topic} has no record at or after the timestamp. Falling back to latest known offset ${s.logEnd}.` },
        ]);
      }
      return finish(s, s.timestampOffset, undefined, []);
    case 'fromFile':
      if (s.given === undefined) return { error: `No offset in the file for topic partition ${tpKey(s)}` };
      return clamped(s, s.given);
    case 'copyFromGroup':
      if (s.given === undefined) return { error: `Cannot copy offset for partition ${tpKey(s)} since group '${strategy.groupId}' has no committed offset there` };
      return clamped(s, s.given);
  }
}

/**
 * Plans every partition; throws one `ResetPlanError` listing every partition that cannot
 * be planned (all of them, not just the first, so one fix suffices).
 *
 * @example
 * planPartitions({ type: 'earliest' }, [{ topic: 'orders', partition: 0, committed: 7n, logStart: 0n, logEnd: 9n }]);
 */
export function planPartitions(strategy: ResetStrategy, snapshots: readonly PartitionSnapshot[]): PartitionPlan[] {
  const plans: PartitionPlan[] = [];
  const errors: string[] = [];
  for (const s of snapshots) {
    const p = planPartition(strategy, s);
    if ('error' in p) errors.push(p.error);
    else plans.push(p);
  }
  if (errors.length > 0) {
    const shown = errors.slice(0, 20).join('; ');
    throw new ResetPlanError(errors.length > 20 ? `${shown}; and ${errors.length - 20} more` : shown);
  }
  return plans;
}
