/**
 * The JSON form of a value: every `bigint` (offset, lag) becomes a decimal string, because
 * a JSON number loses precision beyond 2^53 and `JSON.stringify` throws on bigint.
 */
export type Jsonified<T> = T extends bigint
  ? string
  : T extends readonly (infer U)[]
    ? Jsonified<U>[]
    : T extends Map<unknown, unknown>
      ? Record<string, unknown>
      : T extends object
        ? { [K in keyof T]: Jsonified<T[K]> }
        : T;

/** `JSON.stringify` replacer that prints bigints as strings. */
export function bigintReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/**
 * A plain JSON copy of `value` with offsets as strings (what the function returns and the
 * audit record stores).
 *
 * @example
 * toJson({ offset: 42n }); // { offset: '42' }
 */
export function toJson<T>(value: T): Jsonified<T> {
  const text = JSON.stringify(value, bigintReplacer) as string | undefined;
  // JSON.stringify(undefined) is undefined, not a string: keep it undefined.
  return (text === undefined ? undefined : JSON.parse(text)) as Jsonified<T>;
}
