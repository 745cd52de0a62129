// Which dead-letter sinks this function's bundle contains, and their loaders. A consumer bundle
// carries only the sinks its CDK declaration names (`deadLetter`): the bundler replaces the
// identifiers below with `true`/`false` (esbuild `define`, see DEAD_LETTER_SINK_DEFINES and
// infra/lib/bundling.ts), folds `typeof false === 'undefined' || false` to `false` and drops
// the branch, and with it the `import()` of the sink. The identifiers must therefore appear
// literally in each branch: a helper function or an object property would not be folded, and
// every sink would be bundled again. Unbundled, the identifiers are undeclared globals
// (`typeof` is "undefined") and every sink is available.
import type { DeadLetterSink } from '../batch/index.ts';
import { CONSUMER_ENV } from './constants.ts';
import { ConsumerConfigError } from './errors.ts';
import type { DeadLetterTarget } from './types.ts';

declare const __SCG_DEAD_LETTER_KAFKA__: boolean | undefined;
declare const __SCG_DEAD_LETTER_SQS__: boolean | undefined;
declare const __SCG_DEAD_LETTER_S3__: boolean | undefined;

/** A sink kind that lives in its own module (a `DeadLetterSink` object needs nothing bundled). */
export type DeadLetterSinkKind = Exclude<DeadLetterTarget['kind'], 'sink'>;

/** Whether each sink is in this bundle. */
export const BUNDLED_DEAD_LETTER_SINKS: Readonly<Record<DeadLetterSinkKind, boolean>> = {
  kafka: typeof __SCG_DEAD_LETTER_KAFKA__ === 'undefined' || __SCG_DEAD_LETTER_KAFKA__,
  sqs: typeof __SCG_DEAD_LETTER_SQS__ === 'undefined' || __SCG_DEAD_LETTER_SQS__,
  s3: typeof __SCG_DEAD_LETTER_S3__ === 'undefined' || __SCG_DEAD_LETTER_S3__,
};

const DESCRIPTIONS: Record<DeadLetterSinkKind, string> = { kafka: 'Kafka topic', sqs: 'SQS queue', s3: 'S3 bucket' };

/**
 * Fails the cold start when `target` needs a sink this bundle was built without, rather than
 * at the first poison record (which would then be retried until it expires).
 *
 * @throws ConsumerConfigError naming `setting` and the fix.
 * @example
 * requireBundledSink(target, 'SCG_DEAD_LETTER');
 */
export function requireBundledSink(target: DeadLetterTarget, setting: string, bundled: Readonly<Record<DeadLetterSinkKind, boolean>> = BUNDLED_DEAD_LETTER_SINKS): void {
  if (target.kind !== 'sink' && !bundled[target.kind]) throw notBundled(target.kind, setting);
}

function notBundled(kind: DeadLetterSinkKind, setting: string): ConsumerConfigError {
  return new ConsumerConfigError(
    setting,
    `names a ${DESCRIPTIONS[kind]} dead-letter sink, but this function was bundled without it (only the sinks its CDK declaration names are bundled): ` +
      `set the consumer's \`deadLetter\` in the declaration (infra/config/scenario.ts), which sets ${setting} and bundles the sink, instead of setting ${setting} by hand`,
  );
}

/** A sink that may hold a connection. */
export interface ClosableSink extends DeadLetterSink {
  close?(): Promise<void>;
}

/**
 * Imports and creates the sink for `target` (on first use: a function without poison records
 * never loads the SDK client or Kafka producer). `servers` is the event's `bootstrapServers`.
 *
 * @example
 * const sink = await loadDeadLetterSink({ kind: 'sqs', queueUrl }, '');
 */
export async function loadDeadLetterSink(target: Exclude<DeadLetterTarget, { kind: 'sink' }>, servers: string): Promise<ClosableSink> {
  if (target.kind === 'kafka') {
    if (typeof __SCG_DEAD_LETTER_KAFKA__ === 'undefined' || __SCG_DEAD_LETTER_KAFKA__) {
      const { createKafkaDeadLetterSink } = await import('../batch/dead-letter/kafka-sink.ts');
      return createKafkaDeadLetterSink({ topic: target.topic, bootstrapServers: servers, clientId: 'scg-dead-letter' });
    }
  } else if (target.kind === 'sqs') {
    if (typeof __SCG_DEAD_LETTER_SQS__ === 'undefined' || __SCG_DEAD_LETTER_SQS__) {
      const { createSqsDeadLetterSink } = await import('../batch/dead-letter/sqs-sink.ts');
      return createSqsDeadLetterSink({ queueUrl: target.queueUrl });
    }
  } else if (typeof __SCG_DEAD_LETTER_S3__ === 'undefined' || __SCG_DEAD_LETTER_S3__) {
    const { createS3DeadLetterSink } = await import('../batch/dead-letter/s3-sink.ts');
    return createS3DeadLetterSink(target.keyPrefix === undefined ? { bucket: target.bucket } : { bucket: target.bucket, keyPrefix: target.keyPrefix });
  }
  // Not reached after requireBundledSink at cold start.
  throw notBundled(target.kind, CONSUMER_ENV.DEAD_LETTER);
}
