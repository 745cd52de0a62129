import type { KafkaAdmin } from '../kafka/index.ts';
import { chunk } from './batching.ts';
import { LIST_OFFSETS_EARLIEST, LIST_OFFSETS_LATEST } from './constants.ts';
import type { LogOffsets, TopicLayout } from './collect-offsets.ts';
import type { CollectedTopic } from './types.ts';

/** Log offsets read early, for the topics the previous cycle knew. */
export interface PrefetchedLogOffsets {
  /** The partition count each topic was asked with (the previous cycle's). */
  readonly partitionCounts: ReadonlyMap<string, number>;
  /**
   * Partition counts and leaders: this cycle's, from the Metadata request sent alongside
   * (`refresh`), or the ones the client cached when it last asked.
   */
  readonly layouts: ReadonlyMap<string, TopicLayout>;
  readonly ends: LogOffsets;
  readonly starts: LogOffsets;
}

/**
 * Log end and start offsets of every partition of the `known` topics, asked at the start
 * of a cycle, before the group requests: ListOffsets routed by the leaders the previous
 * cycle's Metadata named (a leader that moved answers NOT_LEADER_OR_FOLLOWER and the
 * client retries with fresh metadata). With `refresh`, one Metadata request alongside,
 * whose answer says which of the offsets still describe the topics (see
 * {@link prefetchedTopic}); without, the layouts the client cached are taken as they are:
 * a topic deleted since answers UNKNOWN_TOPIC_OR_PARTITION, a moved leader
 * NOT_LEADER_OR_FOLLOWER, and only added partitions go unseen (see `outdatedTopics` in
 * `collectLag`).
 * A broker answers one connection's requests in order, so offsets asked first are in
 * before the committed offsets: groups can be evaluated as their committed offsets arrive.
 * Never rejects: any failure (a deleted topic, a partition without a leader, a broker
 * down) resolves to `undefined` and the cycle takes the ordinary path, whose per-leader
 * fallbacks attribute errors precisely.
 */
export async function prefetchLogOffsets(
  admin: KafkaAdmin,
  known: ReadonlyMap<string, number> | undefined,
  topicsPerCall: number,
  refresh: boolean,
): Promise<PrefetchedLogOffsets | undefined> {
  if (known === undefined || known.size === 0) return undefined;
  const topics = [...known.keys()];
  try {
    const [metadata, ends, starts] = await Promise.all([
      // Without `refresh`, a topic missing from the cache (another admin call forgot it) is asked.
      admin.metadata(refresh ? { topics, forceUpdate: true } : { topics, metadataMaxAge: Number.POSITIVE_INFINITY }),
      askAll(admin, known, LIST_OFFSETS_LATEST, topicsPerCall),
      askAll(admin, known, LIST_OFFSETS_EARLIEST, topicsPerCall),
    ]);
    const layouts = new Map<string, TopicLayout>();
    for (const [topic, info] of metadata.topics) layouts.set(topic, { partitionCount: info.partitionsCount, leaders: info.partitions.map((p) => p.leader) });
    return { partitionCounts: known, layouts, ends, starts };
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
    // Routed by the leaders cached whenever (the previous cycle's Metadata): the forced
    // Metadata request sent alongside is the freshness check, not a request before this one.
    const answer = await admin.listOffsets({ topics: batch.map(([name, count]) => ({ name, partitions: partitionsUpTo(count) })), metadataMaxAgeMs: Number.POSITIVE_INFINITY });
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
 * `topic` as the prefetch read it, when its offsets describe the topic as this cycle's
 * metadata does: the same partition count as asked, a leader for every partition, every
 * partition answered. Otherwise `undefined`: the topic is asked again after the group
 * requests, as on a first cycle.
 */
export function prefetchedTopic(prefetched: PrefetchedLogOffsets, topic: string): CollectedTopic | undefined {
  const layout = prefetched.layouts.get(topic);
  if (layout === undefined || prefetched.partitionCounts.get(topic) !== layout.partitionCount || !layout.leaders.every((leader) => leader >= 0)) return undefined;
  const logEndOffsets = prefetched.ends.get(topic);
  const logStartOffsets = prefetched.starts.get(topic);
  if (!complete(logEndOffsets, layout.partitionCount) || !complete(logStartOffsets, layout.partitionCount)) return undefined;
  return { topic, partitionCount: layout.partitionCount, logStartOffsets: logStartOffsets!, logEndOffsets: logEndOffsets! };
}
