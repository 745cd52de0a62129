import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MappingScalingOutcome } from './autoscaler.ts';
import { GROUP_STATUS_VALUE, LAG_METRICS_NAMESPACE, LagDimensions, LagMetrics } from './metrics-contract.ts';
import type { GroupEvaluation } from './types.ts';

/** Where EMF lines go: stdout in Lambda (CloudWatch Logs extracts the metrics). */
export type EmfSink = (line: string) => void;

/** Writes one EMF document per line to stdout, as Powertools does (not through the Lambda-patched `console`). */
export const stdoutEmfSink: EmfSink = (line) => void process.stdout.write(`${line}\n`);

/** Options of {@link publishLagMetrics}. */
export interface PublishOptions {
  /** Emit `PartitionOffsetLag`/`PartitionTimeLagSeconds` per partition (one EMF line each). @default false */
  readonly perPartitionMetrics?: boolean;
  /** @default stdoutEmfSink */
  readonly sink?: EmfSink;
  /** The metrics' timestamp (epoch ms): the cycle's time. */
  readonly timestampMs: number;
  /** Where Powertools' own warnings go (e.g. a timestamp CloudWatch would reject). @default silent */
  readonly logger?: { warn(message: string): void; error(message: string): void };
}

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
export function publishLagMetrics(
  groups: readonly GroupEvaluation[],
  scaling: readonly MappingScalingOutcome[],
  cycleErrors: readonly string[],
  options: PublishOptions,
): number {
  const metrics = new SinkMetrics(options.sink ?? stdoutEmfSink, options.logger);
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
