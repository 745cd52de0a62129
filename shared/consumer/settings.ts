import * as z from 'zod/mini';
import { MAX_CHUNK_SIZE } from '../batch/index.ts';
import { safeParse } from '../validation/index.ts';
import { CONSUMER_ENV, IDEMPOTENCY_MODES } from './constants.ts';
import { parseDeadLetterTarget } from './dead-letter.ts';
import { requireBundledSink } from './dead-letter-sinks.ts';
import type { ConsumerEnvironment } from './environment.ts';
import { ConsumerConfigError } from './errors.ts';
import type { ConsumerSettings, DeadLetterTarget, IdempotencyOptions, KafkaConsumerOptions, ResolvedIdempotency } from './types.ts';

const fn = z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', { message: 'expected a function' });
const withMethods = (...methods: string[]) =>
  z.custom((value) => typeof value === 'object' && value !== null && methods.every((m) => typeof (value as Record<string, unknown>)[m] === 'function'), {
    message: `expected an object with ${methods.map((m) => `${m}()`).join(', ')}`,
  });
const mode = z.enum([IDEMPOTENCY_MODES.OFF, IDEMPOTENCY_MODES.WATERMARK, IDEMPOTENCY_MODES.KEY]);

// Code options are checked as strictly as the environment: an unknown key is a typo.
const optionsSchema = z.strictObject({
  recordHandler: z.optional(fn),
  chunkHandler: z.optional(fn),
  chunkSize: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(MAX_CHUNK_SIZE))),
  groupId: z.optional(z.string().check(z.regex(/^[a-zA-Z0-9\-/*:_+=.@]{1,200}$/, 'must be 1..200 of [a-zA-Z0-9-/*:_+=.@]'))),
  filter: z.optional(fn),
  concurrency: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(1_000))),
  idempotency: z.optional(
    z.union([
      mode,
      z.strictObject({
        mode: z.optional(mode),
        tableName: z.optional(z.string().check(z.regex(/^[a-zA-Z0-9_.-]{3,255}$/, 'must be a DynamoDB table name'))),
        store: z.optional(withMethods('getWatermarks', 'advanceWatermark', 'getKeys', 'acquireKey', 'completeKey', 'releaseKey')),
        key: z.optional(z.union([z.string().check(z.minLength(1)), fn])),
        expiresAfterSeconds: z.optional(z.number().check(z.int(), z.minimum(1))),
      }),
    ]),
  ),
  transactionalEffects: z.optional(z.boolean()),
  deadLetter: z.optional(z.union([z.literal(false), z.string().check(z.minLength(1)), withMethods('send')])),
  reportBatchItemFailures: z.optional(z.boolean()),
  logger: z.optional(withMethods('debug', 'info', 'warn', 'error', 'createChild')),
  metrics: z.optional(
    z.union([z.literal(false), z.strictObject({ namespace: z.optional(z.string().check(z.minLength(1), z.maxLength(255))), sink: z.optional(fn) })]),
  ),
  // Not z.record: `process.env` is an exotic object zod does not take for a plain record.
  env: z.optional(z.custom((value) => typeof value === 'object' && value !== null, { message: 'expected an object of environment variables' })),
});

/** Settings plus the variables code options overrode with a different value (worth a warning). */
export interface ResolvedSettings {
  readonly settings: ConsumerSettings;
  readonly overridden: readonly string[];
}

function parseOptions(options: KafkaConsumerOptions): void {
  const parsed = safeParse(optionsSchema, options);
  if (parsed.success) {
    if (Number(options.recordHandler !== undefined) + Number(options.chunkHandler !== undefined) !== 1) {
      throw new ConsumerConfigError('options.recordHandler', 'and options.chunkHandler: give exactly one');
    }
    if (options.chunkSize !== undefined && options.chunkHandler === undefined) throw new ConsumerConfigError('options.chunkSize', 'needs a chunkHandler');
    return;
  }
  const issue = parsed.error.issues[0];
  const path = ['options', ...(issue?.path ?? []).map(String)].join('.');
  if (issue?.code === 'unrecognized_keys') {
    throw new ConsumerConfigError(`${path}.${issue.keys.join(', ')}`, 'is not an option', { cause: parsed.error });
  }
  throw new ConsumerConfigError(path, issue?.message ?? 'is invalid', { cause: parsed.error });
}

function resolveIdempotency(options: KafkaConsumerOptions, env: ConsumerEnvironment, overridden: string[]): ResolvedIdempotency {
  const code: IdempotencyOptions = typeof options.idempotency === 'string' ? { mode: options.idempotency } : (options.idempotency ?? {});
  const note = (variable: string, envValue: unknown, codeValue: unknown): void => {
    if (envValue !== undefined && codeValue !== undefined && envValue !== codeValue) overridden.push(variable);
  };
  note(CONSUMER_ENV.IDEMPOTENCY, env.idempotency, code.mode);
  note(CONSUMER_ENV.IDEMPOTENCY_TABLE, env.idempotencyTable, code.tableName);
  note(CONSUMER_ENV.IDEMPOTENCY_KEY, env.idempotencyKey, code.key);
  note(CONSUMER_ENV.IDEMPOTENCY_TTL_SECONDS, env.idempotencyTtlSeconds, code.expiresAfterSeconds);

  const tableName = code.tableName ?? env.idempotencyTable;
  const store = code.store;
  const modeSetting = code.mode !== undefined ? 'options.idempotency.mode' : CONSUMER_ENV.IDEMPOTENCY;
  const resolved = code.mode ?? env.idempotency ?? (tableName !== undefined || store !== undefined ? IDEMPOTENCY_MODES.WATERMARK : IDEMPOTENCY_MODES.OFF);
  const key = code.key ?? env.idempotencyKey;
  const keySetting = code.key !== undefined ? 'options.idempotency.key' : CONSUMER_ENV.IDEMPOTENCY_KEY;
  const ttl = code.expiresAfterSeconds ?? env.idempotencyTtlSeconds;
  const ttlSetting = code.expiresAfterSeconds !== undefined ? 'options.idempotency.expiresAfterSeconds' : CONSUMER_ENV.IDEMPOTENCY_TTL_SECONDS;

  if (resolved === IDEMPOTENCY_MODES.OFF) return { mode: 'off' };
  if (tableName === undefined && store === undefined) {
    throw new ConsumerConfigError(CONSUMER_ENV.IDEMPOTENCY_TABLE, `is required when ${modeSetting} is "${resolved}" (or pass options.idempotency.store)`);
  }
  const where = { ...(tableName === undefined ? {} : { tableName }), ...(store === undefined ? {} : { store }) };
  if (resolved === IDEMPOTENCY_MODES.WATERMARK) {
    if (key !== undefined) throw new ConsumerConfigError(keySetting, `only applies when ${modeSetting} is "key" (it is "watermark")`);
    if (ttl !== undefined) throw new ConsumerConfigError(ttlSetting, `only applies when ${modeSetting} is "key" (watermarks never expire)`);
    if (tableName !== undefined && store !== undefined) throw new ConsumerConfigError('options.idempotency.store', 'and a table name were both given: choose one');
    return { mode: 'watermark', ...where };
  }
  if (key === undefined) {
    throw new ConsumerConfigError(CONSUMER_ENV.IDEMPOTENCY_KEY, `is required when ${modeSetting} is "key": a dotted path into the JSON value (e.g. "userId") or options.idempotency.key`);
  }
  if (options.chunkHandler !== undefined) {
    throw new ConsumerConfigError(modeSetting, 'is "key", which runs per record: use a recordHandler, or "watermark" with a chunkHandler');
  }
  if (tableName !== undefined && store !== undefined) throw new ConsumerConfigError('options.idempotency.store', 'and a table name were both given: choose one');
  return { mode: 'key', ...where, key, ...(ttl === undefined ? {} : { expiresAfterSeconds: ttl }) };
}

/** Transactional effects need a store write to commit them with: a watermark or a business key. */
function checkEffectsSupport(idempotency: ResolvedIdempotency): void {
  if (idempotency.mode === IDEMPOTENCY_MODES.OFF) {
    throw new ConsumerConfigError('options.transactionalEffects', `needs idempotency "watermark" or "key" (${CONSUMER_ENV.IDEMPOTENCY} / options.idempotency is "off")`);
  }
  const method = idempotency.mode === IDEMPOTENCY_MODES.WATERMARK ? 'commitWatermarkEffects' : 'completeKeyWithEffects';
  if (idempotency.store !== undefined && typeof idempotency.store[method] !== 'function') {
    throw new ConsumerConfigError('options.idempotency.store', `cannot commit transactional effects: it has no ${method}() (options.transactionalEffects is true)`);
  }
}

function resolveDeadLetter(option: KafkaConsumerOptions['deadLetter'], env: ConsumerEnvironment, overridden: string[]): DeadLetterTarget | undefined {
  if (option !== undefined && env.deadLetter !== undefined) overridden.push(CONSUMER_ENV.DEAD_LETTER);
  if (option === false) return undefined;
  if (option !== undefined && typeof option !== 'string') return { kind: 'sink', sink: option };
  const [target, setting] = option === undefined ? [env.deadLetter, CONSUMER_ENV.DEAD_LETTER] : [parseDeadLetterTarget(option, 'options.deadLetter'), 'options.deadLetter'];
  if (target !== undefined) requireBundledSink(target, setting);
  return target;
}

/**
 * Merges code options over the environment (code wins) and checks the combination.
 *
 * @throws ConsumerConfigError naming the variable or option at fault.
 * @example
 * const { settings } = resolveSettings({ recordHandler }, readConsumerEnvironment(process.env));
 */
export function resolveSettings(options: KafkaConsumerOptions, env: ConsumerEnvironment): ResolvedSettings {
  parseOptions(options);
  const overridden: string[] = [];
  const groupId = options.groupId ?? env.groupId;
  if (groupId === undefined) throw new ConsumerConfigError(CONSUMER_ENV.GROUP_ID, 'is required: the Kafka consumer group id of the event source mapping');
  if (options.groupId !== undefined && env.groupId !== undefined && options.groupId !== env.groupId) overridden.push(CONSUMER_ENV.GROUP_ID);
  if (options.recordHandler !== undefined && env.chunkSize !== undefined) {
    throw new ConsumerConfigError(CONSUMER_ENV.CHUNK_SIZE, 'only applies to a chunkHandler; this consumer has a recordHandler');
  }
  if (options.concurrency !== undefined && env.concurrency !== undefined) overridden.push(CONSUMER_ENV.CONCURRENCY);
  if (options.chunkSize !== undefined && env.chunkSize !== undefined) overridden.push(CONSUMER_ENV.CHUNK_SIZE);
  if (options.reportBatchItemFailures !== undefined && env.reportBatchItemFailures !== undefined && options.reportBatchItemFailures !== env.reportBatchItemFailures) {
    overridden.push(CONSUMER_ENV.REPORT_BATCH_ITEM_FAILURES);
  }
  const idempotency = resolveIdempotency(options, env, overridden);
  const transactionalEffects = options.transactionalEffects ?? false;
  if (transactionalEffects) checkEffectsSupport(idempotency);
  const deadLetter = resolveDeadLetter(options.deadLetter, env, overridden);
  const metricsNamespace = options.metrics === false || options.metrics?.namespace === undefined ? env.metricsNamespace : options.metrics.namespace;
  return {
    settings: {
      groupId,
      idempotency,
      transactionalEffects,
      deadLetter,
      concurrency: options.concurrency ?? env.concurrency,
      chunkSize: options.chunkHandler === undefined ? undefined : (options.chunkSize ?? env.chunkSize),
      reportBatchItemFailures: options.reportBatchItemFailures ?? env.reportBatchItemFailures ?? false,
      metricsNamespace,
      serviceName: env.serviceName ?? groupId,
    },
    overridden,
  };
}
