import { decodeKafkaEvent } from '../events/index.ts';
import type { DecodedKafkaEvent, KafkaPartitionBatch } from '../events/index.ts';
import { mapWithConcurrency } from './concurrency.ts';
import { BatchProcessingError } from './errors.ts';
import { callHook } from './hooks.ts';
import { buildBatchResponse } from './item-identifier.ts';
import type { RecordCoordinates } from './item-identifier.ts';
import { resolveOptions } from './options.ts';
import type { ResolvedOptions } from './options.ts';
import { runPartition } from './partition-runner.ts';
import type { BatchInput, BatchProcessor, BatchProcessorOptions, BatchResult, InvocationInfo, PartitionOutcome } from './types.ts';

function isDecodedEvent(input: unknown): input is DecodedKafkaEvent {
  return typeof input === 'object' && input !== null && Array.isArray((input as { partitions?: unknown }).partitions) && !('records' in input);
}

function toPartitions(input: BatchInput): readonly KafkaPartitionBatch[] {
  if (Array.isArray(input)) return input as readonly KafkaPartitionBatch[];
  if (isDecodedEvent(input)) return input.partitions;
  return decodeKafkaEvent(input).partitions;
}

function summarise(outcomes: readonly PartitionOutcome[]): BatchResult {
  const failures: RecordCoordinates[] = [];
  let recordCount = 0;
  let processedCount = 0;
  let skippedCount = 0;
  let deadLetteredCount = 0;
  for (const outcome of outcomes) {
    recordCount += outcome.recordCount;
    processedCount += outcome.processedCount;
    skippedCount += outcome.skippedCount;
    deadLetteredCount += outcome.deadLetteredOffsets.length;
    if (outcome.failedAtOffset !== undefined) {
      failures.push({ topic: outcome.topic, partition: outcome.partition, offset: outcome.failedAtOffset });
    }
  }
  return {
    response: buildBatchResponse(failures),
    partitions: outcomes,
    recordCount,
    processedCount,
    skippedCount,
    deadLetteredCount,
    failedPartitionCount: failures.length,
  };
}

async function run(input: BatchInput, options: ResolvedOptions, invocation: InvocationInfo): Promise<BatchResult> {
  const partitions = toPartitions(input);
  const ctx = { options, invocation };
  const outcomes = await mapWithConcurrency(partitions, options.concurrency, (batch) => runPartition(batch, ctx));
  const result = summarise(outcomes);
  callHook(() => options.hooks.onBatchComplete?.(result));
  if (result.failedPartitionCount > 0 && !options.reportBatchItemFailures) throw new BatchProcessingError(result);
  return result;
}

/**
 * Builds a batch processor. Options are validated here, once: call it at cold start.
 *
 * @throws BatchOptionsError naming the bad option.
 * @example
 * const processor = createBatchProcessor({
 *   recordHandler: async (record) => save(record.valueJson<Order>()),
 *   reportBatchItemFailures: true,
 *   deadLetter: { sink: createSqsDeadLetterSink({ queueUrl }), groupId: 'orders' },
 * });
 * export const handler = async (event: unknown, context: Context) =>
 *   (await processor.process(event, { requestId: context.awsRequestId, functionName: context.functionName })).response;
 */
export function createBatchProcessor(options: BatchProcessorOptions): BatchProcessor {
  const resolved = resolveOptions(options);
  return { process: (input, invocation = {}) => run(input, resolved, invocation) };
}

/**
 * One-shot form of `createBatchProcessor(options).process(input, invocation)`.
 *
 * @throws BatchOptionsError for bad options; an `EventsError` when `input` is not a Kafka event;
 *   `BatchProcessingError` when records failed and `reportBatchItemFailures` is off.
 * @example
 * const { response } = await processBatch(event, { chunkHandler: saveAll, chunkSize: 100, reportBatchItemFailures: true });
 */
export function processBatch(input: BatchInput, options: BatchProcessorOptions, invocation?: InvocationInfo): Promise<BatchResult> {
  return createBatchProcessor(options).process(input, invocation);
}
