import { ServerlessConsumerGroupsError } from '../errors/index.ts';
import { EVENTS_ERROR_CODES } from './constants.ts';

/**
 * Base of every error the events module throws. Events errors are never retriable: the same
 * bytes will fail the same way, so the record (or event) belongs in a dead-letter sink, not a
 * retry loop.
 *
 * @example
 * try {
 *   decodeKafkaEvent(event);
 * } catch (error) {
 *   if (error instanceof EventsError) logger.error('undeliverable event', { code: error.code });
 * }
 */
export class EventsError extends ServerlessConsumerGroupsError {
  constructor(message: string, options: { code: string; cause?: unknown }) {
    super(message, { code: options.code, retriable: false, cause: options.cause });
  }
}

/** The event does not have the shape Lambda sends; `path` names the first bad field. */
export class MalformedEventError extends EventsError {
  /** Where the problem is, e.g. `records["orders-0"][3].offset` (empty for the event itself). */
  readonly path: string;

  constructor(path: string, problem: string, options: { cause?: unknown } = {}) {
    super(`malformed Kafka event at ${path === '' ? '<event>' : path}: ${problem}`, {
      code: EVENTS_ERROR_CODES.MALFORMED,
      cause: options.cause,
    });
    this.path = path;
  }
}

/** Records of one partition are not in strictly increasing offset order. */
export class PartitionOrderError extends EventsError {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly previousOffset: bigint;

  constructor(topic: string, partition: number, offset: bigint, previousOffset: bigint) {
    super(
      `records of topic ${topic} partition ${partition} are out of offset order: offset ${offset} follows ${previousOffset}`,
      { code: EVENTS_ERROR_CODES.OUT_OF_ORDER },
    );
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
    this.previousOffset = previousOffset;
  }
}

/** A record's key, value or headers cannot be decoded (bad base64, bad UTF-8, bad JSON). */
export class RecordDecodeError extends EventsError {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  /** What could not be decoded: `key`, `value` or `headers`. */
  readonly field: string;

  constructor(
    coordinates: { topic: string; partition: number; offset: bigint },
    field: string,
    problem: string,
    options: { cause?: unknown } = {},
  ) {
    super(
      `cannot decode ${field} of topic ${coordinates.topic} partition ${coordinates.partition} offset ${coordinates.offset}: ${problem}`,
      { code: EVENTS_ERROR_CODES.RECORD_UNDECODABLE, cause: options.cause },
    );
    this.topic = coordinates.topic;
    this.partition = coordinates.partition;
    this.offset = coordinates.offset;
    this.field = field;
  }
}

/** The encoder was given records Lambda could never deliver (bad partition, offset, order). */
export class EventEncodeError extends EventsError {
  constructor(message: string) {
    super(message, { code: EVENTS_ERROR_CODES.INVALID_INPUT });
  }
}
