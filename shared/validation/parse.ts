import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

// The locale's error map only, not `z.config(...)`: the library must not change the messages
// of an application's own zod schemas.
const { localeError } = en();

/**
 * `schema.safeParse(input)` with zod's English messages ("Too small: expected number to be
 * >=1"), for a classic `zod` or a `zod/mini` schema alike. Messages a schema sets itself win.
 *
 * @example
 * const parsed = safeParse(optionsSchema, options);
 * if (!parsed.success) throw new ConfigError(parsed.error.issues[0]?.message ?? 'invalid');
 */
export function safeParse<S extends z.core.$ZodType>(schema: S, input: unknown): z.core.util.SafeParseResult<z.output<S>> {
  return z.safeParse(schema, input, { error: localeError });
}
