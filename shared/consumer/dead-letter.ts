import type { DeadLetterEntry, DeadLetterSink } from '../batch/index.ts';
import { DeadLetterError } from '../batch/index.ts';
import { DEAD_LETTER_SCHEMES } from './constants.ts';
import { loadDeadLetterSink } from './dead-letter-sinks.ts';
import type { ClosableSink } from './dead-letter-sinks.ts';
import { ConsumerConfigError } from './errors.ts';
import type { DeadLetterTarget } from './types.ts';

// Kafka topic names: https://kafka.apache.org/documentation/#topicconfigs (legal characters
// and the 249-character limit are enforced by the broker; checked here to fail at cold start).
const TOPIC = /^[a-zA-Z0-9._-]{1,249}$/;
// S3 bucket naming rules, the common subset: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function queueUrl(value: string, setting: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConsumerConfigError(setting, `must be an SQS queue URL, got "${value}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConsumerConfigError(setting, `must be an http(s) SQS queue URL, got "${value}"`);
  if (url.pathname.split('/').filter((s) => s !== '').length < 2) {
    throw new ConsumerConfigError(setting, `must be an SQS queue URL (https://sqs.<region>.amazonaws.com/<account>/<queue>), got "${value}"`);
  }
  return value;
}

/**
 * Parses a dead-letter target:
 * - `kafka://<topic>`: a topic on the cluster the event came from (its `bootstrapServers`);
 * - `sqs:<queue url>`, or the queue URL itself (`https://sqs.<region>.amazonaws.com/<account>/<queue>`);
 * - `s3://<bucket>[/<prefix>]`: one JSON object per dead-lettered record.
 *
 * @throws ConsumerConfigError naming `setting`.
 * @example
 * parseDeadLetterTarget('kafka://order-events-poison', 'SCG_DEAD_LETTER'); // { kind: 'kafka', topic: 'order-events-poison' }
 */
export function parseDeadLetterTarget(value: string, setting: string): DeadLetterTarget {
  if (value.startsWith(DEAD_LETTER_SCHEMES.KAFKA)) {
    const topic = value.slice(DEAD_LETTER_SCHEMES.KAFKA.length);
    if (!TOPIC.test(topic)) throw new ConsumerConfigError(setting, `must name a Kafka topic ([a-zA-Z0-9._-], 1..249 characters) after kafka://, got "${value}"`);
    return { kind: 'kafka', topic };
  }
  if (value.startsWith(DEAD_LETTER_SCHEMES.S3)) {
    const rest = value.slice(DEAD_LETTER_SCHEMES.S3.length);
    const slash = rest.indexOf('/');
    const bucket = slash === -1 ? rest : rest.slice(0, slash);
    const prefix = slash === -1 ? '' : rest.slice(slash + 1);
    if (!BUCKET.test(bucket)) throw new ConsumerConfigError(setting, `must name an S3 bucket after s3://, got "${value}"`);
    if (prefix === '') return { kind: 's3', bucket };
    return { kind: 's3', bucket, keyPrefix: prefix.endsWith('/') ? prefix : `${prefix}/` };
  }
  if (value.startsWith(DEAD_LETTER_SCHEMES.SQS)) return { kind: 'sqs', queueUrl: queueUrl(value.slice(DEAD_LETTER_SCHEMES.SQS.length), setting) };
  if (/^https?:\/\//.test(value)) return { kind: 'sqs', queueUrl: queueUrl(value, setting) };
  throw new ConsumerConfigError(setting, `must be kafka://<topic>, sqs:<queue url>, an SQS queue URL or s3://<bucket>[/<prefix>], got "${value}"`);
}

/** A sink the consumer owns, closed with the handler. */
export interface ManagedDeadLetterSink extends DeadLetterSink {
  /** Closes Kafka producers the sink created. */
  close(): Promise<void>;
}

/**
 * The sink for `target`. Sink modules are imported on first use, so a function without poison
 * records never loads the SQS/S3 SDK or a Kafka producer at cold start, and a bundle holds only
 * the sinks its declaration names (see dead-letter-sinks.ts). A Kafka target writes to the
 * cluster of the event being processed (one producer per `bootstrapServers`, kept while the
 * instance is warm); it connects in plaintext: for MSK IAM or SCRAM, pass a
 * `createKafkaDeadLetterSink({ producer })` built with the project's client factory instead.
 *
 * @example
 * const sink = createDeadLetterSink({ kind: 'sqs', queueUrl }, () => undefined);
 */
export function createDeadLetterSink(target: DeadLetterTarget, bootstrapServers: () => string | undefined): ManagedDeadLetterSink {
  if (target.kind === 'sink') return { send: (entries) => target.sink.send(entries), close: async () => undefined };
  const sinks = new Map<string, Promise<ClosableSink>>();
  const sinkFor = (servers: string): Promise<ClosableSink> => {
    let sink = sinks.get(servers);
    if (sink === undefined) {
      sink = loadDeadLetterSink(target, servers);
      // A failed import or creation must not stick: the next poison record tries again.
      sink.catch(() => sinks.delete(servers));
      sinks.set(servers, sink);
    }
    return sink;
  };
  return {
    async send(entries: readonly DeadLetterEntry[]): Promise<void> {
      let servers = '';
      if (target.kind === 'kafka') {
        servers = bootstrapServers() ?? '';
        if (servers === '') throw new DeadLetterError(`cannot write to kafka://${target.topic}: the event carries no bootstrapServers`);
      }
      await (await sinkFor(servers)).send(entries);
    },
    async close(): Promise<void> {
      const all = [...sinks.values()];
      sinks.clear();
      await Promise.allSettled(all.map(async (sink) => (await sink).close?.()));
    },
  };
}
