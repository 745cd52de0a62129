import * as z from 'zod/mini';
import { safeParse } from '../validation/index.ts';
import {
  DEFAULT_BATCH_GET_MAX_ATTEMPTS,
  DEFAULT_BATCH_GET_RETRY_BASE_DELAY_MS,
  DEFAULT_EXPIRES_AFTER_SECONDS,
  DEFAULT_LOCK_TIMEOUT_MS,
  DEFAULT_TRANSACTION_MAX_ATTEMPTS,
  DEFAULT_TRANSACTION_RETRY_BASE_DELAY_MS,
} from './constants.ts';
import { IdempotencyConfigError } from './errors.ts';

// Options are validated once, at construction (cold start), with schemas that reject
// unknown keys: a misspelt `expiresAfterSecond` is an error, not a silent default.

const isFunction = (value: unknown): boolean => typeof value === 'function';
const hasMethods =
  (...methods: string[]) =>
  (value: unknown): boolean =>
    typeof value === 'object' && value !== null && methods.every((method) => typeof (value as Record<string, unknown>)[method] === 'function');

/** A dotted path into the record's JSON value: `order.id`, `items.0.sku`. */
const keyPath = z
  .string()
  .check(
    z.minLength(1),
    z.refine((path) => path.split('.').every((segment) => segment.length > 0), { message: 'must be a dotted path with no empty segment, e.g. "order.id"' }),
  );

export const watermarkOptionsSchema = z.strictObject({
  groupId: z.string().check(z.minLength(1)),
  store: z.custom((value) => hasMethods('getWatermarks', 'advanceWatermark')(value), { message: 'must implement WatermarkStore' }),
});

export const businessKeyOptionsSchema = z
  .strictObject({
    groupId: z.string().check(z.minLength(1)),
    functionName: z.optional(z.string().check(z.minLength(1))),
    key: z.union([keyPath, z.custom(isFunction, { message: 'must be a dotted path or a function (record) => string' })]),
    store: z.custom((value) => hasMethods('getKeys', 'acquireKey', 'completeKey', 'releaseKey')(value), {
      message: 'must implement IdempotencyKeyStore',
    }),
    expiresAfterSeconds: z._default(z.number().check(z.int(), z.positive()), DEFAULT_EXPIRES_AFTER_SECONDS),
    lockTimeoutMs: z._default(z.number().check(z.int(), z.positive()), DEFAULT_LOCK_TIMEOUT_MS),
    decodeValue: z.optional(z.custom(isFunction, { message: 'must be a function (record) => unknown' })),
    now: z.optional(z.custom(isFunction, { message: 'must be a function returning epoch milliseconds' })),
  })
  // A decoder next to a key function would be silently ignored: reject the pair instead.
  .check(
    z.refine((options) => typeof options.key === 'string' || options.decodeValue === undefined, {
      message: 'only applies when key is a dotted path (a key function decodes the record itself)',
      path: ['decodeValue'],
    }),
  );

export const dynamoDbStoreOptionsSchema = z.strictObject({
  tableName: z.string().check(z.minLength(3), z.maxLength(255), z.regex(/^[a-zA-Z0-9_.-]+$/, { message: 'must match [a-zA-Z0-9_.-]+' })),
  client: z.optional(z.custom(hasMethods('send'), { message: 'must be a DynamoDBClient' })),
  batchGetMaxAttempts: z._default(z.number().check(z.int(), z.minimum(1)), DEFAULT_BATCH_GET_MAX_ATTEMPTS),
  batchGetRetryBaseDelayMs: z._default(z.number().check(z.int(), z.minimum(0)), DEFAULT_BATCH_GET_RETRY_BASE_DELAY_MS),
  transactionMaxAttempts: z._default(z.number().check(z.int(), z.minimum(1)), DEFAULT_TRANSACTION_MAX_ATTEMPTS),
  transactionRetryBaseDelayMs: z._default(z.number().check(z.int(), z.minimum(0)), DEFAULT_TRANSACTION_RETRY_BASE_DELAY_MS),
});

/** Parses `input`, or throws an `IdempotencyConfigError` naming every bad field. */
export function parseOptions<S extends z.core.$ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = safeParse(schema, input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') return `unknown option ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
    const field = issue.path.length === 0 ? '(options)' : issue.path.map(String).join('.');
    return `${field}: ${issue.message}`;
  });
  throw new IdempotencyConfigError(`invalid ${what} options: ${problems.join('; ')}`, { cause: parsed.error });
}
