// The `strategy` field: one spelling per kafka-consumer-groups.sh mode.
//   "earliest" | "latest" | "current"
//   {"toOffset": N} | {"shiftBy": ±N} | {"toDatetime": "..."} | {"byDuration": "PT1H"}
//   {"fromFile": "s3://bucket/key" | "<csv text>"} | {"copyFromGroup": "<group>"}
// Parsed by hand rather than with a zod union, so that an error names the exact key
// (`strategy.toOffset: must be ...`) instead of "Invalid input" for every alternative.
import { MAX_OFFSET } from './constants.ts';
import type { InputIssue } from './errors.ts';
import { isoTime, parseIsoDuration, parseResetDatetime } from './time.ts';
import type { OffsetsFileSource, ResetStrategy } from './types.ts';

const SIMPLE = ['earliest', 'latest', 'current'] as const;
const KEYED = ['toOffset', 'shiftBy', 'toDatetime', 'byDuration', 'fromFile', 'copyFromGroup'] as const;
const EXPECTED = `"earliest", "latest", "current", or an object with exactly one of ${KEYED.join(', ')}`;

/**
 * Reads an offset given as a JSON integer or a decimal string (offsets above 2^53 must be
 * strings: JSON numbers lose precision there).
 */
export function parseOffsetValue(raw: unknown, options: { signed: boolean }): { ok: true; value: bigint } | { ok: false; message: string } {
  const what = options.signed ? 'an integer' : 'a non-negative integer';
  let value: bigint;
  if (typeof raw === 'number') {
    if (!Number.isInteger(raw)) return { ok: false, message: `must be ${what}` };
    if (!Number.isSafeInteger(raw)) return { ok: false, message: 'is beyond 2^53 as a JSON number; pass it as a string' };
    value = BigInt(raw);
  } else if (typeof raw === 'string' && /^[+-]?\d+$/.test(raw.trim())) {
    value = BigInt(raw.trim());
  } else if (typeof raw === 'bigint') {
    value = raw;
  } else {
    return { ok: false, message: `must be ${what} (a JSON number or a decimal string)` };
  }
  if (!options.signed && value < 0n) return { ok: false, message: `must be ${what}` };
  if (value > MAX_OFFSET || value < -MAX_OFFSET) return { ok: false, message: 'is outside the int64 range' };
  return { ok: true, value };
}

/** `s3://bucket/key` or inline CSV text. */
function parseFileSource(raw: string): { ok: true; value: OffsetsFileSource } | { ok: false; message: string } {
  const text = raw.trim();
  if (text.startsWith('s3://')) {
    const m = /^s3:\/\/([^/\s]+)\/(\S+)$/.exec(text);
    if (!m) return { ok: false, message: 'must be s3://bucket/key or CSV text' };
    return { ok: true, value: { kind: 's3', bucket: m[1]!, key: m[2]! } };
  }
  if (text === '') return { ok: false, message: 'must be s3://bucket/key or CSV text (topic,partition,offset per line)' };
  return { ok: true, value: { kind: 'inline', csv: raw } };
}

/**
 * Parses the `strategy` field; returns the strategy or the issues (paths start with
 * `strategy`).
 *
 * @example
 * parseStrategy({ shiftBy: '-100' }); // { strategy: { type: 'shiftBy', shift: -100n }, issues: [] }
 */
export function parseStrategy(raw: unknown, field = 'strategy'): { strategy: ResetStrategy | undefined; issues: InputIssue[] } {
  const fail = (message: string, key?: string): { strategy: undefined; issues: InputIssue[] } => ({
    strategy: undefined,
    issues: [{ field: key ? `${field}.${key}` : field, message }],
  });
  if (raw === undefined) return fail(`is required: ${EXPECTED}`);
  if (typeof raw === 'string') {
    if ((SIMPLE as readonly string[]).includes(raw)) return { strategy: { type: raw as (typeof SIMPLE)[number] }, issues: [] };
    return fail(`"${raw}" is not a strategy; expected ${EXPECTED}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail(`must be ${EXPECTED}`);
  const keys = Object.keys(raw);
  if (keys.length !== 1) return fail(`must have exactly one key (${EXPECTED}); got ${keys.length === 0 ? 'none' : keys.join(', ')}`);
  const key = keys[0]!;
  const value = (raw as Record<string, unknown>)[key];
  switch (key) {
    case 'toOffset': {
      const r = parseOffsetValue(value, { signed: false });
      return r.ok ? { strategy: { type: 'toOffset', offset: r.value }, issues: [] } : fail(r.message, key);
    }
    case 'shiftBy': {
      const r = parseOffsetValue(value, { signed: true });
      return r.ok ? { strategy: { type: 'shiftBy', shift: r.value }, issues: [] } : fail(r.message, key);
    }
    case 'toDatetime': {
      if (typeof value !== 'string') return fail('must be a string', key);
      const r = parseResetDatetime(value.trim());
      return r.ok ? { strategy: { type: 'toDatetime', timestampMs: r.value, text: value.trim() }, issues: [] } : fail(r.message, key);
    }
    case 'byDuration': {
      if (typeof value !== 'string') return fail('must be a string', key);
      const r = parseIsoDuration(value.trim());
      return r.ok ? { strategy: { type: 'byDuration', durationMs: r.value, text: value.trim() }, issues: [] } : fail(r.message, key);
    }
    case 'fromFile': {
      if (typeof value !== 'string') return fail('must be a string: s3://bucket/key or CSV text', key);
      const r = parseFileSource(value);
      return r.ok ? { strategy: { type: 'fromFile', source: r.value }, issues: [] } : fail(r.message, key);
    }
    case 'copyFromGroup': {
      if (typeof value !== 'string' || value.trim() === '') return fail('must be a non-empty group id', key);
      return { strategy: { type: 'copyFromGroup', groupId: value.trim() }, issues: [] };
    }
    default:
      return fail(`unknown strategy; expected ${EXPECTED}`, key);
  }
}

/**
 * kafka-consumer-groups.sh-style label of a strategy, for plans, tables and logs.
 *
 * @example
 * strategyLabel({ type: 'shiftBy', shift: -5n }); // 'shift-by -5'
 */
export function strategyLabel(strategy: ResetStrategy): string {
  switch (strategy.type) {
    case 'earliest':
      return 'to-earliest';
    case 'latest':
      return 'to-latest';
    case 'current':
      return 'to-current';
    case 'toOffset':
      return `to-offset ${strategy.offset}`;
    case 'shiftBy':
      return `shift-by ${strategy.shift}`;
    case 'toDatetime':
      return `to-datetime ${isoTime(strategy.timestampMs)}`;
    case 'byDuration':
      return `by-duration ${strategy.text}`;
    case 'fromFile':
      return strategy.source.kind === 's3'
        ? `from-file s3://${strategy.source.bucket}/${strategy.source.key}`
        : `from-file inline (${strategy.source.csv.split('\n').filter((l) => l.trim() !== '').length} lines)`;
    case 'copyFromGroup':
      return `copy-from-group ${strategy.groupId}`;
  }
}

/** Strategies whose targets kafka-consumer-groups.sh clamps into [log start, log end] (its checkOffsetsRange). */
export function isClampedStrategy(strategy: ResetStrategy): boolean {
  return strategy.type === 'toOffset' || strategy.type === 'shiftBy' || strategy.type === 'fromFile' || strategy.type === 'copyFromGroup';
}
