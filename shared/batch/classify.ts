// From zod's core, not through the `z` namespace: `z.core.$ZodError` makes a bundler keep all of
// zod (every locale included), about 400 KB. Classic zod and zod/mini errors are both $ZodError.
import { $ZodError } from 'zod/v4/core';
import { isRetriable } from '../errors/index.ts';
import { ChunkRecordError } from './errors.ts';

/**
 * True when retrying the record cannot help, so it belongs in the dead-letter sink:
 * - an error marked non-retriable: `PoisonRecordError`, the events module's decode errors
 *   (bad base64 / UTF-8 / JSON), any error with `retriable: false` in its cause chain;
 * - a zod validation failure (the payload does not match the handler's schema).
 * Everything else is retriable (`isRetriable`'s default): a transient failure sent to the
 * dead-letter sink is data lost from the main path; a poison record retried is only a delay.
 *
 * @example
 * if (isPoison(error)) await sink.send([entry]);
 */
export function isPoison(error: unknown): boolean {
  if (error instanceof ChunkRecordError) return isPoison(error.cause);
  if (error instanceof $ZodError) return true;
  return !isRetriable(error);
}
