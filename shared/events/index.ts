// The Kafka event model of Lambda's event source mapping (Amazon MSK and self-managed Kafka):
// validation and lazy decoding of the event a function receives, grouping by partition, and
// the encoder the local runtime uses to build byte-for-byte the same event.
export {
  EVENT_ORIGIN_KINDS,
  EVENT_SOURCES,
  EVENTS_ERROR_CODES,
  MAX_INVOKE_PAYLOAD_BYTES,
  TIMESTAMP_TYPES,
} from './constants.ts';
export { decodeKafkaEvent } from './decode.ts';
export { encodeKafkaEvent, encodeKafkaRecord, joinBootstrapServers } from './encode.ts';
export { EventEncodeError, EventsError, MalformedEventError, PartitionOrderError, RecordDecodeError } from './errors.ts';
export { createPayloadBudget, estimateEventSize, estimateRecordSize } from './size.ts';
export type { PayloadBudget } from './size.ts';
export { parseTopicPartitionKey, topicPartitionKey } from './topic-partition.ts';
export type {
  DecodedKafkaEvent,
  EventOrigin,
  KafkaEvent,
  KafkaEventHeader,
  KafkaEventRecord,
  KafkaEventSource,
  KafkaPartitionBatch,
  KafkaRecord,
  KafkaRecordInput,
  MskEvent,
  SchemaMetadata,
  SelfManagedKafkaEvent,
  TimestampType,
} from './types.ts';
export { formatPath, isValidKafkaEvent, validateKafkaEvent } from './validate.ts';
