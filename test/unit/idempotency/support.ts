// Builders shared by the idempotency unit tests.

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
