import { Logger } from '@aws-lambda-powertools/logger';
import type { KafkaRecord } from '../events/index.ts';
import type { ConsumerLogger, LogAttributes } from './types.ts';

/** Keys the consumer puts on log lines. Offsets are strings (64-bit; JSON numbers stop at 2^53). */
export const LOG_KEYS = {
  CONSUMER_GROUP: 'consumerGroup',
  TOPIC: 'topic',
  PARTITION: 'partition',
  OFFSET: 'offset',
} as const;

/**
 * The default logger: Powertools' `Logger` (JSON lines; level from `POWERTOOLS_LOG_LEVEL`).
 *
 * @example
 * const logger = createDefaultLogger('email-service-group');
 */
export function createDefaultLogger(serviceName: string): ConsumerLogger {
  return new Logger({ serviceName });
}

/**
 * Adds `offset` to every line of a partition logger. A wrapper, not a child: Powertools
 * builds a whole `Logger` per child, too much to pay per record when nothing is logged.
 */
class RecordLogger implements ConsumerLogger {
  readonly #parent: ConsumerLogger;
  readonly #keys: LogAttributes;

  constructor(parent: ConsumerLogger, offset: bigint) {
    this.#parent = parent;
    this.#keys = { [LOG_KEYS.OFFSET]: offset.toString() };
  }

  debug(message: string, ...attributes: LogAttributes[]): void {
    this.#parent.debug(message, this.#keys, ...attributes);
  }

  info(message: string, ...attributes: LogAttributes[]): void {
    this.#parent.info(message, this.#keys, ...attributes);
  }

  warn(message: string, ...attributes: LogAttributes[]): void {
    this.#parent.warn(message, this.#keys, ...attributes);
  }

  error(message: string, ...attributes: LogAttributes[]): void {
    this.#parent.error(message, this.#keys, ...attributes);
  }

  createChild(options: { persistentKeys?: LogAttributes } = {}): ConsumerLogger {
    return this.#parent.createChild({ persistentKeys: { ...this.#keys, ...options.persistentKeys } });
  }
}

/**
 * The loggers of one invocation: one child per partition (created on its first line), so
 * concurrent partitions never share mutable keys, and a cheap wrapper per record.
 */
export class InvocationLoggers {
  readonly root: ConsumerLogger;
  readonly #groupId: string;
  readonly #partitions = new Map<string, ConsumerLogger>();

  constructor(root: ConsumerLogger, groupId: string) {
    this.root = root;
    this.#groupId = groupId;
  }

  /** Lines carry `consumerGroup`, `topic` and `partition`. */
  partition(topic: string, partition: number): ConsumerLogger {
    const id = `${topic}-${partition}`;
    let logger = this.#partitions.get(id);
    if (logger === undefined) {
      logger = this.root.createChild({
        persistentKeys: { [LOG_KEYS.CONSUMER_GROUP]: this.#groupId, [LOG_KEYS.TOPIC]: topic, [LOG_KEYS.PARTITION]: partition },
      });
      this.#partitions.set(id, logger);
    }
    return logger;
  }

  /** Lines carry `consumerGroup`, `topic`, `partition` and `offset`. */
  record(record: KafkaRecord): ConsumerLogger {
    return new RecordLogger(this.partition(record.topic, record.partition), record.offset);
  }
}

/** `name`, `message`, `code` and the cause chain's messages of a thrown value, for a log line. */
export function errorAttributes(error: unknown): LogAttributes {
  if (!(error instanceof Error)) return { error: { name: 'NonError', message: String(error) } };
  const code: unknown = (error as { code?: unknown }).code;
  // Wrappers (DeadLetterError, IdempotencyUnavailableError) keep the real reason in `cause`.
  const causes: string[] = [];
  let cause: unknown = error.cause;
  for (let depth = 0; depth < 4 && cause !== undefined && cause !== null; depth++) {
    causes.push(cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause));
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return {
    error: {
      name: error.name,
      message: error.message,
      ...(typeof code === 'string' ? { code } : {}),
      ...(causes.length === 0 ? {} : { causes }),
    },
  };
}
