import type { MonitoredGroupType } from './constants.ts';
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

const toB36 = (value: bigint | number): string => value.toString(36);

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

/** Encodes (offset, time) samples. */
export function encodeSamples(points: readonly OffsetTimePoint[]): string {
  let previous: OffsetTimePoint | undefined;
  const parts: string[] = [];
  for (const point of points) {
    parts.push(previous === undefined ? `${toB36(point.offset)}:${toB36(point.timeMs)}` : `${toB36(point.offset - previous.offset)}:${toB36(point.timeMs - previous.timeMs)}`);
    previous = point;
  }
  return parts.join(',');
}

/** Decodes {@link encodeSamples}. */
export function decodeSamples(text: string): OffsetTimePoint[] {
  if (text === '') return [];
  let offset = 0n;
  let timeMs = 0;
  return text.split(',').map((part) => {
    const [o = '', t = ''] = part.split(':');
    offset += fromB36(o);
    timeMs += smallFromB36(t);
    return { offset, timeMs };
  });
}

/** Encodes commit observations. */
export function encodeObservations(observations: readonly CommitObservation[]): string {
  let previous: CommitObservation | undefined;
  const parts: string[] = [];
  for (const o of observations) {
    const lag = o.lag === null ? '' : toB36(o.lag);
    parts.push(previous === undefined ? `${toB36(o.offset)}:${lag}:${toB36(o.timeMs)}` : `${toB36(o.offset - previous.offset)}:${lag}:${toB36(o.timeMs - previous.timeMs)}`);
    previous = o;
  }
  return parts.join(',');
}

/** Decodes {@link encodeObservations}. */
export function decodeObservations(text: string): CommitObservation[] {
  if (text === '') return [];
  let offset = 0n;
  let timeMs = 0;
  return text.split(',').map((part) => {
    const [o = '', l = '', t = ''] = part.split(':');
    offset += fromB36(o);
    timeMs += smallFromB36(t);
    return { offset, lag: l === '' ? null : fromB36(l), timeMs };
  });
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

/** A group's state as a compact JSON string. */
export function encodeGroupState(state: GroupLagState): string {
  const doc: GroupDocument = {
    v: STATE_FORMAT_VERSION,
    g: state.groupId,
    ty: state.type,
    st: state.lastState,
    ge: state.generation,
    fp: state.membersFingerprint,
    ls: state.lastSeenMs,
    sc: state.scaling === null ? null : [state.scaling.lastChangeAtMs, state.scaling.minimumPollers],
    w: [...state.windows.entries()].map(([topic, partitions]) => [topic, [...partitions.entries()].map(([p, obs]) => [p, encodeObservations(obs)])]),
  };
  return JSON.stringify(doc);
}

/** Decodes {@link encodeGroupState}; `undefined` for another format version. */
export function decodeGroupState(text: string): GroupLagState | undefined {
  const doc = JSON.parse(text) as GroupDocument;
  if (doc.v !== STATE_FORMAT_VERSION) return undefined;
  return {
    groupId: doc.g,
    type: doc.ty,
    lastState: doc.st,
    generation: doc.ge,
    membersFingerprint: doc.fp,
    lastSeenMs: doc.ls,
    scaling: doc.sc === null ? null : { lastChangeAtMs: doc.sc[0], minimumPollers: doc.sc[1] },
    windows: new Map(doc.w.map(([topic, partitions]) => [topic, new Map(partitions.map(([p, text]) => [p, decodeObservations(text)]))])),
  };
}

/** A topic's sample tables as a compact JSON string. */
export function encodeTopicState(state: TopicLagState): string {
  const doc: TopicDocument = { v: STATE_FORMAT_VERSION, t: state.topic, ls: state.lastSeenMs, s: [...state.samples.entries()].map(([p, points]) => [p, encodeSamples(points)]) };
  return JSON.stringify(doc);
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
