import { ServerlessConsumerGroupsError } from '../errors/index.ts';
import { CONSUMER_ERROR_CODES } from './constants.ts';

/**
 * Base of every error the consumer module throws.
 *
 * @example
 * try {
 *   kafkaConsumer({ recordHandler });
 * } catch (error) {
 *   if (error instanceof ConsumerError) console.error(error.code, error.message);
 * }
 */
export class ConsumerError extends ServerlessConsumerGroupsError {}

/**
 * The consumer's configuration is invalid. `setting` names the environment variable
 * (`SCG_CHUNK_SIZE`) or the code option (`options.idempotency.key`) at fault. Thrown at
 * cold start, so a misconfigured function fails its init, loudly, before touching a record.
 */
export class ConsumerConfigError extends ConsumerError {
  /** The variable or option at fault. */
  readonly setting: string;

  constructor(setting: string, problem: string, options: { cause?: unknown } = {}) {
    super(`invalid consumer configuration: ${setting} ${problem}`, {
      code: CONSUMER_ERROR_CODES.CONFIG,
      retriable: false,
      cause: options.cause,
    });
    this.setting = setting;
  }
}

/**
 * The idempotency store could not be read or written for a record. Always retriable,
 * whatever the store said: the record is not at fault (an access-denied table must not send
 * good records to the dead-letter sink), so the partition stops there and Lambda retries.
 */
export class IdempotencyUnavailableError extends ConsumerError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { code: CONSUMER_ERROR_CODES.IDEMPOTENCY_UNAVAILABLE, retriable: true, cause: options.cause });
  }
}
