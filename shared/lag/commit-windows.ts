import type { CommitObservation } from './types.ts';

/** The largest window the columns hold (`burrowWindow`; the config allows 2–100). */
export const MAX_WINDOW_SIZE = 1_000;
/** Whether int64s are stored low word first (they are on every platform Lambda and Node run on; checked, not assumed). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/** Length markers of {@link TopicCommitWindows.build}: a window started and still empty, or dropped. */
const STARTED_EMPTY = 0xffff;
const DROPPED = 0xfffe;
/** A lag of `null` (unknown): no lag is negative, and no int64 is below this one. */
const NO_LAG = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** Bytes per observation: offset, lag (int64) and time (float64), side by side. */
const OBSERVATION_BYTES = 24;

/**
 * The commit windows of one group on one topic (`GroupLagState.windows`' values), stored
 * column-wise: partition p's observations, oldest first, are the 24-byte records
 * `[p × capacity, p × capacity + length)` of one buffer, offset and lag as int64, time as
 * float64.
 *
 * Why: the evaluation reads every window of every group each cycle. As arrays of
 * observation objects (10 per partition, each allocated in a different cycle) those reads
 * were mostly cache misses, and each cycle allocated a new array, a new observation and
 * Map entries per partition, all kept until the next cycle: what the garbage collector
 * had to copy. Here a group's topic is one buffer, read in order and copied with one
 * memcpy, and a cycle allocates one per group and topic.
 *
 * It is still the `ReadonlyMap<number, readonly CommitObservation[]>` the state types
 * promise (codec, tests, callers): the Map side is built from the columns the first time
 * any Map method is called, and instances are never changed once the evaluation that
 * built them has returned them. What copies a Map without calling its methods
 * (`structuredClone`, `Map.prototype.entries.call`) sees that side only once it is built:
 * copy with `new Map(windows)` instead.
 *
 * @example
 * const next = TopicCommitWindows.after(previous, { capacity: 10, slots: 12 });
 * next.record(3, 1_200n, 40n, Date.now(), 1_000);
 */
export class TopicCommitWindows extends Map<number, readonly CommitObservation[]> {
  /** Observations kept per partition. */
  readonly capacity: number;
  #slots: number;
  /** Offsets at 3i, lags at 3i + 1 (`NO_LAG` for null); the same bytes as {@link #floats}. */
  #ints: BigInt64Array;
  /** Times at 3i + 2. */
  #floats: Float64Array;
  /** The same bytes as 32-bit words: the decoder writes int64s below 2^53 through them, without a bigint. */
  #words: Uint32Array;
  #lengths: Uint16Array;
  /** Partitions with a window, in the order they were recorded (the Map's order). */
  readonly #order: number[] = [];
  #materialized = false;

  private constructor(capacity: number, slots: number) {
    super();
    this.capacity = capacity;
    this.#slots = slots;
    const columns = slots * capacity * OBSERVATION_BYTES;
    const { buffer, offset } = allocate(columns + slots * 2);
    this.#ints = new BigInt64Array(buffer, offset, slots * capacity * 3);
    this.#floats = new Float64Array(buffer, offset, slots * capacity * 3);
    this.#words = new Uint32Array(buffer, offset, slots * capacity * 6);
    this.#lengths = new Uint16Array(buffer, offset + columns, slots);
  }

  /**
   * The windows of this cycle, to be recorded into: they start with `previous`'s
   * observations in place (one copy of its columns) and no partition, each partition
   * appearing with its first {@link record}. `previous` may be any map of windows (state
   * decoded from the table, or written by a test): it is converted first.
   * `slots`: the partition count expected (more are added as needed).
   */
  static after(previous: ReadonlyMap<number, readonly CommitObservation[]> | undefined, options: { capacity: number; slots: number }): TopicCommitWindows {
    const { capacity } = options;
    const from = previous === undefined ? undefined : TopicCommitWindows.of(previous, capacity);
    const next = new TopicCommitWindows(capacity, Math.max(options.slots, from === undefined ? 0 : from.#slots, 1));
    if (from !== undefined) next.#ints.set(from.#ints);
    next.#previous = from;
    return next;
  }

  /** `windows` as columns of `capacity` (itself when it already is), keeping each window's newest `capacity` observations. */
  static of(windows: ReadonlyMap<number, readonly CommitObservation[]>, capacity: number): TopicCommitWindows {
    if (windows instanceof TopicCommitWindows) return windows.capacity === capacity ? windows : windows.#relayout(capacity);
    let slots = 0;
    for (const partition of windows.keys()) if (Number.isInteger(partition) && partition >= 0 && partition >= slots) slots = partition + 1;
    const out = new TopicCommitWindows(capacity, slots);
    for (const [partition, observations] of windows) {
      // Not a partition number, or values no int64 holds: state nobody wrote for Kafka offsets; dropped.
      if (!Number.isInteger(partition) || partition < 0 || !observations.every(fitsColumns)) continue;
      const first = Math.max(0, observations.length - capacity);
      for (let i = first; i < observations.length; i++) out.#write(partition, i - first, observations[i]!.offset, observations[i]!.lag, observations[i]!.timeMs);
      out.#lengths[partition] = observations.length - first;
      out.#order.push(partition);
    }
    return out;
  }

  /**
   * Windows read from the state table without observation objects (`decodeGroupState`
   * with `columns`): `fill` hands each stored window to the builder, oldest observation
   * first. `capacity` is the longest window stored (`after` re-lays the columns out when
   * the configured one differs). As in {@link of}, a partition whose number or values the
   * columns cannot hold is dropped, and a partition stored twice keeps its last window
   * in its first place (as `new Map(entries)` does).
   */
  static build(capacity: number, slots: number, fill: (builder: CommitWindowsBuilder) => void): TopicCommitWindows {
    // No window is evaluated longer than MAX_WINDOW_SIZE (checkEvaluateOptions): keeping the
    // newest that many is what `after` would do, and keeps lengths clear of the markers.
    const out = new TopicCommitWindows(Math.min(MAX_WINDOW_SIZE, Math.max(1, capacity)), Math.max(1, slots));
    let partition = -1;
    let length = 0;
    // While building, a partition's length may be one of two markers (lengths never exceed
    // MAX_WINDOW_SIZE): so the Map's order is decided without searching it.
    const builder: CommitWindowsBuilder = {
      window(p) {
        if (!Number.isInteger(p) || p < 0) return false;
        if (p >= out.#slots) out.#grow(p + 1);
        if (out.#lengths[p] === 0) out.#order.push(p);
        partition = p;
        length = 0;
        out.#lengths[p] = STARTED_EMPTY;
        return true;
      },
      observe(offset, lag, timeMs) {
        if (length === out.capacity) {
          // Longer than the columns: keep the newest, as `of` does.
          const base = partition * out.capacity;
          out.#floats.copyWithin(3 * base, 3 * (base + 1), 3 * (base + length));
          length--;
        }
        if (!out.#writeStored(partition, length, offset, lag, timeMs)) return false;
        out.#lengths[partition] = ++length;
        return true;
      },
      drop() {
        out.#lengths[partition] = DROPPED;
      },
    };
    fill(builder);
    let kept = 0;
    for (const p of out.#order) {
      const marker = out.#lengths[p];
      if (marker === DROPPED) {
        out.#lengths[p] = 0;
        continue;
      }
      if (marker === STARTED_EMPTY) out.#lengths[p] = 0;
      out.#order[kept++] = p;
    }
    out.#order.length = kept;
    return out;
  }

  /** These windows in columns of another `capacity`, each keeping its newest observations. */
  #relayout(capacity: number): TopicCommitWindows {
    const out = new TopicCommitWindows(capacity, this.#slots);
    for (const partition of this.#order) {
      const length = this.#lengths[partition]!;
      const kept = Math.min(length, capacity);
      const from = 3 * (partition * this.capacity + length - kept);
      out.#floats.set(this.#floats.subarray(from, from + 3 * kept), 3 * partition * capacity);
      out.#lengths[partition] = kept;
      out.#order.push(partition);
    }
    return out;
  }

  /** The windows this one was started from (`after`), whose lengths say what the copied columns hold. */
  #previous: TopicCommitWindows | undefined;

  /**
   * Records this cycle's observation of `partition` as `recordObservation` does: merged
   * into the last one when closer than `minDistanceMs`, the oldest dropped beyond the
   * capacity, ignored when older than the last one.
   */
  record(partition: number, offset: bigint, lag: bigint | null, timeMs: number, minDistanceMs: number): void {
    if (partition >= this.#slots) this.#grow(partition + 1);
    const previous = this.#previous;
    let length = previous !== undefined && partition < previous.#slots ? previous.#lengths[partition]! : 0;
    const base = partition * this.capacity;
    const lastTime = length === 0 ? 0 : this.#floats[3 * (base + length - 1) + 2]!;
    if (length === 0 || !(timeMs < lastTime)) {
      if (length > 0 && timeMs - lastTime < minDistanceMs) length--;
      else if (length === this.capacity) {
        // Full: the oldest goes (a memmove of the partition's records).
        this.#floats.copyWithin(3 * base, 3 * (base + 1), 3 * (base + length));
        length--;
      }
      this.#write(partition, length, offset, lag, timeMs);
      length++;
    }
    if (this.#lengths[partition] === 0) this.#order.push(partition);
    this.#lengths[partition] = length;
  }

  /** The partitions with a window, in the Map's order. */
  partitions(): readonly number[] {
    return this.#order;
  }

  /** Observations in `partition`'s window (0 when it has none). */
  length(partition: number): number {
    return partition < this.#slots ? this.#lengths[partition]! : 0;
  }

  /** Observation `i` (0 = oldest) of `partition`'s window. */
  offsetAt(partition: number, i: number): bigint {
    return this.#ints[3 * (partition * this.capacity + i)]!;
  }

  /** Lag of observation `i`; `null` when unknown. */
  lagAt(partition: number, i: number): bigint | null {
    const lag = this.#ints[3 * (partition * this.capacity + i) + 1]!;
    return lag === NO_LAG ? null : lag;
  }

  /** Whether the lag of observation `i` is known and ≤ 0 (Burrow's "caught up"), without boxing a null. */
  caughtUpAt(partition: number, i: number): boolean {
    const lag = this.#ints[3 * (partition * this.capacity + i) + 1]!;
    return lag !== NO_LAG && lag <= 0n;
  }

  timeAt(partition: number, i: number): number {
    return this.#floats[3 * (partition * this.capacity + i) + 2]!;
  }

  /** `partition`'s window as observation objects (what the Map side holds). */
  observations(partition: number): CommitObservation[] {
    const out: CommitObservation[] = [];
    for (let i = 0; i < this.length(partition); i++) out.push({ offset: this.offsetAt(partition, i), lag: this.lagAt(partition, i), timeMs: this.timeAt(partition, i) });
    return out;
  }

  /** Done recording: forget the windows this one was started from (they may be collected). */
  seal(): this {
    this.#previous = undefined;
    return this;
  }

  #write(partition: number, i: number, offset: bigint, lag: bigint | null, timeMs: number): void {
    const k = 3 * (partition * this.capacity + i);
    this.#ints[k] = offset;
    this.#ints[k + 1] = lag ?? NO_LAG;
    this.#floats[k + 2] = timeMs;
  }

  /**
   * Writes a stored observation: numbers (what the decoder reads below 2^53) go into the
   * int64 columns as two 32-bit words, without a bigint each. False when a value does not
   * fit the columns (then the window is dropped).
   */
  #writeStored(partition: number, i: number, offset: number | bigint, lag: number | bigint | null, timeMs: number): boolean {
    const k = 3 * (partition * this.capacity + i);
    if (!this.#writeInt(k, offset)) return false;
    if (lag === null) this.#ints[k + 1] = NO_LAG;
    else if (lag === NO_LAG || !this.#writeInt(k + 1, lag)) return false;
    this.#floats[k + 2] = timeMs;
    return true;
  }

  #writeInt(k: number, value: number | bigint): boolean {
    if (typeof value === 'number') {
      if (LITTLE_ENDIAN && value >= 0 && value <= Number.MAX_SAFE_INTEGER && Number.isInteger(value)) {
        this.#words[2 * k] = value % 0x1_0000_0000;
        this.#words[2 * k + 1] = Math.floor(value / 0x1_0000_0000);
        return true;
      }
      if (!Number.isSafeInteger(value)) return false;
      value = BigInt(value);
    }
    if (value < NO_LAG || value > INT64_MAX) return false;
    this.#ints[k] = value;
    return true;
  }

  #grow(slots: number): void {
    const bigger = new TopicCommitWindows(this.capacity, Math.max(slots, this.#slots * 2));
    bigger.#ints.set(this.#ints);
    bigger.#lengths.set(this.#lengths);
    this.#slots = bigger.#slots;
    this.#ints = bigger.#ints;
    this.#floats = bigger.#floats;
    this.#words = bigger.#words;
    this.#lengths = bigger.#lengths;
  }

  /** Fills the Map side from the columns, once. */
  #materialize(): void {
    if (this.#materialized) return;
    this.#materialized = true;
    for (const partition of this.#order) super.set(partition, this.observations(partition));
  }

  override get size(): number {
    this.#materialize();
    return super.size;
  }

  override has(partition: number): boolean {
    this.#materialize();
    return super.has(partition);
  }

  override get(partition: number): readonly CommitObservation[] | undefined {
    this.#materialize();
    return super.get(partition);
  }

  override keys(): MapIterator<number> {
    this.#materialize();
    return super.keys();
  }

  override values(): MapIterator<readonly CommitObservation[]> {
    this.#materialize();
    return super.values();
  }

  override entries(): MapIterator<[number, readonly CommitObservation[]]> {
    this.#materialize();
    return super.entries();
  }

  override [Symbol.iterator](): MapIterator<[number, readonly CommitObservation[]]> {
    return this.entries();
  }

  override forEach(callback: (value: readonly CommitObservation[], key: number, map: Map<number, readonly CommitObservation[]>) => void, thisArg?: unknown): void {
    this.#materialize();
    super.forEach(callback, thisArg);
  }

  override set(): this {
    throw new TypeError('commit windows are read-only: record() builds the next cycle\'s');
  }

  override delete(): boolean {
    throw new TypeError('commit windows are read-only');
  }

  override clear(): void {
    throw new TypeError('commit windows are read-only');
  }
}

/**
 * Zeroed memory for the columns, cut from shared chunks: a new `ArrayBuffer` costs ~1.5 µs
 * (it is allocated outside the heap and registered with the collector), a view on an
 * existing one ~0.1 µs, and a cycle builds one set of columns per group and topic. Cuts
 * are never reused: a chunk is freed when no columns cut from it are left.
 */
const CHUNK_BYTES = 256 * 1024;
let chunk = new ArrayBuffer(CHUNK_BYTES);
let chunkUsed = 0;

function allocate(bytes: number): { buffer: ArrayBuffer; offset: number } {
  // Multiples of 8: the int64 and float64 views need aligned offsets.
  const size = Math.ceil(bytes / 8) * 8;
  if (size > CHUNK_BYTES / 4) return { buffer: new ArrayBuffer(size), offset: 0 };
  if (chunkUsed + size > CHUNK_BYTES) {
    chunk = new ArrayBuffer(CHUNK_BYTES);
    chunkUsed = 0;
  }
  const offset = chunkUsed;
  chunkUsed += size;
  return { buffer: chunk, offset };
}

/** Whether an observation's values fit the columns (int64 offset and lag, the lag not the null marker). */
function fitsColumns(o: CommitObservation): boolean {
  return o.offset >= NO_LAG && o.offset <= INT64_MAX && (o.lag === null || (o.lag > NO_LAG && o.lag <= INT64_MAX));
}

/** What {@link TopicCommitWindows.build} hands the decoder. */
export interface CommitWindowsBuilder {
  /** Starts `partition`'s window (empty); false when it is not a partition number (skip its window). */
  window(partition: number): boolean;
  /** Appends the next observation of the current window; false when a value does not fit (then `drop` it). */
  observe(offset: number | bigint, lag: number | bigint | null, timeMs: number): boolean;
  /** Drops the current window. */
  drop(): void;
}
