/**
 * Group selection by include/exclude patterns: `*` matches any run of characters
 * (including none), `?` exactly one, everything else literally; a pattern matches the
 * whole group id. No include pattern means every group; exclude wins over include.
 *
 * @example
 * const select = groupFilter({ include: ['orders-*'], exclude: ['*-test'] });
 * select('orders-email'); // true
 * select('orders-test');  // false
 */
export function groupFilter(options: { readonly include?: readonly string[]; readonly exclude?: readonly string[] } = {}): (groupId: string) => boolean {
  const include = (options.include ?? []).map(patternToRegExp);
  const exclude = (options.exclude ?? []).map(patternToRegExp);
  return (groupId) => (include.length === 0 || include.some((re) => re.test(groupId))) && !exclude.some((re) => re.test(groupId));
}

/** Whether a pattern has no wildcard, i.e. names exactly one group. */
export function isLiteralPattern(pattern: string): boolean {
  return !/[*?]/.test(pattern);
}

function patternToRegExp(pattern: string): RegExp {
  const body = [...pattern].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/-]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 's');
}
