import { z } from 'zod';
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
  .min(1)
  .refine((path) => path.split('.').every((segment) => segment.length > 0), { message: 'must be a dotted path with no empty segment, e.g. "order.id"' });

export const watermarkOptionsSchema = z.strictObject({
  groupId: z.string().min(1),
  store: z.custom((value) => hasMethods('getWatermarks', 'advanceWatermark')(value), { message: 'must implement WatermarkStore' }),
});

export const businessKeyOptionsSchema = z.strictObject({
  groupId: z.string().min(1),
  functionName: z.string().min(1).optional(),
  key: z.union([keyPath, z.custom(isFunction, { message: 'must be a dotted path or a function (record) => string' })]),
  store: z.custom((value) => hasMethods('getKeys', 'acquireKey', 'completeKey', 'releaseKey')(value), {
    message: 'must implement IdempotencyKeyStore',
  }),
  expiresAfterSeconds: z.number().int().positive().default(DEFAULT_EXPIRES_AFTER_SECONDS),
  lockTimeoutMs: z.number().int().positive().default(DEFAULT_LOCK_TIMEOUT_MS),
  decodeValue: z.custom(isFunction, { message: 'must be a function (record) => unknown' }).optional(),
  now: z.custom(isFunction, { message: 'must be a function returning epoch milliseconds' }).optional(),
})
  // A decoder next to a key function would be silently ignored: reject the pair instead.
  .refine((options) => typeof options.key === 'string' || options.decodeValue === undefined, {
    message: 'only applies when key is a dotted path (a key function decodes the record itself)',
    path: ['decodeValue'],
  });

export const dynamoDbStoreOptionsSchema = z.strictObject({
  tableName: z
    .string()
    .min(3)
    .max(255)
    .regex(/^[a-zA-Z0-9_.-]+$/, { message: 'must match [a-zA-Z0-9_.-]+' }),
  client: z.custom(hasMethods('send'), { message: 'must be a DynamoDBClient' }).optional(),
  batchGetMaxAttempts: z.number().int().min(1).default(DEFAULT_BATCH_GET_MAX_ATTEMPTS),
  batchGetRetryBaseDelayMs: z.number().int().min(0).default(DEFAULT_BATCH_GET_RETRY_BASE_DELAY_MS),
  transactionMaxAttempts: z.number().int().min(1).default(DEFAULT_TRANSACTION_MAX_ATTEMPTS),
  transactionRetryBaseDelayMs: z.number().int().min(0).default(DEFAULT_TRANSACTION_RETRY_BASE_DELAY_MS),
});

/** Parses `input`, or throws an `IdempotencyConfigError` naming every bad field. */
export function parseOptions<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') return `unknown option ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
    const field = issue.path.length === 0 ? '(options)' : issue.path.map(String).join('.');
    return `${field}: ${issue.message}`;
  });
  throw new IdempotencyConfigError(`invalid ${what} options: ${problems.join('; ')}`, { cause: parsed.error });
}
