// The consumer composition: one call turns a record (or chunk) handler into a Kafka consumer
// group Lambda handler (middy), composing shared/events (decode), shared/batch (ordering,
// partial batch responses, dead-letter sinks) and shared/idempotency (watermarks or business
// keys), with Powertools logging and metrics. Configuration: shared/consumer/README.md.
export {
  CONSUMER_DIMENSIONS,
  CONSUMER_ENV,
  CONSUMER_ERROR_CODES,
  CONSUMER_METRICS,
  DEAD_LETTER_SCHEMES,
  DEAD_LETTER_SINK_DEFINES,
  DEFAULT_METRICS_NAMESPACE,
  IDEMPOTENCY_MODES,
  SHARED_SCG_VARIABLES,
} from './constants.ts';
export { kafkaConsumer } from './consumer.ts';
export type { ConsumerHandler } from './consumer.ts';
export { parseDeadLetterTarget } from './dead-letter.ts';
export { BUNDLED_DEAD_LETTER_SINKS } from './dead-letter-sinks.ts';
export type { DeadLetterSinkKind } from './dead-letter-sinks.ts';
export { readConsumerEnvironment } from './environment.ts';
export type { ConsumerEnvironment } from './environment.ts';
export { ConsumerConfigError, ConsumerError, IdempotencyUnavailableError } from './errors.ts';
export { LOG_KEYS } from './logging.ts';
export type {
  ChunkContext,
  ChunkEffects,
  ConsumerChunkHandler,
  ConsumerLogger,
  ConsumerMetricsOptions,
  ConsumerRecordHandler,
  ConsumerSettings,
  DeadLetterTarget,
  EmfSink,
  IdempotencyMode,
  IdempotencyOptions,
  KafkaConsumerOptions,
  LambdaContextLike,
  LogAttributes,
  RecordContext,
  RecordEffects,
  ResolvedIdempotency,
} from './types.ts';
