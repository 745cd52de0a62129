import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DeadLetterSink } from '../../batch/index.ts';
import type { ConsumerLogger, ConsumerMetricsOptions, IdempotencyOptions } from '../types.ts';

/**
 * What the example functions' factories accept: their Lambda entry points pass nothing (the
 * defaults read `process.env` and create `new DynamoDBClient({})`); tests inject fakes.
 */
export interface ExampleConsumerOptions {
  /** @default new DynamoDBClient({}) (honours AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_DYNAMODB) */
  readonly client?: DynamoDBClient;
  /** @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Merged over the function's own idempotency choice. @default from the environment */
  readonly idempotency?: IdempotencyOptions;
  /** @default `SCG_DEAD_LETTER` */
  readonly deadLetter?: DeadLetterSink | string | false;
  /** @default a Powertools Logger */
  readonly logger?: ConsumerLogger;
  /** @default EMF on stdout */
  readonly metrics?: ConsumerMetricsOptions | false;
  /** @default `SCG_REPORT_BATCH_ITEM_FAILURES` */
  readonly reportBatchItemFailures?: boolean;
}

/** The `kafkaConsumer` options an example passes through unchanged. */
export function passThrough(options: ExampleConsumerOptions): {
  readonly deadLetter?: DeadLetterSink | string | false;
  readonly logger?: ConsumerLogger;
  readonly metrics?: ConsumerMetricsOptions | false;
  readonly reportBatchItemFailures?: boolean;
} {
  return {
    ...(options.deadLetter === undefined ? {} : { deadLetter: options.deadLetter }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
    ...(options.reportBatchItemFailures === undefined ? {} : { reportBatchItemFailures: options.reportBatchItemFailures }),
  };
}
