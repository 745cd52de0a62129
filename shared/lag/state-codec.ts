import type { MonitoredGroupType } from './constants.ts';
import { TopicCommitWindows, type CommitWindowsBuilder } from './commit-windows.ts';
import type { CommitObservation, GroupLagState, MonitorIndex, OffsetTimePoint, TopicLagState } from './types.ts';

/**
 * Compact text encoding of the monitor's state, so that a group's commit windows or a
 * topic's sample tables fit one DynamoDB item. Series are delta-encoded in base 36:
 * consecutive offsets and times differ by small numbers, which take few characters and
 * compress well (the DynamoDB store deflates the result).
 *
 *   samples:      "<offset>:<timeMs>,<Δoffset>:<ΔtimeMs>,..."          (first absolute)
 *   observations: "<offset>:<lag>:<timeMs>,<Δoffset>:<lag>:<ΔtimeMs>,..."  (lag '' = unknown)
 *
 * Offsets are bigint end to end (no precision loss beyond 2^53); deltas may be negative
 * (a rewind). Format changes bump `STATE_FORMAT_VERSION`; an item of another version is
 * ignored (the monitor starts that entity afresh) rather than misread.
 */
export const STATE_FORMAT_VERSION = 1;

/** `0`..`zz`: base 36 of 0..1295, and the same padded to two digits. */
const B36_PAIRS: readonly string[] = Array.from({ length: 1296 }, (_, n) => n.toString(36));
const B36_PADDED_PAIRS: readonly string[] = B36_PAIRS.map((text) => text.padStart(2, '0'));

/**
 * `value.toString(36)`. Most values encoded are small (offset deltas, lags), and for those
 * below 36^4 two table lookups are faster than `BigInt#toString(36)`.
 */
function toB36(value: bigint): string {
  if (value >= 0n && value < 1_679_616n) {
    const n = Number(value);
    if (n < 1296) return B36_PAIRS[n]!;
    const high = Math.floor(n / 1296);
    return B36_PAIRS[high]! + B36_PADDED_PAIRS[n - high * 1296]!;
  }
  return value.toString(36);
}

/**
 * Times in base 36, memoized: every partition of a cycle is observed at the same time, so
 * a cycle encodes the same few absolute times and time deltas thousands of times, and
 * `Number#toString(36)` of an epoch time costs several map lookups.
 */
const timeTexts = new Map<number, string>();
function timeToB36(value: number): string {
  let text = timeTexts.get(value);
  if (text === undefined) {
    if (timeTexts.size >= 4096) timeTexts.clear();
    text = value.toString(36);
    timeTexts.set(value, text);
  }
  return text;
}

function fromB36(text: string): bigint {
  // Up to 10 base-36 digits stay below 2^53 (36^10 ≈ 3.7e15): parseInt is exact there and
  // much faster than digit-by-digit bigint arithmetic; longer values take the slow path.
  if (text.length <= 10 && /^-?[0-9a-z]+$/.test(text)) return BigInt(parseInt(text, 36));
  const negative = text.startsWith('-');
  let result = 0n;
  for (const char of negative ? text.slice(1) : text) {
    const digit = parseInt(char, 36);
    if (Number.isNaN(digit)) throw new SyntaxError(`not a base-36 number: "${text}"`);
    result = result * 36n + BigInt(digit);
  }
  return negative ? -result : result;
}

/** A base-36 number known to be below 2^53 (times, time deltas). */
function smallFromB36(text: string): number {
  const value = parseInt(text, 36);
  if (Number.isNaN(value)) throw new SyntaxError(`not a base-36 number: "${text}"`);
  return value;
}

/**
 * The value of `text[start, end)` when it is a plain `-?[0-9a-z]+` of at most 10
 * characters, the form the encoders write, read without slicing the string; `NaN`
 * otherwise. For that form it equals both `fromB36` (as a number) and `smallFromB36`;
 * anything else is left to them, so the decoders accept and reject what they always did.
 */
function plainB36(text: string, start: number, end: number): number {
  if (end - start > 10 || end === start) return Number.NaN;
  let i = start;
  const negative = text.charCodeAt(i) === 45; // '-'
  if (negative && ++i === end) return Number.NaN;
  let value = 0;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) value = value * 36 + (c - 48);
    else if (c >= 97 && c <= 122) value = value * 36 + (c - 87);
    else return Number.NaN;
  }
  return negative ? -value : value;
}

function bigFromB36(text: string, start: number, end: number): bigint {
  const value = plainB36(text, start, end);
  return Number.isNaN(value) ? fromB36(text.slice(start, end)) : BigInt(value);
}

function smallFromB36At(text: string, start: number, end: number): number {
  const value = plainB36(text, start, end);
  return Number.isNaN(value) ? smallFromB36(text.slice(start, end)) : value;
}

/** End of the `:`-separated field starting at `start` in a part ending at `partEnd`. */
function fieldEnd(text: string, start: number, partEnd: number): number {
  const colon = text.indexOf(':', start);
  return colon === -1 || colon > partEnd ? partEnd : colon;
}

/** Encodes (offset, time) samples. */
export function encodeSamples(points: readonly OffsetTimePoint[]): string {
  const count = points.length;
  if (count === 0) return '';
  let previous = points[0]!;
  let text = `${toB36(previous.offset)}:${timeToB36(previous.timeMs)}`;
  for (let i = 1; i < count; i++) {
    const point = points[i]!;
    text += `,${toB36(point.offset - previous.offset)}:${timeToB36(point.timeMs - previous.timeMs)}`;
    previous = point;
  }
  return text;
}

/**
 * Decodes {@link encodeSamples}. The fields are read in place: splitting the text into
 * parts and fields and testing each with a regular expression cost more than reading the
 * numbers. A part is `offset:time`; a missing field reads as '' and extra ones are ignored,
 * as with `split`.
 */
export function decodeSamples(text: string): OffsetTimePoint[] {
  if (text === '') return [];
  const out: OffsetTimePoint[] = [];
  let offset = 0n;
  let timeMs = 0;
  const length = text.length;
  for (let start = 0; start <= length; ) {
    let partEnd = text.indexOf(',', start);
    if (partEnd === -1) partEnd = length;
    const offsetEnd = fieldEnd(text, start, partEnd);
    const timeStart = offsetEnd < partEnd ? offsetEnd + 1 : partEnd;
    offset += bigFromB36(text, start, offsetEnd);
    timeMs += smallFromB36At(text, timeStart, fieldEnd(text, timeStart, partEnd));
    out.push({ offset, timeMs });
    start = partEnd + 1;
  }
  return out;
}

/** Encodes commit observations. */
export function encodeObservations(observations: readonly CommitObservation[]): string {
  return encodeWindow(
    observations.length,
    (i) => observations[i]!.offset,
    (i) => observations[i]!.lag,
    (i) => observations[i]!.timeMs,
  );
}

/** {@link encodeObservations} of a window read through accessors (the evaluation's columns need no observation objects). */
function encodeWindow(count: number, offsetAt: (i: number) => bigint, lagAt: (i: number) => bigint | null, timeAt: (i: number) => number): string {
  if (count === 0) return '';
  let offset = offsetAt(0);
  let timeMs = timeAt(0);
  let lag = lagAt(0);
  let text = `${toB36(offset)}:${lag === null ? '' : toB36(lag)}:${timeToB36(timeMs)}`;
  for (let i = 1; i < count; i++) {
    const nextOffset = offsetAt(i);
    const nextTime = timeAt(i);
    lag = lagAt(i);
    text += `,${toB36(nextOffset - offset)}:${lag === null ? '' : toB36(lag)}:${timeToB36(nextTime - timeMs)}`;
    offset = nextOffset;
    timeMs = nextTime;
  }
  return text;
}

/** A topic's windows, encoded: straight from the columns when they are `TopicCommitWindows`. */
function encodeTopicWindows(partitions: ReadonlyMap<number, readonly CommitObservation[]>): string {
  let text = '';
  if (partitions instanceof TopicCommitWindows) {
    for (const partition of partitions.partitions()) {
      const window = encodeWindow(
        partitions.length(partition),
        (i) => partitions.offsetAt(partition, i),
        (i) => partitions.lagAt(partition, i),
        (i) => partitions.timeAt(partition, i),
      );
      text += `${text === '' ? '' : ','}[${JSON.stringify(partition)},"${window}"]`;
    }
    return text;
  }
  for (const [partition, observations] of partitions) text += `${text === '' ? '' : ','}[${JSON.stringify(partition)},"${encodeObservations(observations)}"]`;
  return text;
}

/** Decodes {@link encodeObservations} (in place, as {@link decodeSamples}); a part is `offset:lag:time`. */
export function decodeObservations(text: string): CommitObservation[] {
  if (text === '') return [];
  const out: CommitObservation[] = [];
  let offset = 0n;
  let timeMs = 0;
  const length = text.length;
  for (let start = 0; start <= length; ) {
    let partEnd = text.indexOf(',', start);
    if (partEnd === -1) partEnd = length;
    const offsetEnd = fieldEnd(text, start, partEnd);
    const lagStart = offsetEnd < partEnd ? offsetEnd + 1 : partEnd;
    const lagEnd = fieldEnd(text, lagStart, partEnd);
    const timeStart = lagEnd < partEnd ? lagEnd + 1 : partEnd;
    // Offset, time, then lag: the order the fields were always read in (it decides which error a damaged part gives).
    offset += bigFromB36(text, start, offsetEnd);
    timeMs += smallFromB36At(text, timeStart, fieldEnd(text, timeStart, partEnd));
    const lag = lagEnd === lagStart ? null : bigFromB36(text, lagStart, lagEnd);
    out.push({ offset, lag, timeMs });
    start = partEnd + 1;
  }
  return out;
}

interface GroupDocument {
  v: number;
  g: string;
  ty: MonitoredGroupType;
  st: string | null;
  ge: number | null;
  fp: string | null;
  ls: number;
  sc: [number, number] | null;
  w: Array<[string, Array<[number, string]>]>;
}

interface TopicDocument {
  v: number;
  t: string;
  ls: number;
  s: Array<[number, string]>;
}

interface IndexDocument {
  v: number;
  at: number;
  g: Array<[string, MonitoredGroupType]>;
}

/**
 * A group's state as a compact JSON string: `JSON.stringify` of a {@link GroupDocument},
 * written directly. The encoded windows are most of the text and hold only characters
 * JSON leaves as they are (base-36 digits, `-`, `.`, `:`, `,`), so they are quoted
 * without `JSON.stringify` scanning them again; names go through `JSON.stringify`.
 */
export function encodeGroupState(state: GroupLagState): string {
  const { scaling } = state;
  let text = `{"v":${STATE_FORMAT_VERSION},"g":${JSON.stringify(state.groupId)},"ty":${JSON.stringify(state.type)},"st":${JSON.stringify(state.lastState)},"ge":${JSON.stringify(state.generation)},"fp":${JSON.stringify(state.membersFingerprint)},"ls":${JSON.stringify(state.lastSeenMs)},"sc":${scaling === null ? 'null' : `[${JSON.stringify(scaling.lastChangeAtMs)},${JSON.stringify(scaling.minimumPollers)}]`},"w":[`;
  let firstTopic = true;
  for (const [topic, partitions] of state.windows) {
    text += `${firstTopic ? '' : ','}[${JSON.stringify(topic)},[`;
    firstTopic = false;
    text += `${encodeTopicWindows(partitions)}]]`;
  }
  return `${text}]}`;
}

/**
 * Decodes {@link encodeGroupState}; `undefined` for another format version.
 *
 * `columns`: the windows come as `TopicCommitWindows`, read straight from the text, with
 * no observation objects and no bigint per value below 2^53: what the state stores use,
 * since the evaluation works on columns. A window holding a value no int64 holds, or under
 * a key that is not a partition number, is then left out, as the evaluation would leave it
 * out. Without: plain Maps of observation objects, every bigint kept.
 */
export function decodeGroupState(text: string, options: { readonly columns?: boolean } = {}): GroupLagState | undefined {
  const doc = JSON.parse(text) as GroupDocument;
  if (doc.v !== STATE_FORMAT_VERSION) return undefined;
  if (options.columns) return { ...groupFields(doc), windows: new Map(doc.w.map(([topic, partitions]) => [topic, windowsInColumns(partitions)])) };
  return { ...groupFields(doc), windows: new Map(doc.w.map(([topic, partitions]) => [topic, new Map(partitions.map(([p, text]) => [p, decodeObservations(text)]))])) };
}

function groupFields(doc: GroupDocument): Omit<GroupLagState, 'windows'> {
  return {
    groupId: doc.g,
    type: doc.ty,
    lastState: doc.st,
    generation: doc.ge,
    membersFingerprint: doc.fp,
    lastSeenMs: doc.ls,
    scaling: doc.sc === null ? null : { lastChangeAtMs: doc.sc[0], minimumPollers: doc.sc[1] },
  };
}

/** Observations in a window's text: its parts, `,`-separated (none when empty). */
function countParts(text: string): number {
  if (text === '') return 0;
  let count = 1;
  for (let i = text.indexOf(','); i !== -1; i = text.indexOf(',', i + 1)) count++;
  return count;
}

/** A topic's stored windows as columns as wide as its longest window, read as {@link decodeObservations} reads them. */
function windowsInColumns(partitions: ReadonlyArray<[number, string]>): TopicCommitWindows {
  let capacity = 1;
  let slots = 1;
  for (const [partition, text] of partitions) {
    capacity = Math.max(capacity, countParts(text));
    if (Number.isInteger(partition) && partition >= slots) slots = partition + 1;
  }
  return TopicCommitWindows.build(capacity, slots, (builder) => {
    for (const [partition, text] of partitions) {
      if (!builder.window(partition)) continue;
      if (!readWindow(partition, text, builder)) builder.drop();
    }
  });
}

/**
 * A window's text into `builder`, as {@link decodeObservations} reads it. False when a
 * value does not fit the columns. The text the encoder writes is read in one pass, values
 * as numbers; anything else (a value of more than 10 digits, an offset past 2^53, another
 * form the decoder accepts) is read again from the start the general way.
 */
function readWindow(partition: number, text: string, builder: CommitWindowsBuilder): boolean {
  const fast = readCanonicalWindow(text, builder);
  if (fast !== undefined) return fast;
  builder.window(partition);
  for (const o of decodeObservations(text)) if (!builder.observe(o.offset, o.lag, o.timeMs)) return false;
  return true;
}

const COLON = 58;
const COMMA = 44;
const MINUS = 45;

/**
 * Parts of exactly three fields (`offset:lag:time`, lag possibly empty), each `-?[0-9a-z]{1,10}`:
 * what `encodeWindow` writes. `undefined` as soon as the text is anything else.
 */
function readCanonicalWindow(text: string, builder: CommitWindowsBuilder): boolean | undefined {
  const length = text.length;
  if (length === 0) return true;
  let offset = 0;
  let timeMs = 0;
  let lag: number | null = null;
  let field = 0;
  let value = 0;
  let digits = 0;
  let negative = false;
  for (let i = 0; i <= length; i++) {
    const c = i === length ? COMMA : text.charCodeAt(i);
    if (c >= 48 && c <= 57) value = value * 36 + (c - 48);
    else if (c >= 97 && c <= 122) value = value * 36 + (c - 87);
    else if (c === MINUS && digits === 0 && !negative) {
      negative = true;
      continue;
    } else if (c === COLON || c === COMMA) {
      // An empty field is canonical only as the lag; a field ends with the part only as the time.
      if (digits === 0 ? field !== 1 || negative : digits > 10) return undefined;
      if ((c === COMMA) !== (field === 2)) return undefined;
      const signed = negative ? -value : value;
      if (field === 0) {
        offset += signed;
        if (!Number.isSafeInteger(offset)) return undefined;
      } else if (field === 1) lag = digits === 0 ? null : signed;
      else {
        timeMs += signed;
        if (!builder.observe(offset, lag, timeMs)) return false;
      }
      field = c === COMMA ? 0 : field + 1;
      value = 0;
      digits = 0;
      negative = false;
      continue;
    } else return undefined;
    digits++;
  }
  return true;
}

/** A topic's sample tables as a compact JSON string (`JSON.stringify` of a {@link TopicDocument}, written as {@link encodeGroupState}). */
export function encodeTopicState(state: TopicLagState): string {
  let text = `{"v":${STATE_FORMAT_VERSION},"t":${JSON.stringify(state.topic)},"ls":${JSON.stringify(state.lastSeenMs)},"s":[`;
  let first = true;
  for (const [partition, points] of state.samples) {
    text += `${first ? '' : ','}[${JSON.stringify(partition)},"${encodeSamples(points)}"]`;
    first = false;
  }
  return `${text}]}`;
}

/** Decodes {@link encodeTopicState}; `undefined` for another format version. */
export function decodeTopicState(text: string): TopicLagState | undefined {
  const doc = JSON.parse(text) as TopicDocument;
  if (doc.v !== STATE_FORMAT_VERSION) return undefined;
  return { topic: doc.t, lastSeenMs: doc.ls, samples: new Map(doc.s.map(([p, text]) => [p, decodeSamples(text)])) };
}

/** The monitor index as a compact JSON string. */
export function encodeIndex(index: MonitorIndex): string {
  const doc: IndexDocument = { v: STATE_FORMAT_VERSION, at: index.updatedAtMs, g: index.groups.map((g) => [g.groupId, g.type]) };
  return JSON.stringify(doc);
}

/** Decodes {@link encodeIndex}; `undefined` for another format version. */
export function decodeIndex(text: string): MonitorIndex | undefined {
  const doc = JSON.parse(text) as IndexDocument;
  if (doc.v !== STATE_FORMAT_VERSION) return undefined;
  return { updatedAtMs: doc.at, groups: doc.g.map(([groupId, type]) => ({ groupId, type })) };
}
