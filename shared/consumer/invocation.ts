import { AsyncLocalStorage } from 'node:async_hooks';
import type { KafkaRecord } from '../events/index.ts';
import type { BusinessKeyBatch, WatermarkBatch } from '../idempotency/index.ts';
import type { InvocationLoggers } from './logging.ts';
import type { InvocationCounts } from './metrics.ts';
import type { ChunkContext, ConsumerLogger, LambdaContextLike, RecordContext } from './types.ts';

/**
 * The state of one invocation. The batch processor is built once, at cold start, so its
 * handler, guard and hooks find the invocation they serve through `AsyncLocalStorage`:
 * two invocations running at once in one process (the race tests, an in-process runtime)
 * never see each other's state.
 */
export interface Invocation {
  readonly lambdaContext: LambdaContextLike;
  readonly bootstrapServers: string | undefined;
  readonly loggers: InvocationLoggers;
  readonly counts: InvocationCounts;
  /** Watermark mode: the batch's watermarks, or why they could not be read. */
  watermarks?: WatermarkBatch;
  /** Key mode: the batch's business keys, or why they could not be read. */
  keys?: BusinessKeyBatch<KafkaRecord>;
  /** The store failure of `load`, reported on every partition (watermark) or record (key). */
  idempotencyError?: unknown;
  /** Key mode with a filter: each record's verdict, computed once before `load`. */
  filterVerdicts?: Map<KafkaRecord, FilterVerdict>;
}

/** What the `filter` option said about a record: keep it, leave it out, or it threw. */
export type FilterVerdict = boolean | { readonly error: unknown };

const storage = new AsyncLocalStorage<Invocation>();

/** Runs `fn` with `invocation` as the current invocation. */
export function runInvocation<T>(invocation: Invocation, fn: () => Promise<T>): Promise<T> {
  return storage.run(invocation, fn);
}

/** The invocation being served. Throws outside one (a bug: the processor is only called inside). */
export function currentInvocation(): Invocation {
  const invocation = storage.getStore();
  if (invocation === undefined) throw new Error('no consumer invocation is active');
  return invocation;
}

/** The invocation being served, if any (for hooks, which must never throw). */
export function maybeCurrentInvocation(): Invocation | undefined {
  return storage.getStore();
}

/** `RecordContext` with a logger built only if the handler asks for it. */
export class RecordScope implements RecordContext {
  readonly groupId: string;
  readonly #invocation: Invocation;
  readonly #record: KafkaRecord;
  #logger: ConsumerLogger | undefined;

  constructor(groupId: string, invocation: Invocation, record: KafkaRecord) {
    this.groupId = groupId;
    this.#invocation = invocation;
    this.#record = record;
  }

  get logger(): ConsumerLogger {
    this.#logger ??= this.#invocation.loggers.record(this.#record);
    return this.#logger;
  }

  get lambdaContext(): LambdaContextLike {
    return this.#invocation.lambdaContext;
  }
}

/** `ChunkContext` of consecutive records of one partition. */
export class ChunkScope implements ChunkContext {
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
  readonly #invocation: Invocation;

  constructor(groupId: string, invocation: Invocation, topic: string, partition: number) {
    this.groupId = groupId;
    this.topic = topic;
    this.partition = partition;
    this.#invocation = invocation;
  }

  get logger(): ConsumerLogger {
    return this.#invocation.loggers.partition(this.topic, this.partition);
  }

  loggerFor(record: KafkaRecord): ConsumerLogger {
    return this.#invocation.loggers.record(record);
  }

  get lambdaContext(): LambdaContextLike {
    return this.#invocation.lambdaContext;
  }
}
