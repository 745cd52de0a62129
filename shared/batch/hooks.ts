/** True for promises and other thenables. */
export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}

/**
 * Calls an observability hook. A throw or a rejection is swallowed: a logging or metrics failure
 * must never fail a record (see `BatchHooks`).
 */
export function callHook(call: () => unknown): void {
  try {
    const result = call();
    if (isPromiseLike(result)) result.then(undefined, () => undefined);
  } catch {
    // Deliberately ignored.
  }
}
