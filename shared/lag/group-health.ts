import { hash } from 'node:crypto';
import { LAG_DEFAULTS, REBALANCING_STATES } from './constants.ts';
import type { GroupMemberInfo } from './types.ts';

/** Options of {@link hotPartitions}. */
export interface HotPartitionOptions {
  /** How many times the mean lag of the topic's other partitions a lag must exceed. @default 3 */
  readonly factor?: number;
  /** Lags below this are never hot (a few records of imbalance is noise). @default 100n */
  readonly minLag?: bigint;
}

/**
 * Partitions carrying a share of a topic's lag far above their fair share.
 *
 * A partition is hot when (a) the topic has at least two partitions with a known lag,
 * (b) its lag is at least `minLag`, and (c) its lag is more than `factor` times the mean
 * lag of the topic's *other* partitions. Comparing with the others rather than with the
 * overall mean keeps the rule meaningful for two partitions (a hot partition raises the
 * overall mean itself), and with all others at 0 any lag ≥ `minLag` is hot. Partitions
 * of different topics are never compared: their traffic is unrelated.
 *
 * Returns the indexes (into `lags`) of the hot partitions.
 *
 * @example
 * hotPartitions([5_000n, 100n, 120n, null]); // [0]
 */
export function hotPartitions(lags: ReadonlyArray<bigint | null>, options: HotPartitionOptions = {}): number[] {
  const factor = options.factor ?? LAG_DEFAULTS.hotPartitionFactor;
  const minLag = options.minLag ?? LAG_DEFAULTS.hotPartitionMinLag;
  let known = 0;
  let total = 0n;
  for (const lag of lags) {
    if (lag === null || lag === undefined) continue;
    known++;
    total += lag;
  }
  if (known < 2) return [];
  const others = BigInt(known - 1);
  const hot: number[] = [];
  for (let index = 0; index < lags.length; index++) {
    const lag = lags[index];
    if (lag !== null && lag !== undefined && lag >= minLag && exceedsFairShare(lag, total, others, scaledHotFactor(factor))) hot.push(index);
  }
  return hot;
}

/** `factor` × 1000 as a bigint, for {@link exceedsFairShare} (factor may be fractional). */
export function scaledHotFactor(factor: number): bigint {
  return BigInt(Math.round(factor * 1000));
}

/**
 * Rule (c) of {@link hotPartitions}: lag > factor × (total − lag) / others, in exact
 * arithmetic: lag × others × 1000 > scaledFactor × (total − lag). `total` is the sum of the
 * topic's known lags, `others` their count minus one.
 */
export function exceedsFairShare(lag: bigint, total: bigint, others: bigint, scaledFactor: bigint): boolean {
  return lag * others * 1000n > scaledFactor * (total - lag);
}

/** What a group looked like at the previous cycle. */
export interface PreviousGroupShape {
  readonly state: string | null;
  readonly generation: number | null;
  readonly membersFingerprint: string | null;
}

/** What it looks like now. */
export interface CurrentGroupShape {
  readonly state: string;
  readonly generation: number | null;
  readonly members: readonly GroupMemberInfo[];
}

/**
 * Rebalances between two cycles.
 *
 * - KIP-848 groups: the group epoch delta (the epoch is bumped on every membership or
 *   subscription change): exact.
 * - Classic groups: DescribeGroups does not return the generation id, so a rebalance is
 *   inferred, at most one per cycle: the group entered a rebalancing state, or its members
 *   or their assignment changed without it being seen rebalancing the previous cycle
 *   (that rebalance was already counted). Rebalances that start and finish between two
 *   cycles with the same members and assignment are invisible.
 * - First sighting of a group: 0.
 *
 * @example
 * rebalancesBetween({ state: 'Stable', generation: 4, membersFingerprint: 'x' }, { state: 'Stable', generation: 6, members: [] }); // 2
 */
export function rebalancesBetween(previous: PreviousGroupShape | undefined, current: CurrentGroupShape): { rebalances: number; fingerprint: string } {
  const fingerprint = membersFingerprint(current.members);
  if (previous === undefined || previous.state === null) return { rebalances: 0, fingerprint };
  if (current.generation !== null && previous.generation !== null) {
    if (current.generation >= previous.generation) return { rebalances: current.generation - previous.generation, fingerprint };
    return { rebalances: 1, fingerprint }; // the group was deleted and re-created
  }
  const wasRebalancing = REBALANCING_STATES.has(previous.state);
  const isRebalancing = REBALANCING_STATES.has(current.state);
  if (isRebalancing && !wasRebalancing) return { rebalances: 1, fingerprint };
  if (!wasRebalancing && previous.membersFingerprint !== null && previous.membersFingerprint !== fingerprint) return { rebalances: 1, fingerprint };
  return { rebalances: 0, fingerprint };
}

/** A short hash of the members and their assignment; stable across member order. */
export function membersFingerprint(members: readonly GroupMemberInfo[]): string {
  if (members.length === 0) return '';
  const lines: string[] = [];
  for (const member of members) {
    const { assignment } = member;
    let line = `${member.memberId}=`;
    let first = true;
    for (const topic of assignment.size > 1 ? sortedKeys(assignment) : assignment.keys()) {
      line += `${first ? '' : '|'}${topic}:${joinPartitions(ascending(assignment.get(topic)!))}`;
      first = false;
    }
    lines.push(line);
  }
  return hash('sha256', lines.sort().join('\n'), 'base64url').slice(0, 16);
}

/** The topics of an assignment in code unit order, by insertion sort (there are few; `Array#sort` and `splice` cost more here). */
function sortedKeys(assignment: ReadonlyMap<string, readonly number[]>): string[] {
  const keys: string[] = [];
  for (const key of assignment.keys()) {
    let i = keys.length;
    keys.push(key);
    for (; i > 0 && keys[i - 1]! > key; i--) keys[i] = keys[i - 1]!;
    keys[i] = key;
  }
  return keys;
}

/** Decimal strings of small partition numbers, built once: `Array#join` converts each number again every cycle. */
const partitionTexts: string[] = [];

/** `partitions.join(',')`, with the decimal strings of partitions below 4096 kept across calls. */
function joinPartitions(partitions: readonly number[]): string {
  let text = '';
  for (let i = 0; i < partitions.length; i++) {
    const partition = partitions[i]!;
    const digits = Number.isInteger(partition) && partition >= 0 && partition < 4096 ? (partitionTexts[partition] ??= String(partition)) : String(partition);
    text += i === 0 ? digits : `,${digits}`;
  }
  return text;
}

/** The partitions in ascending order; assignments usually are already, and are then not copied. */
function ascending(partitions: readonly number[]): readonly number[] {
  for (let i = 1; i < partitions.length; i++) {
    if (!(partitions[i - 1]! <= partitions[i]!)) return [...partitions].sort((a, b) => a - b);
  }
  return partitions;
}
