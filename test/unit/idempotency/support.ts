// Builders shared by the idempotency unit tests.
import type {
  IdempotencyStore,
  KeyCompletion,
  KeyLock,
  KeyScope,
  RequestCounts,
  TopicPartition,
  TransactWriteItem,
  WatermarkTransaction,
} from '../../../shared/idempotency/index.ts';

export interface TestRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly value?: unknown;
}

export function record(offset: number | bigint, value?: unknown, partition = 0, topic = 'orders'): TestRecord {
  return { topic, partition, offset: BigInt(offset), value };
}

export function orderRecord(offset: number, orderId: string, partition = 0): TestRecord {
  return record(offset, JSON.stringify({ order: { id: orderId } }), partition);
}

/** A clock the test moves by hand. */
export function manualClock(startMs = 1_750_000_000_000): { now: () => number; advance: (ms: number) => void } {
  let nowMs = startMs;
  return { now: () => nowMs, advance: (ms) => void (nowMs += ms) };
}

/** A promise the test resolves when it chooses. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

/** Wraps a handler and counts its calls (ESM jest has no global `jest.fn`). */
export function counted<A extends unknown[], T>(handler: (...args: A) => T): ((...args: A) => T) & { readonly calls: number } {
  let calls = 0;
  const wrapped = (...args: A): T => {
    calls += 1;
    return handler(...args);
  };
  return Object.defineProperty(wrapped, 'calls', { get: () => calls }) as ((...args: A) => T) & { readonly calls: number };
}

// ---- transactional effects ----

/** `ADD #count :n` on item `pk` of `table`: a counter effect. */
export function addCount(table: string, pk: string, n: number | bigint = 1): TransactWriteItem {
  return {
    Update: {
      TableName: table,
      Key: { pk: { S: pk } },
      UpdateExpression: 'ADD #count :n',
      ExpressionAttributeNames: { '#count': 'count' },
      ExpressionAttributeValues: { ':n': { N: String(n) } },
    },
  };
}

/** A put of item `pk` into `table`, only if it does not exist yet when `onlyNew`. */
export function putItem(table: string, pk: string, onlyNew = false): TransactWriteItem {
  return {
    Put: {
      TableName: table,
      Item: { pk: { S: pk }, written: { S: 'yes' } },
      ...(onlyNew ? { ConditionExpression: 'attribute_not_exists(pk)' } : {}),
    },
  };
}

/** The `count` of every item of a table of the in-memory store, by pk. */
export function countsOf(store: { tables: ReadonlyMap<string, { items(): Array<Record<string, { S?: string; N?: string }>> }> }, table: string): Map<string, number> {
  return new Map((store.tables.get(table)?.items() ?? []).map((item) => [item.pk?.S ?? '', Number(item.count?.N ?? 'NaN')]));
}

/** A store that can commit transactional effects (both shipped stores can). */
export type EffectsStore = IdempotencyStore & Required<Pick<IdempotencyStore, 'commitWatermarkEffects' | 'completeKeyWithEffects'>>;

/** Thrown by a `CrashingStore` once its process is "killed". */
export class ProcessKilled extends Error {
  constructor() {
    super('the process was killed');
    this.name = 'ProcessKilled';
  }
}

/**
 * An in-memory store whose process "dies" at its `crashAt`-th TransactWriteItems: `before` it
 * is sent (nothing applied) or `after` it committed (the answer never arrives). From then on
 * every request fails (`how: 'throw'`, with `ProcessKilled`) or never answers (`how: 'hang'`,
 * like a process killed mid-request): a dead process releases nothing and writes nothing.
 * The inner store keeps the state a replay sees.
 */
export class CrashingStore implements IdempotencyStore {
  readonly inner: EffectsStore;
  readonly #crashAt: number;
  readonly #when: 'before' | 'after';
  readonly #how: 'throw' | 'hang';
  #transactions = 0;
  killed = false;

  constructor(inner: EffectsStore, crashAt: number, when: 'before' | 'after' = 'before', how: 'throw' | 'hang' = 'throw') {
    this.inner = inner;
    this.#crashAt = crashAt;
    this.#when = when;
    this.#how = how;
  }

  get requestCount(): number {
    return this.inner.requestCount;
  }

  get requestCounts(): RequestCounts {
    return this.inner.requestCounts;
  }

  getWatermarks(groupId: string, partitions: readonly TopicPartition[]) {
    return this.#alive(() => this.inner.getWatermarks(groupId, partitions));
  }

  advanceWatermark(groupId: string, partition: TopicPartition, offset: bigint) {
    return this.#alive(() => this.inner.advanceWatermark(groupId, partition, offset));
  }

  commitWatermarkEffects(groupId: string, partition: TopicPartition, transaction: WatermarkTransaction) {
    return this.#transaction(() => this.inner.commitWatermarkEffects(groupId, partition, transaction));
  }

  getKeys(scope: KeyScope, keys: readonly string[]) {
    return this.#alive(() => this.inner.getKeys(scope, keys));
  }

  acquireKey(scope: KeyScope, key: string, lock: KeyLock, nowMs: number) {
    return this.#alive(() => this.inner.acquireKey(scope, key, lock, nowMs));
  }

  completeKey(scope: KeyScope, key: string, completion: KeyCompletion) {
    return this.#alive(() => this.inner.completeKey(scope, key, completion));
  }

  completeKeyWithEffects(scope: KeyScope, key: string, completion: KeyCompletion, lockToken: string, effects: readonly TransactWriteItem[]) {
    return this.#transaction(() => this.inner.completeKeyWithEffects(scope, key, completion, lockToken, effects));
  }

  releaseKey(scope: KeyScope, key: string, lockToken: string) {
    return this.#alive(() => this.inner.releaseKey(scope, key, lockToken));
  }

  async #alive<T>(request: () => Promise<T>): Promise<T> {
    if (this.killed) return this.#dead();
    return request();
  }

  async #transaction<T>(request: () => Promise<T>): Promise<T> {
    if (this.killed) return this.#dead();
    this.#transactions += 1;
    if (this.#transactions !== this.#crashAt) return request();
    if (this.#when === 'after') await request();
    this.killed = true;
    return this.#dead();
  }

  #dead(): Promise<never> {
    return this.#how === 'throw' ? Promise.reject(new ProcessKilled()) : new Promise<never>(() => undefined);
  }
}
