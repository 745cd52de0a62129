// EMF publishing and the state encoding as they were before they were optimized for CPU
// time, kept verbatim (bar imports, exports and names) as the oracle of the equivalence
// tests: every EMF line and every encoded state must stay byte for byte the same, and
// state written by this code must stay readable. Not for production use.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MappingScalingOutcome } from '../../../../shared/lag/autoscaler.ts';
import type { MonitoredGroupType } from '../../../../shared/lag/constants.ts';
import { GROUP_STATUS_VALUE, LAG_METRICS_NAMESPACE, LagDimensions, LagMetrics } from '../../../../shared/lag/metrics-contract.ts';
import type { EmfSink, PublishOptions } from '../../../../shared/lag/publish.ts';
import type { CommitObservation, GroupEvaluation, GroupLagState, OffsetTimePoint, TopicLagState } from '../../../../shared/lag/types.ts';

const STATE_FORMAT_VERSION = 1;

/**
 * Powertools Metrics serializes and validates EMF; this subclass only changes where a
 * flushed document goes (an injected sink instead of its private console), so tests and
 * the CLI can capture or discard it. `POWERTOOLS_METRICS_DISABLED` is still honoured.
 */
class SinkMetrics extends Metrics {
  readonly #sink: EmfSink;

  constructor(sink: EmfSink, logger: PublishOptions['logger']) {
    const noop = (): void => undefined;
    super({
      namespace: LAG_METRICS_NAMESPACE,
      logger: { debug: noop, info: noop, warn: (m: unknown) => logger?.warn(String(m)), error: (m: unknown) => logger?.error(String(m)) },
    });
    this.#sink = sink;
    // Powertools adds a `service` dimension to every metric by default. CloudWatch alarms
    // match the exact dimension set, and the contract's sets have no `service`: drop it.
    this.clearDefaultDimensions();
  }

  /** Emits the stored metrics under the current dimensions as one EMF line. */
  flush(): boolean {
    if (!this.hasStoredMetrics()) return false;
    try {
      if (!this.isDisabled()) this.#sink(JSON.stringify(this.serializeMetrics()));
      return true;
    } finally {
      this.clearMetrics();
      this.clearDimensions();
      this.clearMetadata();
    }
  }
}

/**
 * Publishes a cycle as CloudWatch metrics in EMF, names and dimensions from
 * `metrics-contract.ts`. One EMF document per dimension set (EMF applies every
 * dimension set of a document to every metric in it, so mixing sets in one document
 * would publish, e.g., `Members` per topic):
 *
 * - per group and topic `{ConsumerGroup, Topic}`: SumOffsetLag, MaxOffsetLag, MaxTimeLagSeconds
 *   (each only when known: a lag nobody can compute is missing data, not 0);
 * - per group `{ConsumerGroup}`: GroupStatus, Members, Rebalances, MonitorErrors, and
 *   PollerScalingDecision for groups with a scaling policy;
 * - per partition `{ConsumerGroup, Topic, Partition}` (switch): PartitionOffsetLag, PartitionTimeLagSeconds;
 * - no dimensions: MonitorErrors = groups with errors + cycle-wide errors (always emitted,
 *   so its alarm sees data every cycle).
 *
 * Returns the number of EMF documents written.
 *
 * @example
 * publishLagMetrics(evaluations, outcomes, cycleErrors, { timestampMs: Date.now() });
 */
export function publishLagMetricsWithPowertools(
  groups: readonly GroupEvaluation[],
  scaling: readonly MappingScalingOutcome[],
  cycleErrors: readonly string[],
  options: PublishOptions,
): number {
  const metrics = new SinkMetrics(options.sink ?? ((line: string) => void process.stdout.write(`${line}\n`)), options.logger);
  let documents = 0;
  const emit = (dimensions: Record<string, string>, add: (m: Metrics) => void): void => {
    metrics.setTimestamp(options.timestampMs);
    const entries = Object.entries(dimensions);
    // No dimensions: an explicit empty dimension set (`"Dimensions": [[]]`), the EMF way to
    // publish a metric without dimensions; no set at all would publish nothing.
    if (entries.length === 0) metrics.addDimensions({});
    for (const [name, value] of entries) metrics.addDimension(name, value);
    add(metrics);
    if (metrics.flush()) documents++;
    else metrics.clearDimensions();
  };
  const decisionsByGroup = new Map<string, number>();
  for (const outcome of scaling) decisionsByGroup.set(outcome.groupId, (decisionsByGroup.get(outcome.groupId) ?? 0) + outcome.delta);

  let failedGroups = 0;
  for (const group of groups) {
    const groupErrors = group.errors.length > 0 || scaling.some((o) => o.groupId === group.groupId && o.action === 'failed');
    if (groupErrors) failedGroups++;
    emit({ [LagDimensions.consumerGroup]: group.groupId }, (m) => {
      if (group.evaluated || group.status === 'NOTFOUND') {
        m.addMetric(LagMetrics.groupStatus, MetricUnit.NoUnit, GROUP_STATUS_VALUE[group.status]);
      }
      if (group.evaluated) {
        m.addMetric(LagMetrics.members, MetricUnit.Count, group.members.length);
        m.addMetric(LagMetrics.rebalances, MetricUnit.Count, group.rebalances);
      }
      m.addMetric(LagMetrics.monitorErrors, MetricUnit.Count, groupErrors ? 1 : 0);
      const decision = decisionsByGroup.get(group.groupId);
      if (decision !== undefined) m.addMetric(LagMetrics.scalingDecision, MetricUnit.Count, decision);
    });
    if (!group.evaluated) continue;
    for (const topic of group.topics) {
      emit({ [LagDimensions.consumerGroup]: group.groupId, [LagDimensions.topic]: topic.topic }, (m) => {
        if (topic.maxLag !== null) {
          m.addMetric(LagMetrics.sumOffsetLag, MetricUnit.Count, Number(topic.sumLag));
          m.addMetric(LagMetrics.maxOffsetLag, MetricUnit.Count, Number(topic.maxLag));
        }
        if (topic.maxTimeLagSeconds !== null) m.addMetric(LagMetrics.maxTimeLagSeconds, MetricUnit.Seconds, topic.maxTimeLagSeconds);
      });
    }
    if (!options.perPartitionMetrics) continue;
    for (const p of group.partitions) {
      emit({ [LagDimensions.consumerGroup]: group.groupId, [LagDimensions.topic]: p.topic, [LagDimensions.partition]: String(p.partition) }, (m) => {
        if (p.lag !== null) m.addMetric(LagMetrics.partitionOffsetLag, MetricUnit.Count, Number(p.lag));
        if (p.timeLagSeconds !== null) m.addMetric(LagMetrics.partitionTimeLagSeconds, MetricUnit.Seconds, p.timeLagSeconds);
      });
    }
  }
  emit({}, (m) => m.addMetric(LagMetrics.monitorErrors, MetricUnit.Count, failedGroups + cycleErrors.length));
  return documents;
}

const toB36 = (value: bigint | number): string => value.toString(36);

function fromB36(text: string): bigint {
  // Up to 10 base-36 digits stay below 2^53 (36^10 ≈ 3.7e15): parseInt is exact there and
  // much faster than digit-by-digit bigint arithmetic; longer values take the slow path.
  if (text.length <= 10 && /^-?[0-9a-z]+$/.test(text)) return BigInt(parseInt(text, 36));
  const negative = text.startsWith('-');
  let result = 0n;
  for (const char of negative ? text.slice(1) : text) {
    const digit = parseInt(char, 36);
    if (Number.isNaN(digit)) throw new SyntaxError(`not a base-36 number: "${text}"`);
    result = result * 36n + BigInt(digit);
  }
  return negative ? -result : result;
}

/** A base-36 number known to be below 2^53 (times, time deltas). */
function smallFromB36(text: string): number {
  const value = parseInt(text, 36);
  if (Number.isNaN(value)) throw new SyntaxError(`not a base-36 number: "${text}"`);
  return value;
}

/** Encodes (offset, time) samples. */
export function encodeSamples(points: readonly OffsetTimePoint[]): string {
  let previous: OffsetTimePoint | undefined;
  const parts: string[] = [];
  for (const point of points) {
    parts.push(previous === undefined ? `${toB36(point.offset)}:${toB36(point.timeMs)}` : `${toB36(point.offset - previous.offset)}:${toB36(point.timeMs - previous.timeMs)}`);
    previous = point;
  }
  return parts.join(',');
}

/** Decodes {@link encodeSamples}. */
export function decodeSamples(text: string): OffsetTimePoint[] {
  if (text === '') return [];
  let offset = 0n;
  let timeMs = 0;
  return text.split(',').map((part) => {
    const [o = '', t = ''] = part.split(':');
    offset += fromB36(o);
    timeMs += smallFromB36(t);
    return { offset, timeMs };
  });
}

/** Encodes commit observations. */
export function encodeObservations(observations: readonly CommitObservation[]): string {
  let previous: CommitObservation | undefined;
  const parts: string[] = [];
  for (const o of observations) {
    const lag = o.lag === null ? '' : toB36(o.lag);
    parts.push(previous === undefined ? `${toB36(o.offset)}:${lag}:${toB36(o.timeMs)}` : `${toB36(o.offset - previous.offset)}:${lag}:${toB36(o.timeMs - previous.timeMs)}`);
    previous = o;
  }
  return parts.join(',');
}

/** Decodes {@link encodeObservations}. */
export function decodeObservations(text: string): CommitObservation[] {
  if (text === '') return [];
  let offset = 0n;
  let timeMs = 0;
  return text.split(',').map((part) => {
    const [o = '', l = '', t = ''] = part.split(':');
    offset += fromB36(o);
    timeMs += smallFromB36(t);
    return { offset, lag: l === '' ? null : fromB36(l), timeMs };
  });
}

interface GroupDocument {
  v: number;
  g: string;
  ty: MonitoredGroupType;
  st: string | null;
  ge: number | null;
  fp: string | null;
  ls: number;
  sc: [number, number] | null;
  w: Array<[string, Array<[number, string]>]>;
}

interface TopicDocument {
  v: number;
  t: string;
  ls: number;
  s: Array<[number, string]>;
}

/** A group's state as a compact JSON string. */
export function encodeGroupState(state: GroupLagState): string {
  const doc: GroupDocument = {
    v: STATE_FORMAT_VERSION,
    g: state.groupId,
    ty: state.type,
    st: state.lastState,
    ge: state.generation,
    fp: state.membersFingerprint,
    ls: state.lastSeenMs,
    sc: state.scaling === null ? null : [state.scaling.lastChangeAtMs, state.scaling.minimumPollers],
    w: [...state.windows.entries()].map(([topic, partitions]) => [topic, [...partitions.entries()].map(([p, obs]) => [p, encodeObservations(obs)])]),
  };
  return JSON.stringify(doc);
}

/** Decodes {@link encodeGroupState}; `undefined` for another format version. */
export function decodeGroupState(text: string): GroupLagState | undefined {
  const doc = JSON.parse(text) as GroupDocument;
  if (doc.v !== STATE_FORMAT_VERSION) return undefined;
  return {
    groupId: doc.g,
    type: doc.ty,
    lastState: doc.st,
    generation: doc.ge,
    membersFingerprint: doc.fp,
    lastSeenMs: doc.ls,
    scaling: doc.sc === null ? null : { lastChangeAtMs: doc.sc[0], minimumPollers: doc.sc[1] },
    windows: new Map(doc.w.map(([topic, partitions]) => [topic, new Map(partitions.map(([p, text]) => [p, decodeObservations(text)]))])),
  };
}

/** A topic's sample tables as a compact JSON string. */
export function encodeTopicState(state: TopicLagState): string {
  const doc: TopicDocument = { v: STATE_FORMAT_VERSION, t: state.topic, ls: state.lastSeenMs, s: [...state.samples.entries()].map(([p, points]) => [p, encodeSamples(points)]) };
  return JSON.stringify(doc);
}

/** Decodes {@link encodeTopicState}; `undefined` for another format version. */
export function decodeTopicState(text: string): TopicLagState | undefined {
  const doc = JSON.parse(text) as TopicDocument;
  if (doc.v !== STATE_FORMAT_VERSION) return undefined;
  return { topic: doc.t, lastSeenMs: doc.ls, samples: new Map(doc.s.map(([p, text]) => [p, decodeSamples(text)])) };
}
