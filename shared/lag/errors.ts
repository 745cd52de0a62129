import { ServerlessConsumerGroupsError } from '../errors/index.ts';
import { LAG_ERROR_CODES } from './constants.ts';

/** Base class of every error thrown by the lag module. */
export class LagError extends ServerlessConsumerGroupsError {}

/** Configuration rejected at cold start or CLI parsing; the message names the variable or flag. */
export class LagConfigError extends LagError {
  /** The environment variable or option at fault, e.g. `SCG_AUTOSCALING`. */
  readonly variable: string;

  constructor(variable: string, message: string, options: { cause?: unknown } = {}) {
    super(`${variable}: ${message}`, { code: LAG_ERROR_CODES.config, retriable: false, cause: options.cause });
    this.variable = variable;
  }
}

/** Reading or writing the state table failed. `retriable` follows the cause. */
export class LagStateStoreError extends LagError {
  /** The store operation, e.g. `BatchWriteItem`. */
  readonly operation: string;

  constructor(message: string, options: { operation: string; retriable: boolean; cause?: unknown }) {
    super(message, { code: LAG_ERROR_CODES.state, retriable: options.retriable, cause: options.cause });
    this.operation = options.operation;
  }
}

/** A short, single-line description of any thrown value, for per-group error lists. */
export function describeError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    const inner = error.errors.map((e: unknown) => describeError(e)).filter((m) => m.length > 0);
    const unique = [...new Set(inner)];
    return `${error.message}${unique.length ? ` (${unique.slice(0, 3).join('; ')})` : ''}`;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
