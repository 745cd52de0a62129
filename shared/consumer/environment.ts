import * as z from 'zod/mini';
import { MAX_CHUNK_SIZE } from '../batch/index.ts';
import { safeParse } from '../validation/index.ts';
import { CONSUMER_ENV, DEFAULT_METRICS_NAMESPACE, IDEMPOTENCY_MODES, SHARED_SCG_VARIABLES } from './constants.ts';
import { parseDeadLetterTarget } from './dead-letter.ts';
import { ConsumerConfigError } from './errors.ts';
import type { DeadLetterTarget, IdempotencyMode } from './types.ts';

/** The consumer variables, parsed. Unset variables are `undefined`. */
export interface ConsumerEnvironment {
  readonly groupId: string | undefined;
  readonly idempotency: IdempotencyMode | undefined;
  readonly idempotencyTable: string | undefined;
  readonly idempotencyKey: string | undefined;
  readonly idempotencyTtlSeconds: number | undefined;
  readonly deadLetter: DeadLetterTarget | undefined;
  readonly concurrency: number | undefined;
  readonly chunkSize: number | undefined;
  readonly reportBatchItemFailures: boolean | undefined;
  /** `POWERTOOLS_METRICS_NAMESPACE`, else `ServerlessConsumerGroups`. */
  readonly metricsNamespace: string;
  /** `POWERTOOLS_SERVICE_NAME`, if set. */
  readonly serviceName: string | undefined;
}

/** A decimal integer in `[min, max]`, parsed to a number. */
const integer = (min: number, max: number) => {
  const inRange = (value: string): boolean => {
    const n = Number(value.trim());
    return /^\s*\d+\s*$/.test(value) && Number.isSafeInteger(n) && n >= min && n <= max;
  };
  return z.pipe(
    z.string().check(z.refine(inRange, { error: (issue) => `must be an integer from ${min} to ${max}, got "${String(issue.input)}"` })),
    z.transform((value: string) => Number(value.trim())),
  );
};

const dottedPath = z
  .string()
  .check(z.refine((path) => path.split('.').every((segment) => segment.length > 0), { message: 'must be a dotted path with no empty segment, e.g. "order.id"' }));

const schema = z.object({
  // Lambda's own rule for a mapping's consumer group id (the construct checks the same).
  [CONSUMER_ENV.GROUP_ID]: z.optional(z.string().check(z.regex(/^[a-zA-Z0-9\-/*:_+=.@]{1,200}$/, 'must be 1..200 of [a-zA-Z0-9-/*:_+=.@]'))),
  [CONSUMER_ENV.IDEMPOTENCY]: z.optional(
    z.enum([IDEMPOTENCY_MODES.OFF, IDEMPOTENCY_MODES.WATERMARK, IDEMPOTENCY_MODES.KEY], { error: 'must be "off", "watermark" or "key"' }),
  ),
  [CONSUMER_ENV.IDEMPOTENCY_TABLE]: z.optional(z.string().check(z.regex(/^[a-zA-Z0-9_.-]{3,255}$/, 'must be a DynamoDB table name ([a-zA-Z0-9_.-], 3..255)'))),
  [CONSUMER_ENV.IDEMPOTENCY_KEY]: z.optional(dottedPath),
  // Up to a year: far beyond any redelivery window (MaximumRecordAgeInSeconds is at most 7 days).
  [CONSUMER_ENV.IDEMPOTENCY_TTL_SECONDS]: z.optional(integer(1, 31_536_000)),
  [CONSUMER_ENV.DEAD_LETTER]: z.optional(z.string()),
  [CONSUMER_ENV.CONCURRENCY]: z.optional(integer(1, 1_000)),
  [CONSUMER_ENV.CHUNK_SIZE]: z.optional(integer(1, MAX_CHUNK_SIZE)),
  [CONSUMER_ENV.REPORT_BATCH_ITEM_FAILURES]: z.optional(z.enum(['true', 'false'], { error: 'must be "true" or "false"' })),
});

const OWN = new Set<string>(Object.values(CONSUMER_ENV));
const SHARED = new Set<string>(SHARED_SCG_VARIABLES);

/** Levenshtein distance, for "did you mean" (names are short: the quadratic cost is nothing). */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function suggestion(name: string): string {
  // A truncated name (`SCG_IDEMPOTENCY_TTL`) is the likeliest slip: prefer the variable it starts.
  const extended = [...OWN].filter((known) => known.startsWith(name)).sort((a, b) => a.length - b.length)[0];
  if (extended !== undefined) return ` (did you mean ${extended}?)`;
  let best: string | undefined;
  let bestDistance = 4;
  for (const known of OWN) {
    const d = distance(name, known);
    if (d < bestDistance) {
      best = known;
      bestDistance = d;
    }
  }
  return best === undefined ? '' : ` (did you mean ${best}?)`;
}

/**
 * Reads the consumer variables (`SCG_*`, plus `POWERTOOLS_METRICS_NAMESPACE` and
 * `POWERTOOLS_SERVICE_NAME`). Call once, at cold start.
 *
 * @throws ConsumerConfigError naming the variable: a malformed value, or an `SCG_*` variable
 *   that is neither a consumer variable nor one of `SHARED_SCG_VARIABLES` (a typo such as
 *   `SCG_IDEMPOTENCY_TTL` must not silently fall back to a default).
 * @example
 * const environment = readConsumerEnvironment(process.env);
 */
export function readConsumerEnvironment(env: Readonly<Record<string, string | undefined>>): ConsumerEnvironment {
  for (const name of Object.keys(env)) {
    if (name.startsWith('SCG_') && !OWN.has(name) && !SHARED.has(name)) {
      throw new ConsumerConfigError(name, `is not a consumer variable${suggestion(name)}; known: ${[...OWN].join(', ')}`);
    }
  }
  // An empty value counts as unset: CloudFormation cannot remove a variable conditionally
  // without some template gymnastics, so `""` is how a template says "not set".
  const picked = Object.fromEntries([...OWN].map((name) => [name, env[name] === '' ? undefined : env[name]]));
  const parsed = safeParse(schema, picked);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? 'environment');
    const problem = issue?.code === 'invalid_type' ? 'must be a string' : (issue?.message ?? 'is invalid');
    throw new ConsumerConfigError(variable, problem, { cause: parsed.error });
  }
  const e = parsed.data;
  const deadLetter = e[CONSUMER_ENV.DEAD_LETTER];
  const report = e[CONSUMER_ENV.REPORT_BATCH_ITEM_FAILURES];
  const namespace = env.POWERTOOLS_METRICS_NAMESPACE;
  const serviceName = env.POWERTOOLS_SERVICE_NAME;
  return {
    groupId: e[CONSUMER_ENV.GROUP_ID],
    idempotency: e[CONSUMER_ENV.IDEMPOTENCY],
    idempotencyTable: e[CONSUMER_ENV.IDEMPOTENCY_TABLE],
    idempotencyKey: e[CONSUMER_ENV.IDEMPOTENCY_KEY],
    idempotencyTtlSeconds: e[CONSUMER_ENV.IDEMPOTENCY_TTL_SECONDS],
    deadLetter: deadLetter === undefined ? undefined : parseDeadLetterTarget(deadLetter, CONSUMER_ENV.DEAD_LETTER),
    concurrency: e[CONSUMER_ENV.CONCURRENCY],
    chunkSize: e[CONSUMER_ENV.CHUNK_SIZE],
    reportBatchItemFailures: report === undefined ? undefined : report === 'true',
    metricsNamespace: namespace === undefined || namespace === '' ? DEFAULT_METRICS_NAMESPACE : namespace,
    serviceName: serviceName === undefined || serviceName === '' ? undefined : serviceName,
  };
}
