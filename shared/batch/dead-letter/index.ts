// Dead-letter sink implementations. A separate entry point from `shared/batch/index.ts` so that
// functions without a sink load neither the AWS SDK nor a Kafka client at cold start.
export { DEAD_LETTER_HEADERS, SQS_MAX_BATCH_BYTES, SQS_MAX_BATCH_ENTRIES } from './constants.ts';
export { createKafkaDeadLetterSink, toDeadLetterMessage } from './kafka-sink.ts';
export type { DeadLetterProducer, KafkaDeadLetterSink, KafkaDeadLetterSinkOptions } from './kafka-sink.ts';
export { createS3DeadLetterSink, S3_DEAD_LETTER_FORMAT_VERSION } from './s3-sink.ts';
export type { S3DeadLetterSinkOptions, S3PutClient } from './s3-sink.ts';
export { createSqsDeadLetterSink, packBatches } from './sqs-sink.ts';
export type { SqsBatchClient, SqsDeadLetterSinkOptions } from './sqs-sink.ts';
export type { DeadLetterContext, DeadLetterEntry, DeadLetterHeader, DeadLetterSink } from './types.ts';
