import { Producer, ProduceAcks } from '@platformatic/kafka';
import type { MessageToProduce } from '@platformatic/kafka';
import * as z from 'zod/mini';
import { DeadLetterError } from '../errors.ts';
import { parseOptions } from '../parse-options.ts';
import { DEAD_LETTER_HEADERS } from './constants.ts';
import type { DeadLetterEntry, DeadLetterSink } from './types.ts';

/** The part of a `@platformatic/kafka` `Producer` the sink uses (so tests can pass a fake). */
export interface DeadLetterProducer {
  send(options: { messages: MessageToProduce<Buffer, Buffer, Buffer, Buffer>[]; acks?: number }): Promise<unknown>;
  close?(): Promise<void>;
}

export interface KafkaDeadLetterSinkOptions {
  /** Dead-letter topic. Lambda refuses the source topic for its own Kafka destination; so do we. */
  readonly topic: string;
  /** A producer to use (e.g. from the project's client factory, with MSK IAM auth). */
  readonly producer?: DeadLetterProducer;
  /** Brokers to create a producer for when none is given (plaintext, no auth). */
  readonly bootstrapServers?: string | readonly string[];
  /** @default 'dead-letter-sink' */
  readonly clientId?: string;
}

/** A Kafka topic sink; `close()` closes the producer only if the sink created it. */
export interface KafkaDeadLetterSink extends DeadLetterSink {
  close(): Promise<void>;
}

const optionsSchema = z
  .strictObject({
    topic: z.string().check(z.minLength(1), z.maxLength(249)),
    producer: z.optional(
      z.custom<DeadLetterProducer>((v) => typeof v === 'object' && v !== null && typeof (v as { send?: unknown }).send === 'function', {
        message: 'expected a producer with send()',
      }),
    ),
    bootstrapServers: z.optional(z.union([z.string().check(z.minLength(1)), z.array(z.string().check(z.minLength(1))).check(z.minLength(1))])),
    clientId: z.optional(z.string().check(z.minLength(1))),
  })
  .check(
    z.refine((o) => o.producer !== undefined || o.bootstrapServers !== undefined, {
      path: ['bootstrapServers'],
      message: 'give a producer or bootstrapServers',
    }),
  );

function header(map: Map<Buffer, Buffer>, name: string, value: string | number | undefined): void {
  // A fresh Buffer per key: the producer's header map is keyed by identity, which is what lets
  // the record's own headers keep repeated names.
  if (value !== undefined) map.set(Buffer.from(name), Buffer.from(String(value)));
}

/**
 * The dead-letter record: the original key, value and headers, plus `dlq.*` headers.
 *
 * @example
 * await producer.send({ messages: entries.map((entry) => toDeadLetterMessage('orders.dlq', entry)) });
 */
export function toDeadLetterMessage(topic: string, entry: DeadLetterEntry): MessageToProduce<Buffer, Buffer, Buffer, Buffer> {
  const headers = new Map<Buffer, Buffer>();
  for (const { name, value } of entry.headers) headers.set(Buffer.from(name), Buffer.from(value, 'base64'));
  header(headers, DEAD_LETTER_HEADERS.ORIGINAL_TOPIC, entry.topic);
  header(headers, DEAD_LETTER_HEADERS.ORIGINAL_PARTITION, entry.partition);
  header(headers, DEAD_LETTER_HEADERS.ORIGINAL_OFFSET, entry.offset);
  header(headers, DEAD_LETTER_HEADERS.ORIGINAL_TIMESTAMP, entry.timestampMs);
  header(headers, DEAD_LETTER_HEADERS.ERROR_NAME, entry.error.name);
  header(headers, DEAD_LETTER_HEADERS.ERROR_MESSAGE, entry.error.message);
  header(headers, DEAD_LETTER_HEADERS.ERROR_CODE, entry.error.code);
  header(headers, DEAD_LETTER_HEADERS.GROUP_ID, entry.context.groupId);
  header(headers, DEAD_LETTER_HEADERS.FUNCTION_NAME, entry.context.functionName);
  header(headers, DEAD_LETTER_HEADERS.REQUEST_ID, entry.context.requestId);
  header(headers, DEAD_LETTER_HEADERS.TIME, entry.context.time);
  header(headers, DEAD_LETTER_HEADERS.ATTEMPT, entry.context.attempt);
  const message: MessageToProduce<Buffer, Buffer, Buffer, Buffer> = { topic, headers };
  if (entry.key !== null) message.key = Buffer.from(entry.key, 'base64');
  if (entry.value !== null) message.value = Buffer.from(entry.value, 'base64');
  return message;
}

/**
 * Writes poison records to a Kafka topic, keeping key, value and headers and adding `dlq.*`
 * headers (see `DEAD_LETTER_HEADERS`). Refuses entries from its own topic (a loop).
 *
 * @example
 * const sink = createKafkaDeadLetterSink({ topic: 'orders.dlq', bootstrapServers: event.bootstrapServers });
 */
export function createKafkaDeadLetterSink(options: KafkaDeadLetterSinkOptions): KafkaDeadLetterSink {
  parseOptions(optionsSchema, options);
  const { topic } = options;
  const owned = options.producer === undefined;
  let producer = options.producer;
  const getProducer = (): DeadLetterProducer => {
    if (producer === undefined) {
      const servers = options.bootstrapServers ?? [];
      producer = new Producer({
        clientId: options.clientId ?? 'dead-letter-sink',
        bootstrapBrokers: typeof servers === 'string' ? servers.split(',') : [...servers],
      });
    }
    return producer;
  };
  return {
    async send(entries) {
      if (entries.length === 0) return;
      if (entries.some((entry) => entry.topic === topic)) {
        throw new DeadLetterError(`refusing to dead-letter a record of topic ${topic} into the same topic`);
      }
      // acks is a per-send option in @platformatic/kafka (a constructor `acks` is not applied);
      // a dead letter must survive the loss of its partition leader: wait for every in-sync replica.
      await getProducer().send({ messages: entries.map((entry) => toDeadLetterMessage(topic, entry)), acks: ProduceAcks.ALL });
    },
    async close() {
      if (owned && producer !== undefined) await producer.close?.();
    },
  };
}
