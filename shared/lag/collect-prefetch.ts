import type { KafkaAdmin } from '../kafka/index.ts';
import { chunk } from './batching.ts';
import { LIST_OFFSETS_EARLIEST, LIST_OFFSETS_LATEST } from './constants.ts';
import { fetchLogOffsets } from './collect-offsets.ts';
import type { LogOffsets, TopicLayout } from './collect-offsets.ts';

/** Log offsets read early, for the topics the previous cycle knew. */
export interface PrefetchedLogOffsets {
  /** The partition count each topic was asked with. */
  readonly partitionCounts: ReadonlyMap<string, number>;
  readonly ends: LogOffsets;
  readonly starts: LogOffsets;
}

/** What {@link fetchLogOffsets} returns, for log end and log start. */
export interface LogOffsetsResult {
  readonly ends: { offsets: LogOffsets; unavailable: Map<string, string> };
  readonly starts: { offsets: LogOffsets; unavailable: Map<string, string> };
}

/**
 * Log end and start offsets of every partition of the `known` topics, asked while the group
 * requests are in flight: one Metadata request (fresh partition counts and leaders, which
 * collectLag then reads from the client's cache instead of asking after the group
 * requests), then ListOffsets routed by it. Never rejects: any failure (a deleted topic, a
 * partition without a leader, a broker down) resolves to `undefined` and the cycle takes
 * the ordinary path, whose per-leader fallbacks attribute errors precisely.
 */
export async function prefetchLogOffsets(admin: KafkaAdmin, known: ReadonlyMap<string, number> | undefined, topicsPerCall: number): Promise<PrefetchedLogOffsets | undefined> {
  if (known === undefined || known.size === 0) return undefined;
  try {
    const metadata = await admin.metadata({ topics: [...known.keys()], forceUpdate: true });
    // This cycle's partition counts, not the last cycle's: a topic that grew is covered too.
    const partitionCounts = new Map<string, number>();
    for (const [topic, info] of metadata.topics) partitionCounts.set(topic, info.partitionsCount);
    const [ends, starts] = await Promise.all([askAll(admin, partitionCounts, LIST_OFFSETS_LATEST, topicsPerCall), askAll(admin, partitionCounts, LIST_OFFSETS_EARLIEST, topicsPerCall)]);
    return { partitionCounts, ends, starts };
  } catch {
    return undefined;
  }
}

/** Offsets at `timestamp` of every partition of `counts` (topic -> partition count), one row per topic. */
async function askAll(admin: KafkaAdmin, counts: ReadonlyMap<string, number>, timestamp: bigint, topicsPerCall: number): Promise<LogOffsets> {
  const offsets: LogOffsets = new Map();
  // Topics with the same partition count ask the same partitions: one list each.
  const partitionLists = new Map<number, Array<{ partitionIndex: number; timestamp: bigint }>>();
  const partitionsUpTo = (count: number): Array<{ partitionIndex: number; timestamp: bigint }> => {
    let list = partitionLists.get(count);
    if (list === undefined) {
      list = [];
      for (let partitionIndex = 0; partitionIndex < count; partitionIndex++) list.push({ partitionIndex, timestamp });
      partitionLists.set(count, list);
    }
    return list;
  };
  for (const batch of chunk([...counts], topicsPerCall)) {
    const answer = await admin.listOffsets({ topics: batch.map(([name, count]) => ({ name, partitions: partitionsUpTo(count) })) });
    for (const topic of answer) {
      const row = new Array<bigint | null>(counts.get(topic.name) ?? 0).fill(null);
      for (const p of topic.partitions) if (p.offset >= 0n && p.partitionIndex < row.length) row[p.partitionIndex] = p.offset;
      offsets.set(topic.name, row);
    }
  }
  return offsets;
}

const complete = (row: ReadonlyArray<bigint | null> | undefined, count: number): boolean => row !== undefined && row.length === count && row.every((o) => o !== null);

/**
 * Log offsets of every topic in `layouts`: the prefetched ones where they cover the topic
 * as the fresh metadata describes it (same partition count, every partition answered, a
 * leader for each), the rest asked now.
 */
export async function logOffsetsOf(
  admin: KafkaAdmin,
  layouts: ReadonlyMap<string, TopicLayout>,
  prefetched: PrefetchedLogOffsets | undefined,
  options: { topicsPerCall: number; concurrency: number },
): Promise<LogOffsetsResult> {
  const reused = new Set<string>();
  const remaining = new Map<string, TopicLayout>();
  for (const [topic, layout] of layouts) {
    const usable =
      prefetched !== undefined &&
      prefetched.partitionCounts.get(topic) === layout.partitionCount &&
      layout.leaders.every((leader) => leader >= 0) &&
      complete(prefetched.ends.get(topic), layout.partitionCount) &&
      complete(prefetched.starts.get(topic), layout.partitionCount);
    if (usable) reused.add(topic);
    else remaining.set(topic, layout);
  }
  const [ends, starts] = await Promise.all([
    fetchLogOffsets(admin, remaining, LIST_OFFSETS_LATEST, options),
    fetchLogOffsets(admin, remaining, LIST_OFFSETS_EARLIEST, options),
  ]);
  for (const topic of reused) {
    ends.offsets.set(topic, prefetched!.ends.get(topic)!);
    starts.offsets.set(topic, prefetched!.starts.get(topic)!);
  }
  return { ends, starts };
}
