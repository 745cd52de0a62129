// Builders and fakes shared by the consumer unit tests (no services).
import { encodeKafkaEvent } from '../../../shared/events/index.ts';
import type { KafkaEvent, KafkaRecordInput } from '../../../shared/events/index.ts';
import type { DeadLetterEntry, DeadLetterSink } from '../../../shared/batch/index.ts';
import type { ConsumerLogger, LambdaContextLike, LogAttributes } from '../../../shared/consumer/index.ts';
import { ConsumerConfigError } from '../../../shared/consumer/index.ts';

export const GROUP = 'test-group';
export const BOOTSTRAP = '127.0.0.1:9092';

/** The environment of a consumer with only the required variable, plus `extra`. */
export function env(extra: Record<string, string> = {}): Record<string, string> {
  return { SCG_GROUP_ID: GROUP, ...extra };
}

/** A Lambda context with a generous deadline. */
export function lambdaContext(requestId = 'req-1'): LambdaContextLike {
  return { awsRequestId: requestId, functionName: 'consumer-under-test', getRemainingTimeInMillis: () => 60_000 };
}

/** One record input; the value is JSON `{"n": <offset>}` unless given. */
export function input(topic: string, partition: number, offset: number, value: unknown = { n: offset }): KafkaRecordInput {
  return {
    topic,
    partition,
    offset: BigInt(offset),
    timestampMs: 1_700_000_000_000 + offset,
    key: Buffer.from(`k${offset}`),
    value: value === null ? null : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
  };
}

/** `count` records per `"<topic>-<partition>"`, offsets from `first`, as JSON (what Lambda sends). */
export function kafkaEvent(partitions: Record<string, number>, options: { first?: number; value?: (topic: string, partition: number, offset: number) => unknown } = {}): KafkaEvent {
  const records: KafkaRecordInput[] = [];
  for (const [key, count] of Object.entries(partitions)) {
    const dash = key.lastIndexOf('-');
    const topic = key.slice(0, dash);
    const partition = Number(key.slice(dash + 1));
    for (let i = 0; i < count; i++) {
      const offset = (options.first ?? 0) + i;
      records.push(input(topic, partition, offset, options.value?.(topic, partition, offset) ?? { n: offset }));
    }
  }
  return eventOf(records);
}

/** The event of `records`, through JSON like a real invocation payload. */
export function eventOf(records: readonly KafkaRecordInput[]): KafkaEvent {
  return JSON.parse(JSON.stringify(encodeKafkaEvent(records, { kind: 'self-managed', bootstrapServers: BOOTSTRAP }))) as KafkaEvent;
}

/** `"<topic>-<partition>@<offset>"`. */
export const label = (record: { topic: string; partition: number; offset: bigint }): string => `${record.topic}-${record.partition}@${record.offset}`;

export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly attributes: LogAttributes;
}

/** A logger that keeps every line with its persistent keys merged in, like Powertools prints it. */
export class RecordingLogger implements ConsumerLogger {
  readonly lines: LogLine[];
  readonly #keys: LogAttributes;

  constructor(lines: LogLine[] = [], keys: LogAttributes = {}) {
    this.lines = lines;
    this.#keys = keys;
  }

  debug(message: string, ...attributes: LogAttributes[]): void {
    this.#push('debug', message, attributes);
  }

  info(message: string, ...attributes: LogAttributes[]): void {
    this.#push('info', message, attributes);
  }

  warn(message: string, ...attributes: LogAttributes[]): void {
    this.#push('warn', message, attributes);
  }

  error(message: string, ...attributes: LogAttributes[]): void {
    this.#push('error', message, attributes);
  }

  createChild(options: { persistentKeys?: LogAttributes } = {}): ConsumerLogger {
    return new RecordingLogger(this.lines, { ...this.#keys, ...options.persistentKeys });
  }

  find(message: string | RegExp): LogLine[] {
    return this.lines.filter((line) => (typeof message === 'string' ? line.message === message : message.test(line.message)));
  }

  #push(level: LogLine['level'], message: string, attributes: LogAttributes[]): void {
    this.lines.push({ level, message, attributes: Object.assign({}, this.#keys, ...attributes) as LogAttributes });
  }
}

/** Collects EMF documents. */
export class EmfCapture {
  readonly documents: Record<string, unknown>[] = [];
  readonly sink = (line: string): void => {
    this.documents.push(JSON.parse(line) as Record<string, unknown>);
  };

  get last(): Record<string, unknown> {
    const doc = this.documents.at(-1);
    if (doc === undefined) throw new Error('no metrics were published');
    return doc;
  }
}

/** A sink that keeps what it is sent. */
export class MemorySink implements DeadLetterSink {
  readonly entries: DeadLetterEntry[] = [];

  async send(entries: readonly DeadLetterEntry[]): Promise<void> {
    this.entries.push(...entries);
  }
}

/** A sink that always fails. */
export class BrokenSink implements DeadLetterSink {
  calls = 0;

  async send(): Promise<void> {
    this.calls += 1;
    throw new Error('sink unavailable');
  }
}

/** What `fn` rejected with (fails the test when it resolves). */
export async function rejectionOf(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** Quiet defaults for `kafkaConsumer` in tests: `options` to spread (test env, recording logger, captured metrics). */
export function quiet(extraEnv: Record<string, string> = {}): {
  options: { env: Record<string, string>; logger: RecordingLogger; metrics: { sink: (line: string) => void } };
  logger: RecordingLogger;
  emf: EmfCapture;
} {
  const emf = new EmfCapture();
  const logger = new RecordingLogger();
  return { options: { env: env(extraEnv), logger, metrics: { sink: emf.sink } }, logger, emf };
}

/** The error `fn` throws, which must be a ConsumerConfigError. */
export function configError(fn: () => unknown): ConsumerConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConsumerConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConsumerConfigError');
}
