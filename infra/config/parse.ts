import type { z } from 'zod';
import { DeclarationError } from './errors.ts';
import { checkDeclaration } from './rules.ts';
import { DeclarationSchema } from './schema.ts';
import type { ParsedDeclaration } from './types.ts';

/** `['consumers', 2, 'batchSize']` → `consumers[2].batchSize`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(root)' : out;
}

function formatIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => `${formatPath([...issue.path, key])}: unknown field`).join('\n  ');
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) return `${formatPath(issue.path)}: required`;
  return `${formatPath(issue.path)}: ${issue.message}`;
}

/**
 * Validates a declaration once, at synth: shape and ranges (zod, unknown keys rejected),
 * then the cross-field rules. Throws `DeclarationError` listing every problem with its
 * field path; returns the declaration with defaults applied and the warnings.
 *
 * @example
 * const { declaration, warnings } = parseDeclaration({ cluster, topics, consumers });
 */
export function parseDeclaration(input: unknown, nowSeconds?: number): ParsedDeclaration {
  const parsed = DeclarationSchema.safeParse(input);
  if (!parsed.success) throw new DeclarationError(parsed.error.issues.map(formatIssue));
  const { errors, warnings } = checkDeclaration(parsed.data, nowSeconds);
  if (errors.length > 0) throw new DeclarationError(errors.map((f) => `${f.path}: ${f.message}`));
  return { declaration: parsed.data, warnings: warnings.map((f) => `${f.path}: ${f.message}`) };
}
