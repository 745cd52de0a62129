/**
 * Header names the Kafka dead-letter sink adds to each record, in the spirit of Kafka Connect's
 * `__connect.errors.*` and Spring Kafka's `kafka_dlt-*` headers: the original coordinates plus
 * the error and where it happened, so a replay tool can route the record back.
 */
export const DEAD_LETTER_HEADERS = {
  ORIGINAL_TOPIC: 'dlq.original.topic',
  ORIGINAL_PARTITION: 'dlq.original.partition',
  ORIGINAL_OFFSET: 'dlq.original.offset',
  ORIGINAL_TIMESTAMP: 'dlq.original.timestamp',
  ERROR_NAME: 'dlq.error.name',
  ERROR_MESSAGE: 'dlq.error.message',
  ERROR_CODE: 'dlq.error.code',
  GROUP_ID: 'dlq.group.id',
  FUNCTION_NAME: 'dlq.function.name',
  REQUEST_ID: 'dlq.request.id',
  TIME: 'dlq.time',
  ATTEMPT: 'dlq.attempt',
} as const;

/** SQS `SendMessageBatch` takes at most 10 entries. */
export const SQS_MAX_BATCH_ENTRIES = 10;

/**
 * SQS message size limit used to pack batches: 256 KiB, the classic limit (the total of a
 * `SendMessageBatch` call has the same limit). Queues allowing more can raise `maxBatchBytes`.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html
 */
export const SQS_MAX_BATCH_BYTES = 256 * 1024;
