// Timestamps and durations as kafka-consumer-groups.sh reads them.
//
// --to-datetime: Kafka's Utils.getDateTime takes 'yyyy-MM-ddTHH:mm:ss.SSS' with an
// optional zone (Z, +08, +0800, +08:00) and reads a zone-less value as UTC (it appends
// 'Z'), strictly (no 31st of February). We take exactly that, plus any ISO 8601 date-time
// that carries a zone (fraction optional, 0-9 digits), so `new Date().toISOString()` works.
//
// --by-duration: java.time.Duration.parse, 'PnDTnHnMn.nS'. Negative durations (a time in
// the future) are rejected: they can only ever resolve to the log end.

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}(?::?\d{2})?)?$/;
const DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:[.,](\d{1,9}))?S)?)?$/i;

/** Result of a parse: the value, or why the text was rejected. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const DATETIME_FORMATS = "'YYYY-MM-DDTHH:mm:SS.sss' with an optional zone (Z, +hh, +hhmm, +hh:mm), or ISO 8601 with a zone";

/**
 * Parses a `--to-datetime` value into epoch milliseconds.
 *
 * @example
 * parseResetDatetime('2024-05-01T12:00:00.000');       // UTC, as Kafka reads it
 * parseResetDatetime('2024-05-01T14:00:00+02:00');     // same instant
 */
export function parseResetDatetime(text: string): Parsed<number> {
  const m = DATETIME.exec(text);
  if (!m) return { ok: false, message: `must be ${DATETIME_FORMATS}` };
  const [, year, month, day, hour, minute, second, fraction, zone] = m;
  if (zone === undefined && fraction?.length !== 3) {
    return { ok: false, message: `has no zone, so it must be exactly 'YYYY-MM-DDTHH:mm:SS.sss' (read as UTC, like kafka-consumer-groups.sh); or add a zone` };
  }
  const y = Number(year);
  const mo = Number(month);
  const d = Number(day);
  const h = Number(hour);
  const mi = Number(minute);
  const s = Number(second);
  const ms = Number((fraction ?? '').padEnd(3, '0').slice(0, 3));
  const local = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const check = new Date(local);
  // Date.UTC rolls 2024-02-30 over to March 1st: a round trip catches what Java's
  // non-lenient SimpleDateFormat rejects.
  if (
    mo < 1 || mo > 12 || h > 23 || mi > 59 || s > 59 ||
    check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d
  ) {
    return { ok: false, message: `is not a valid date-time (${text})` };
  }
  const offsetMinutes = zoneOffsetMinutes(zone);
  if (offsetMinutes === undefined) return { ok: false, message: `has an invalid zone offset "${zone ?? ''}"` };
  const epochMs = local - offsetMinutes * 60_000;
  if (epochMs < 0) return { ok: false, message: 'must not be before 1970-01-01T00:00:00Z' };
  return { ok: true, value: epochMs };
}

function zoneOffsetMinutes(zone: string | undefined): number | undefined {
  if (zone === undefined || zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  if (hours > 18 || minutes > 59) return undefined;
  return sign * (hours * 60 + minutes);
}

/**
 * Parses a `--by-duration` value (ISO 8601 `PnDTnHnMn.nS`, as java.time.Duration) into
 * milliseconds.
 *
 * @example
 * parseIsoDuration('PT30M');     // { ok: true, value: 1_800_000 }
 * parseIsoDuration('P1DT12H');   // { ok: true, value: 129_600_000 }
 */
export function parseIsoDuration(text: string): Parsed<number> {
  const m = DURATION.exec(text);
  const expected = "must be an ISO 8601 duration 'PnDTnHnMn.nS' (e.g. PT30M, P1DT12H); years, months and weeks are not accepted, as in kafka-consumer-groups.sh";
  if (!m) return { ok: false, message: expected };
  const [, days, hours, minutes, seconds, fraction] = m;
  if ([days, hours, minutes, seconds].every((part) => part === undefined)) return { ok: false, message: expected };
  // 'PT' alone, or 'P1DT' with nothing after T: Java rejects both.
  if (/T$/i.test(text)) return { ok: false, message: expected };
  const ms =
    Number(days ?? 0) * 86_400_000 +
    Number(hours ?? 0) * 3_600_000 +
    Number(minutes ?? 0) * 60_000 +
    Number(seconds ?? 0) * 1_000 +
    Number((fraction ?? '').padEnd(3, '0').slice(0, 3));
  if (!Number.isSafeInteger(ms)) return { ok: false, message: 'is too long' };
  return { ok: true, value: ms };
}

/** ISO 8601 text of an epoch-ms instant, for plans and logs. */
export function isoTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
