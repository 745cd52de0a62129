import * as z from 'zod/mini';
import { DEFAULT_CHUNK_SIZE, DEFAULT_CONCURRENCY, MAX_CHUNK_SIZE } from './constants.ts';
import type { DeadLetterSink } from './dead-letter/types.ts';
import { parseOptions } from './parse-options.ts';
import type { BatchHooks, BatchProcessorOptions, ChunkHandler, PartitionGuard, RecordHandler } from './types.ts';

type AnyFunction = (...args: never[]) => unknown;

const fn = z.custom<AnyFunction>((value) => typeof value === 'function', { message: 'expected a function' });

const sink = z.custom<DeadLetterSink>(
  (value) => typeof value === 'object' && value !== null && typeof (value as { send?: unknown }).send === 'function',
  { message: 'expected an object with send(entries)' },
);

// A guard is usually a class instance (the idempotency store): only its two methods are checked.
const guard = z.custom<PartitionGuard>(
  (value) => {
    if (typeof value !== 'object' || value === null) return false;
    const { before, after } = value as { before?: unknown; after?: unknown };
    return (before === undefined || typeof before === 'function') && (after === undefined || typeof after === 'function');
  },
  { message: 'expected an object with optional before()/after() methods' },
);

const optionsSchema = z
  .strictObject({
    recordHandler: z.optional(fn),
    chunkHandler: z.optional(fn),
    chunkSize: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(MAX_CHUNK_SIZE))),
    concurrency: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(1_000))),
    reportBatchItemFailures: z.optional(z.boolean()),
    deadLetter: z.optional(z.strictObject({ sink, groupId: z.optional(z.string().check(z.minLength(1), z.maxLength(200))) })),
    partitionGuard: z.optional(guard),
    hooks: z.optional(
      z.strictObject({
        onRecordFailed: z.optional(fn),
        onDeadLettered: z.optional(fn),
        onPartitionComplete: z.optional(fn),
        onBatchComplete: z.optional(fn),
        onGuardError: z.optional(fn),
      }),
    ),
  })
  .check(
    z.superRefine((options, ctx) => {
      const handlers = Number(options.recordHandler !== undefined) + Number(options.chunkHandler !== undefined);
      if (handlers !== 1) {
        ctx.addIssue({ code: 'custom', path: ['recordHandler'], message: 'give exactly one of recordHandler and chunkHandler' });
      }
      if (options.chunkSize !== undefined && options.chunkHandler === undefined) {
        ctx.addIssue({ code: 'custom', path: ['chunkSize'], message: 'chunkSize needs a chunkHandler' });
      }
    }),
  );

/** Options with defaults applied, as the processor uses them. */
export interface ResolvedOptions {
  readonly recordHandler: RecordHandler | undefined;
  readonly chunkHandler: ChunkHandler | undefined;
  readonly chunkSize: number;
  readonly concurrency: number;
  readonly reportBatchItemFailures: boolean;
  readonly deadLetter: BatchProcessorOptions['deadLetter'];
  readonly partitionGuard: PartitionGuard | undefined;
  readonly hooks: BatchHooks;
}

/**
 * Validates processor options once (at cold start) and applies defaults.
 *
 * @throws BatchOptionsError naming the bad field (unknown keys included: a typo is an error).
 */
export function resolveOptions(options: BatchProcessorOptions): ResolvedOptions {
  parseOptions(optionsSchema, options);
  return {
    recordHandler: options.recordHandler,
    chunkHandler: options.chunkHandler,
    chunkSize: options.chunkSize ?? DEFAULT_CHUNK_SIZE,
    concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
    reportBatchItemFailures: options.reportBatchItemFailures ?? false,
    deadLetter: options.deadLetter,
    partitionGuard: options.partitionGuard,
    hooks: options.hooks ?? {},
  };
}
