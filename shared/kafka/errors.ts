import { ServerlessConsumerGroupsError } from '../errors/index.ts';

/** Base error of the Kafka connection module. */
export class KafkaConnectionError extends ServerlessConsumerGroupsError {
  constructor(message: string, options: { code: string; retriable: boolean; cause?: unknown }) {
    super(message, options);
  }
}

/** The cluster configuration is missing or malformed; names the variable or field. */
export class KafkaConfigError extends KafkaConnectionError {
  constructor(message: string) {
    super(message, { code: 'KAFKA_CONFIG_INVALID', retriable: false });
  }
}
