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

  /** Whether Powertools is configured not to publish (`POWERTOOLS_METRICS_DISABLED`, or dev mode without it). */
  isSilenced(): boolean {
    return this.isDisabled();
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

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

/** A metric of the contract with its unit, and the JSON fragments of its EMF document. */
interface MetricSpec {
  readonly name: string;
  readonly unit: Unit;
  /** `{"Name":…,"Unit":…}`: its entry in the directive's `Metrics`. */
  readonly definition: string;
  /** `,"<name>":`: its value's key at the document's top level. */
  readonly key: string;
}

const spec = (name: string, unit: Unit): MetricSpec => ({
  name,
  unit,
  definition: `{"Name":${JSON.stringify(name)},"Unit":${JSON.stringify(unit)}}`,
  key: `,${JSON.stringify(name)}:`,
});

const METRIC = {
  groupStatus: spec(LagMetrics.groupStatus, MetricUnit.NoUnit),
  members: spec(LagMetrics.members, MetricUnit.Count),
  rebalances: spec(LagMetrics.rebalances, MetricUnit.Count),
  monitorErrors: spec(LagMetrics.monitorErrors, MetricUnit.Count),
  scalingDecision: spec(LagMetrics.scalingDecision, MetricUnit.Count),
  sumOffsetLag: spec(LagMetrics.sumOffsetLag, MetricUnit.Count),
  maxOffsetLag: spec(LagMetrics.maxOffsetLag, MetricUnit.Count),
  maxTimeLagSeconds: spec(LagMetrics.maxTimeLagSeconds, MetricUnit.Seconds),
  partitionOffsetLag: spec(LagMetrics.partitionOffsetLag, MetricUnit.Count),
  partitionTimeLagSeconds: spec(LagMetrics.partitionTimeLagSeconds, MetricUnit.Seconds),
} as const;

/** The directive's `"Dimensions":[[…]]` per dimension set of the contract. */
const DIMENSION_SETS = {
  group: JSON.stringify([[LagDimensions.consumerGroup]]),
  topic: JSON.stringify([[LagDimensions.consumerGroup, LagDimensions.topic]]),
  partition: JSON.stringify([[LagDimensions.consumerGroup, LagDimensions.topic, LagDimensions.partition]]),
} as const;

/** `,"<dimension>":` keys of the dimension values at the document's top level. */
const DIMENSION_KEY = {
  consumerGroup: `,${JSON.stringify(LagDimensions.consumerGroup)}:`,
  topic: `,${JSON.stringify(LagDimensions.topic)}:`,
  partition: `,${JSON.stringify(LagDimensions.partition)}:`,
} as const;

/** A number as `JSON.stringify` writes it (Powertools serializes with it): non-finite becomes `null`. */
const jsonNumber = (value: number): string => (Number.isFinite(value) ? String(value) : 'null');

/** Powertools drops (with a warning) a dimension whose value is empty or blank. */
const isBlank = (value: string): boolean => value.trim().length === 0;

/**
 * Writes the per-group, per-topic and per-partition EMF documents without going through
 * Powertools' per-call machinery, byte for byte as `SinkMetrics` would write them (a unit
 * test compares the two on generated input).
 *
 * Why: Powertools keeps each metric, dimension and timestamp in an `InvocationScoped`
 * store that reads `process.env.AWS_LAMBDA_MAX_CONCURRENCY` on every access, and copies
 * and validates the whole document on every call. Per document that is dozens of
 * `process.env` reads (each a C++ property lookup) and as many object copies: most of the
 * publishing time of a cycle with hundreds of groups, and nearly all of it with
 * per-partition metrics. Here the names, units and dimension names are constants of the
 * contract, so the JSON around the values is built once, and a document costs a few string
 * concatenations. Powertools stays in charge of what it is good at: its configuration
 * (`POWERTOOLS_METRICS_DISABLED`, dev mode), the timestamp validation warning and the
 * cycle-wide document, and of any document this writer does not reproduce exactly (a
 * blank dimension value, which Powertools drops with a warning).
 */
class EmfWriter {
  readonly #head: string;
  readonly #sink: EmfSink;
  readonly #disabled: boolean;
  documents = 0;
  #definitions = '';
  #values = '';

  constructor(timestampMs: number, sink: EmfSink, disabled: boolean) {
    // As Powertools' `setTimestamp`: a non-integer timestamp is stored as 0.
    const timestamp = Number.isInteger(timestampMs) ? timestampMs : 0;
    this.#head = `{"_aws":{"Timestamp":${timestamp},"CloudWatchMetrics":[{"Namespace":${JSON.stringify(LAG_METRICS_NAMESPACE)},"Dimensions":`;
    this.#sink = sink;
    this.#disabled = disabled;
  }

  add(metric: MetricSpec, value: number): void {
    this.#definitions = this.#definitions === '' ? metric.definition : `${this.#definitions},${metric.definition}`;
    this.#values += `${metric.key}${jsonNumber(value)}`;
  }

  /**
   * Writes the metrics added since the last flush under one dimension set; nothing when
   * none was added (as `SinkMetrics.flush`). `dimensionValues` is the `,"Name":"value"`
   * list, in the order of `dimensionSet`.
   */
  flush(dimensionSet: string, dimensionValues: string): void {
    if (this.#definitions === '') return;
    if (!this.#disabled) this.#sink(`${this.#head}${dimensionSet},"Metrics":[${this.#definitions}]}]}${dimensionValues}${this.#values}}`);
    this.documents++;
    this.#definitions = '';
    this.#values = '';
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
  const sink = options.sink ?? stdoutEmfSink;
  // One Powertools configuration per cycle (it reads the environment once, here).
  const metrics = new SinkMetrics(sink, options.logger);
  const writer = new EmfWriter(options.timestampMs, sink, metrics.isSilenced());
  let powertoolsDocuments = 0;
  /** The Powertools way, for the cycle-wide document and for what `EmfWriter` does not reproduce. */
  const emit = (dimensions: Record<string, string>, add: (m: Metrics) => void): void => {
    metrics.setTimestamp(options.timestampMs);
    const entries = Object.entries(dimensions);
    // No dimensions: an explicit empty dimension set (`"Dimensions": [[]]`), the EMF way to
    // publish a metric without dimensions; no set at all would publish nothing.
    if (entries.length === 0) metrics.addDimensions({});
    for (const [name, value] of entries) metrics.addDimension(name, value);
    add(metrics);
    if (metrics.flush()) powertoolsDocuments++;
    else metrics.clearDimensions();
  };
  const addVia = (m: Metrics, metric: MetricSpec, value: number): void => void m.addMetric(metric.name, metric.unit, value);

  const decisionsByGroup = new Map<string, number>();
  const failedScaling = new Set<string>();
  for (const outcome of scaling) {
    decisionsByGroup.set(outcome.groupId, (decisionsByGroup.get(outcome.groupId) ?? 0) + outcome.delta);
    if (outcome.action === 'failed') failedScaling.add(outcome.groupId);
  }

  let failedGroups = 0;
  for (const group of groups) {
    const groupErrors = group.errors.length > 0 || failedScaling.has(group.groupId);
    if (groupErrors) failedGroups++;
    const decision = decisionsByGroup.get(group.groupId);
    // A blank group id (or topic) is a dimension Powertools drops: let it write those documents.
    const groupBlank = isBlank(group.groupId);
    const groupValue = `${DIMENSION_KEY.consumerGroup}${JSON.stringify(group.groupId)}`;
    const groupMetrics = (add: (metric: MetricSpec, value: number) => void): void => {
      if (group.evaluated || group.status === 'NOTFOUND') add(METRIC.groupStatus, GROUP_STATUS_VALUE[group.status]);
      if (group.evaluated) {
        add(METRIC.members, group.members.length);
        add(METRIC.rebalances, group.rebalances);
      }
      add(METRIC.monitorErrors, groupErrors ? 1 : 0);
      if (decision !== undefined) add(METRIC.scalingDecision, decision);
    };
    if (groupBlank) {
      emit({ [LagDimensions.consumerGroup]: group.groupId }, (m) => groupMetrics((metric, value) => addVia(m, metric, value)));
    } else {
      groupMetrics((metric, value) => writer.add(metric, value));
      writer.flush(DIMENSION_SETS.group, groupValue);
    }
    if (!group.evaluated) continue;
    for (const topic of group.topics) {
      const add = (metric: MetricSpec, value: number, m: Metrics | null): void => (m === null ? writer.add(metric, value) : addVia(m, metric, value));
      const topicMetrics = (m: Metrics | null): void => {
        if (topic.maxLag !== null) {
          add(METRIC.sumOffsetLag, Number(topic.sumLag), m);
          add(METRIC.maxOffsetLag, Number(topic.maxLag), m);
        }
        if (topic.maxTimeLagSeconds !== null) add(METRIC.maxTimeLagSeconds, topic.maxTimeLagSeconds, m);
      };
      if (groupBlank || isBlank(topic.topic)) emit({ [LagDimensions.consumerGroup]: group.groupId, [LagDimensions.topic]: topic.topic }, topicMetrics);
      else {
        topicMetrics(null);
        writer.flush(DIMENSION_SETS.topic, `${groupValue}${DIMENSION_KEY.topic}${JSON.stringify(topic.topic)}`);
      }
    }
    if (!options.perPartitionMetrics) continue;
    // Partitions come grouped by topic: the topic's JSON is built once per run.
    let topicName: string | undefined;
    let topicValues = '';
    let topicBlank = false;
    for (const p of group.partitions) {
      if (p.topic !== topicName) {
        topicName = p.topic;
        topicValues = `${groupValue}${DIMENSION_KEY.topic}${JSON.stringify(p.topic)}${DIMENSION_KEY.partition}`;
        topicBlank = groupBlank || isBlank(p.topic);
      }
      if (topicBlank) {
        emit({ [LagDimensions.consumerGroup]: group.groupId, [LagDimensions.topic]: p.topic, [LagDimensions.partition]: String(p.partition) }, (m) => {
          if (p.lag !== null) addVia(m, METRIC.partitionOffsetLag, Number(p.lag));
          if (p.timeLagSeconds !== null) addVia(m, METRIC.partitionTimeLagSeconds, p.timeLagSeconds);
        });
        continue;
      }
      if (p.lag !== null) writer.add(METRIC.partitionOffsetLag, Number(p.lag));
      if (p.timeLagSeconds !== null) writer.add(METRIC.partitionTimeLagSeconds, p.timeLagSeconds);
      // The partition number is an integer: its JSON string is its decimal digits in quotes.
      writer.flush(DIMENSION_SETS.partition, `${topicValues}"${p.partition}"`);
    }
  }
  emit({}, (m) => addVia(m, METRIC.monitorErrors, failedGroups + cycleErrors.length));
  return writer.documents + powertoolsDocuments;
}
