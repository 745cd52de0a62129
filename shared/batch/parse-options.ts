import type * as z from 'zod/mini';
import { formatPath } from '../events/index.ts';
import { safeParse } from '../validation/index.ts';
import { BatchOptionsError } from './errors.ts';

/**
 * Validates options once, where they are given (processor or sink creation).
 *
 * @throws BatchOptionsError naming the bad field (unknown keys included: a typo is an error).
 */
export function parseOptions(schema: z.core.$ZodType, options: unknown): void {
  const parsed = safeParse(schema, options);
  if (parsed.success) return;
  const issue = parsed.error.issues[0];
  throw new BatchOptionsError(formatPath(issue?.path ?? []), issue?.message ?? 'invalid');
}
