import { performance } from 'node:perf_hooks';
import middy from '@middy/core';
import type { MiddyfiedHandler } from '@middy/core';
import { BatchProcessingError, createBatchProcessor, FAILURE_DISPOSITIONS } from '../batch/index.ts';
import type { BatchHooks, BatchProcessor, BatchProcessorOptions, BatchResult, KafkaBatchResponse } from '../batch/index.ts';
import { decodeKafkaEvent } from '../events/index.ts';
import type { DecodedKafkaEvent } from '../events/index.ts';
import { createDeadLetterSink } from './dead-letter.ts';
import { correctForEffects } from './effects.ts';
import type { ManagedDeadLetterSink } from './dead-letter.ts';
import { readConsumerEnvironment } from './environment.ts';
import { adaptChunkHandler, adaptRecordHandler } from './handlers.ts';
import { createIdempotencyRuntime } from './idempotency.ts';
import type { IdempotencyRuntime } from './idempotency.ts';
import type { Invocation } from './invocation.ts';
import { maybeCurrentInvocation, runInvocation } from './invocation.ts';
import { createDefaultLogger, errorAttributes, InvocationLoggers, LOG_KEYS } from './logging.ts';
import { createMetricsPublisher, emptyCounts, stdoutEmfSink } from './metrics.ts';
import type { ConsumerMetricsPublisher, InvocationCounts } from './metrics.ts';
import { resolveSettings } from './settings.ts';
import type { ConsumerLogger, ConsumerSettings, KafkaConsumerOptions, LambdaContextLike } from './types.ts';

/** The Lambda handler `kafkaConsumer` returns: a middy handler (add middlewares with `.use`). */
export type ConsumerHandler = MiddyfiedHandler<unknown, KafkaBatchResponse, Error, LambdaContextLike> & {
  /** The configuration the consumer runs with, resolved at cold start. */
  readonly settings: ConsumerSettings;
  /** Closes what the consumer opened (Kafka dead-letter producers). Lambda never needs it; tests do. */
  close(): Promise<void>;
};

function batchHooks(): BatchHooks {
  return {
    onRecordFailed({ record, error, disposition }) {
      const logger = maybeCurrentInvocation()?.loggers.record(record);
      if (disposition === FAILURE_DISPOSITIONS.DEAD_LETTERED) logger?.warn('dead-lettered a poison record', errorAttributes(error));
      else logger?.error('record failed: its partition stops here and is retried from this offset', errorAttributes(error));
    },
    onGuardError({ partition, phase, error }) {
      const logger = maybeCurrentInvocation()?.loggers.partition(partition.topic, partition.partition);
      logger?.error(
        phase === 'before'
          ? 'idempotency check failed: the partition is left for retry'
          : 'could not store the watermark: a redelivery runs these records again',
        errorAttributes(error),
      );
    },
  };
}

function processorOptions(options: KafkaConsumerOptions, settings: ConsumerSettings, idempotency: IdempotencyRuntime, sink: ManagedDeadLetterSink | undefined): BatchProcessorOptions {
  const common = {
    ...(settings.concurrency === undefined ? {} : { concurrency: settings.concurrency }),
    reportBatchItemFailures: settings.reportBatchItemFailures,
    ...(sink === undefined ? {} : { deadLetter: { sink, groupId: settings.groupId } }),
    ...(idempotency.guard === undefined ? {} : { partitionGuard: idempotency.guard }),
    hooks: batchHooks(),
  };
  if (options.recordHandler !== undefined) {
    return { ...common, recordHandler: adaptRecordHandler(options.recordHandler, settings.groupId, idempotency, options.filter) };
  }
  return {
    ...common,
    chunkHandler: adaptChunkHandler(options.chunkHandler, settings.groupId, idempotency, options.filter, settings.transactionalEffects),
    ...(settings.chunkSize === undefined ? {} : { chunkSize: settings.chunkSize }),
  };
}

/** Folds the batch result and the invocation's own counters into the published figures. */
function settle(counts: InvocationCounts, result: BatchResult): void {
  // Key-mode replays and filtered records went through the handler adapter, which the batch
  // module counts as processed: they are reported under their own names instead.
  counts.processed = result.processedCount - counts.duplicatesSkipped - counts.filtered;
  counts.duplicatesSkipped += result.skippedCount;
  counts.deadLettered = result.deadLetteredCount;
  counts.failed = result.failedPartitionCount;
}

interface Runtime {
  readonly settings: ConsumerSettings;
  readonly logger: ConsumerLogger;
  readonly processor: BatchProcessor;
  readonly idempotency: IdempotencyRuntime;
  readonly metrics: ConsumerMetricsPublisher;
  readonly filter: KafkaConsumerOptions['filter'];
}

async function handleEvent(runtime: Runtime, event: unknown, context: LambdaContextLike): Promise<KafkaBatchResponse> {
  const { settings, logger, metrics } = runtime;
  const started = performance.now();
  const counts = emptyCounts();
  const group = { [LOG_KEYS.CONSUMER_GROUP]: settings.groupId };
  logger.addContext?.(context);
  let decoded: DecodedKafkaEvent;
  try {
    decoded = decodeKafkaEvent(event);
  } catch (error) {
    // Not a Kafka event Lambda could send: nothing can be processed or reported per record.
    counts.invalidEvents = 1;
    counts.durationMs = performance.now() - started;
    logger.error('the event is not a valid Kafka event; the invocation fails', { ...group, ...errorAttributes(error) });
    metrics.publish(counts);
    throw error;
  }
  const invocation: Invocation = {
    lambdaContext: context,
    bootstrapServers: decoded.bootstrapServers,
    loggers: new InvocationLoggers(logger, settings.groupId),
    counts,
  };
  return runInvocation(invocation, async () => {
    let result: BatchResult | undefined;
    try {
      await runtime.idempotency.prepare(invocation, decoded.partitions, runtime.filter);
      const info = {
        ...(context.awsRequestId === undefined ? {} : { requestId: context.awsRequestId }),
        ...(context.functionName === undefined ? {} : { functionName: context.functionName }),
      };
      try {
        result = await runtime.processor.process(decoded, info);
      } catch (error) {
        // Failures with partial batch responses off: the invocation fails, Lambda retries it all.
        if (error instanceof BatchProcessingError) result = correctForEffects(error.result, decoded.partitions, invocation.watermarks);
        throw error;
      }
      // Effects not committed: their partitions are redelivered from the record after the
      // committed watermark, even when the batch module saw every handler succeed.
      const corrected = correctForEffects(result, decoded.partitions, invocation.watermarks);
      if (corrected !== result) {
        result = corrected;
        if (!settings.reportBatchItemFailures) throw new BatchProcessingError(corrected);
      }
      return result.response;
    } finally {
      if (result !== undefined) settle(counts, result);
      counts.durationMs = performance.now() - started;
      metrics.publish(counts);
      logger.info('batch processed', {
        ...group,
        records: decoded.recordCount,
        partitions: decoded.partitions.length,
        processed: counts.processed,
        duplicatesSkipped: counts.duplicatesSkipped,
        deadLettered: counts.deadLettered,
        filtered: counts.filtered,
        failedPartitions: counts.failed,
        durationMs: Math.round(counts.durationMs * 1000) / 1000,
      });
    }
  });
}

/**
 * A Kafka consumer-group Lambda handler: decode the event, process partitions concurrently and
 * records in offset order, de-duplicate (offset watermarks or business keys), dead-letter
 * poison records, answer with a partial batch response, and log and publish metrics about it.
 * A handler may return `{ effects: TransactWriteItem[] }` instead of writing to DynamoDB: the
 * effects are committed atomically with the watermark or business key (exactly once).
 * Configuration comes from the environment (`SCG_*`, read here, once: call it at module
 * scope) with code options taking precedence; see `shared/consumer/README.md`.
 *
 * @throws ConsumerConfigError naming the variable or option at fault.
 * @example
 * export const handler = kafkaConsumer({
 *   recordHandler: async (record, { logger }) => {
 *     const order = orderSchema.parse(record.valueJson());
 *     logger.info('order received', { orderId: order.orderId });
 *   },
 * });
 */
export function kafkaConsumer(options: KafkaConsumerOptions): ConsumerHandler {
  const environment = readConsumerEnvironment(options.env ?? process.env);
  const { settings, overridden } = resolveSettings(options, environment);
  const logger = options.logger ?? createDefaultLogger(settings.serviceName);
  if (overridden.length > 0) {
    logger.warn('code options override environment variables', { [LOG_KEYS.CONSUMER_GROUP]: settings.groupId, variables: overridden });
  }
  const idempotency = createIdempotencyRuntime(settings.idempotency, settings.groupId);
  const sink = settings.deadLetter === undefined ? undefined : createDeadLetterSink(settings.deadLetter, () => maybeCurrentInvocation()?.bootstrapServers);
  const metrics = createMetricsPublisher({
    namespace: settings.metricsNamespace,
    groupId: settings.groupId,
    sink: options.metrics === false ? false : (options.metrics?.sink ?? stdoutEmfSink),
    logger,
  });
  const runtime: Runtime = {
    settings,
    logger,
    processor: createBatchProcessor(processorOptions(options, settings, idempotency, sink)),
    idempotency,
    metrics,
    filter: options.filter,
  };
  const handler = middy<unknown, KafkaBatchResponse, Error, LambdaContextLike>((event: unknown, context: LambdaContextLike) => handleEvent(runtime, event, context));
  return Object.assign(handler, {
    settings,
    close: async (): Promise<void> => {
      await sink?.close();
    },
  });
}
