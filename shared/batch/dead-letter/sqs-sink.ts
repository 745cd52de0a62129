import { createHash } from 'node:crypto';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SendMessageBatchCommandOutput, SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import * as z from 'zod/mini';
import { awsClientConfig, hasEndpointOverride } from '../../aws/index.ts';
import { DeadLetterError } from '../errors.ts';
import { parseOptions } from '../parse-options.ts';
import { SQS_MAX_BATCH_BYTES, SQS_MAX_BATCH_ENTRIES } from './constants.ts';
import type { DeadLetterEntry, DeadLetterSink } from './types.ts';

/** The part of `SQSClient` the sink uses (so tests can pass a fake). */
export interface SqsBatchClient {
  send(command: SendMessageBatchCommand): Promise<SendMessageBatchCommandOutput>;
}

export interface SqsDeadLetterSinkOptions {
  readonly queueUrl: string;
  /** @default a new `SQSClient` (honours `AWS_ENDPOINT_URL_SQS` / `AWS_ENDPOINT_URL`) */
  readonly client?: SqsBatchClient;
  /** Largest message, and largest `SendMessageBatch` total. @default 262144 (256 KiB) */
  readonly maxBatchBytes?: number;
}

const optionsSchema = z.strictObject({
  queueUrl: z.url(),
  client: z.optional(
    z.custom<SqsBatchClient>((v) => typeof v === 'object' && v !== null && typeof (v as { send?: unknown }).send === 'function', {
      message: 'expected an SQS client with send()',
    }),
  ),
  maxBatchBytes: z.optional(z.number().check(z.int(), z.minimum(1024), z.maximum(1024 * 1024))),
});

/** SQS caps group and deduplication ids at 128 characters; longer ones are hashed. */
function fitId(id: string): string {
  return id.length <= 128 ? id : createHash('sha256').update(id).digest('hex');
}

/** FIFO queues need a group (the partition keeps its order) and a deduplication id (the record). */
function fifoFields(entry: DeadLetterEntry): Pick<SendMessageBatchRequestEntry, 'MessageGroupId' | 'MessageDeduplicationId'> {
  const partitionKey = `${entry.topic}-${entry.partition}`;
  return { MessageGroupId: fitId(partitionKey), MessageDeduplicationId: fitId(`${partitionKey}-${entry.offset}`) };
}

/**
 * An `SQSClient` with default configuration. By default the SDK sends each call to the host of
 * its `QueueUrl`, not to the configured endpoint (`useQueueUrlAsEndpoint`); when
 * `AWS_ENDPOINT_URL_SQS` / `AWS_ENDPOINT_URL` is set, the environment must win, as it does for
 * every other client of the project.
 */
function createSqsClient(): SQSClient {
  return new SQSClient({ ...awsClientConfig('SQS'), ...(hasEndpointOverride('SQS') ? { useQueueUrlAsEndpoint: false } : {}) });
}

/**
 * Packs message bodies into `SendMessageBatch` calls of at most 10 entries and `maxBytes` in
 * total; returns the body indexes of each call.
 *
 * @example
 * packBatches(['a', 'b'], 262_144); // [[0, 1]]
 */
export function packBatches(bodies: readonly string[], maxBytes: number): number[][] {
  const batches: number[][] = [];
  let current: number[] = [];
  let currentBytes = 0;
  bodies.forEach((body, index) => {
    const bytes = Buffer.byteLength(body, 'utf8');
    if (current.length === SQS_MAX_BATCH_ENTRIES || (current.length > 0 && currentBytes + bytes > maxBytes)) {
      batches.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(index);
    currentBytes += bytes;
  });
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * Sends each entry as one SQS message (JSON body), in `SendMessageBatch` calls of up to 10
 * entries within the 256 KiB limit. An entry too large for one message fails the send (the
 * record is reported and retried, not truncated): use the S3 sink for large records. A partial
 * failure fails the send; entries already accepted may be sent again on retry.
 *
 * @example
 * const sink = createSqsDeadLetterSink({ queueUrl: process.env.DLQ_URL! });
 */
export function createSqsDeadLetterSink(options: SqsDeadLetterSinkOptions): DeadLetterSink {
  parseOptions(optionsSchema, options);
  const { queueUrl } = options;
  const maxBytes = options.maxBatchBytes ?? SQS_MAX_BATCH_BYTES;
  const client: SqsBatchClient = options.client ?? createSqsClient();
  const fifo = queueUrl.endsWith('.fifo');
  return {
    async send(entries) {
      const bodies = entries.map((entry) => JSON.stringify(entry));
      bodies.forEach((body, index) => {
        const bytes = Buffer.byteLength(body, 'utf8');
        const entry = entries[index] as DeadLetterEntry;
        if (bytes > maxBytes) {
          throw new DeadLetterError(
            `dead-letter entry of topic ${entry.topic} partition ${entry.partition} offset ${entry.offset} is ${bytes} bytes, over the SQS limit of ${maxBytes}`,
          );
        }
      });
      for (const batch of packBatches(bodies, maxBytes)) {
        const output = await client.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: batch.map((index) => ({
              Id: String(index),
              MessageBody: bodies[index],
              ...(fifo ? fifoFields(entries[index] as DeadLetterEntry) : {}),
            })),
          }),
        );
        const failed = output.Failed ?? [];
        if (failed.length > 0) {
          const first = failed[0];
          throw new DeadLetterError(
            `SQS refused ${failed.length} of ${batch.length} dead-letter entries (${first?.Code ?? 'unknown'}: ${first?.Message ?? ''})`,
          );
        }
      }
    },
  };
}
