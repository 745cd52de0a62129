import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { CONSUMER_DIMENSIONS, CONSUMER_METRICS } from './constants.ts';
import type { ConsumerLogger, EmfSink } from './types.ts';

/** What one invocation did, as published. */
export interface InvocationCounts {
  processed: number;
  failed: number;
  duplicatesSkipped: number;
  deadLettered: number;
  filtered: number;
  watermarkConflicts: number;
  invalidEvents: number;
  durationMs: number;
}

/** All zeros. */
export function emptyCounts(): InvocationCounts {
  return { processed: 0, failed: 0, duplicatesSkipped: 0, deadLettered: 0, filtered: 0, watermarkConflicts: 0, invalidEvents: 0, durationMs: 0 };
}

/** Writes one EMF document per line to stdout, as Powertools does (not through Lambda's patched `console`). */
export const stdoutEmfSink: EmfSink = (line) => void process.stdout.write(`${line}\n`);

/**
 * Powertools Metrics validates and serializes EMF; this subclass only sends the document to
 * an injected sink (tests capture it) and uses the one dimension `ConsumerGroup`: Powertools'
 * default `service` dimension is dropped, as in the lag monitor's metrics, so alarms and
 * dashboards match on `ConsumerGroup` alone. `POWERTOOLS_METRICS_DISABLED` is honoured.
 */
class SinkMetrics extends Metrics {
  readonly #sink: EmfSink;

  constructor(namespace: string, groupId: string, sink: EmfSink, logger: ConsumerLogger) {
    super({
      namespace,
      logger: {
        debug: () => undefined,
        info: () => undefined,
        warn: (message: unknown) => logger.warn(String(message)),
        error: (message: unknown) => logger.error(String(message)),
      },
    });
    this.#sink = sink;
    this.clearDefaultDimensions();
    this.setDefaultDimensions({ [CONSUMER_DIMENSIONS.CONSUMER_GROUP]: groupId });
  }

  flush(): void {
    if (!this.hasStoredMetrics()) return;
    try {
      if (!this.isDisabled()) this.#sink(JSON.stringify(this.serializeMetrics()));
    } finally {
      this.clearMetrics();
      this.clearDimensions();
      this.clearMetadata();
    }
  }
}

/** Publishes one EMF document per invocation. */
export interface ConsumerMetricsPublisher {
  publish(counts: InvocationCounts): void;
}

/**
 * The publisher of a consumer's metrics (see `CONSUMER_METRICS`), or one that publishes
 * nothing when `sink` is `false`. Every metric is emitted every invocation, zeros included,
 * so an alarm on `RecordsFailed` sees data, not gaps.
 *
 * @example
 * const metrics = createMetricsPublisher({ namespace: 'ServerlessConsumerGroups', groupId, sink: stdoutEmfSink, logger });
 */
export function createMetricsPublisher(options: { namespace: string; groupId: string; sink: EmfSink | false; logger: ConsumerLogger }): ConsumerMetricsPublisher {
  const { sink } = options;
  if (sink === false) return { publish: () => undefined };
  const metrics = new SinkMetrics(options.namespace, options.groupId, sink, options.logger);
  return {
    // Synchronous from the first addMetric to the flush: invocations running at the same
    // time in one process (tests, the local runtime's in-process use) cannot interleave.
    publish(counts) {
      try {
        metrics.addMetric(CONSUMER_METRICS.PROCESSED, MetricUnit.Count, counts.processed);
        metrics.addMetric(CONSUMER_METRICS.FAILED, MetricUnit.Count, counts.failed);
        metrics.addMetric(CONSUMER_METRICS.DUPLICATES_SKIPPED, MetricUnit.Count, counts.duplicatesSkipped);
        metrics.addMetric(CONSUMER_METRICS.DEAD_LETTERED, MetricUnit.Count, counts.deadLettered);
        metrics.addMetric(CONSUMER_METRICS.FILTERED, MetricUnit.Count, counts.filtered);
        metrics.addMetric(CONSUMER_METRICS.WATERMARK_CONFLICTS, MetricUnit.Count, counts.watermarkConflicts);
        metrics.addMetric(CONSUMER_METRICS.INVALID_EVENTS, MetricUnit.Count, counts.invalidEvents);
        metrics.addMetric(CONSUMER_METRICS.BATCH_DURATION, MetricUnit.Milliseconds, counts.durationMs);
        metrics.flush();
      } catch (error) {
        // Observability never fails a batch: the records are processed either way.
        options.logger.warn('could not publish consumer metrics', { error: error instanceof Error ? error.message : String(error) });
      }
    },
  };
}
