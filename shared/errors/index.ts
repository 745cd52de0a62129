/**
 * The root of every error this project throws. Each module derives its own base
 * (`EventsError`, `BatchError`, ...) from it, so callers can catch one module's errors
 * without string matching.
 *
 * `retriable` is a decision, not a description: `true` means "retry the same input
 * later may succeed" (Lambda retries the record), `false` means "retrying cannot help"
 * (send to the on-failure destination / dead-letter sink).
 */
export class ServerlessConsumerGroupsError extends Error {
  /** Stable, machine-readable code, e.g. `EVENTS_MALFORMED`. */
  readonly code: string;
  /** Whether retrying the same input may succeed. */
  readonly retriable: boolean;

  constructor(message: string, options: { code: string; retriable: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.retriable = options.retriable;
  }
}

/** True when `error` (or anything in its `cause` chain) says it is not worth retrying. */
export function isRetriable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current !== undefined && current !== null; depth++) {
    if (current instanceof ServerlessConsumerGroupsError) return current.retriable;
    if (typeof current === 'object' && 'retriable' in current && typeof current.retriable === 'boolean') {
      return current.retriable;
    }
    current = typeof current === 'object' && 'cause' in current ? current.cause : undefined;
  }
  // Unknown errors are retried: a transient failure dead-lettered is data lost from the
  // main path, a poison record retried is only a delay (bounded by the ESM's retry policy).
  return true;
}
