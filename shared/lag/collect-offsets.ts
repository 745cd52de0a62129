import { KafkaUnknownTopicsError } from '../kafka/index.ts';
import type { KafkaAdmin } from '../kafka/index.ts';
import { chunk, mapWithConcurrency } from './batching.ts';
import { describeError } from './errors.ts';
import { resilientGroupBatch } from './collect-groups.ts';
import type { PartialResults } from './collect-groups.ts';

/**
 * topic -> committed offset by partition index (a hole where the group has no commit); only
 * topics with a commit. Arrays, not maps: assembling a cycle reads every partition of every
 * group, by index.
 */
export type CommittedOffsets = ReadonlyMap<string, ReadonlyArray<bigint | undefined>>;

/**
 * Committed offsets of many groups: one `listCommittedOffsets` call, which the admin
 * client turns into one FindCoordinator (batched, KIP-699) and one OffsetFetch per
 * coordinator carrying all its groups (OffsetFetch v8+, KIP-709). Offsets of `-1` mean
 * "no commit" and are left out.
 */
export async function fetchCommittedOffsets(admin: KafkaAdmin, groupIds: readonly string[], concurrency: number): Promise<PartialResults<CommittedOffsets>> {
  return resilientGroupBatch(
    admin,
    'OffsetFetch',
    groupIds,
    async (ids) => {
      const out = new Map<string, CommittedOffsets>();
      for (const [groupId, topics] of await admin.listCommittedOffsets(ids)) out.set(groupId, new Map(topics.map((t) => [t.name, t.offsets])));
      return out;
    },
    concurrency,
  );
}

/** Partition count and leader of each partition of a topic. */
export interface TopicLayout {
  readonly partitionCount: number;
  /** Leader broker id per partition; −1 when the partition has no leader. */
  readonly leaders: readonly number[];
}

/** Result of {@link fetchTopicLayouts}. */
export interface TopicLayouts {
  readonly layouts: Map<string, TopicLayout>;
  /** Topics the cluster does not know (deleted while groups still hold commits for them). */
  readonly missing: string[];
  readonly errors: string[];
}

/**
 * Partition counts and leaders of the topics involved: one Metadata request. Topics the
 * cluster does not know (deleted while groups still hold commits for them) come back in
 * `missing`, named by their own entries in the broker's answer, and the rest is still
 * described. With `maxAgeMs`, topics the client's cache refreshed within that many
 * milliseconds are answered from the cache (no request).
 */
export async function fetchTopicLayouts(admin: KafkaAdmin, topics: readonly string[], maxAgeMs?: number): Promise<TopicLayouts> {
  const layouts = new Map<string, TopicLayout>();
  const missing: string[] = [];
  const errors: string[] = [];
  let remaining = [...topics];
  for (let attempt = 0; remaining.length > 0 && attempt < 3; attempt++) {
    try {
      // Fresh metadata: leaders move, and stale leaders cost a failed ListOffsets round.
      const freshness = maxAgeMs === undefined || attempt > 0 ? { forceUpdate: true } : { metadataMaxAge: maxAgeMs };
      const metadata = await admin.metadata({ topics: remaining, ...freshness });
      for (const topic of remaining) {
        const info = metadata.topics.get(topic);
        if (info === undefined) missing.push(topic);
        else layouts.set(topic, { partitionCount: info.partitionsCount, leaders: info.partitions.map((p) => p.leader) });
      }
      return { layouts, missing, errors };
    } catch (error) {
      if (!(error instanceof KafkaUnknownTopicsError)) {
        errors.push(`Metadata failed for ${remaining.length} topic(s): ${describeError(error)}`);
        return { layouts, missing, errors };
      }
      missing.push(...error.topics);
      remaining = remaining.filter((t) => !error.topics.includes(t));
    }
  }
  return { layouts, missing, errors };
}

/** topic -> offset per partition (`null` where the leader did not answer). */
export type LogOffsets = Map<string, Array<bigint | null>>;

/**
 * Log end (`timestamp = -1`) or log start (`-2`) offsets of every partition of `topics`:
 * one `listOffsets` call per chunk of topics, which the client splits into one ListOffsets
 * request per partition leader. If it fails, the partitions are asked leader by leader so
 * that only the partitions of a broker that is down or slow stay unknown.
 */
export async function fetchLogOffsets(
  admin: KafkaAdmin,
  layouts: ReadonlyMap<string, TopicLayout>,
  timestamp: bigint,
  options: { topicsPerCall: number; concurrency: number },
): Promise<{ offsets: LogOffsets; unavailable: Map<string, string> }> {
  const offsets: LogOffsets = new Map();
  // `${topic}:${partition}` -> why its offset is unknown
  const unavailable = new Map<string, string>();
  const requests: Array<{ topic: string; partitions: number[] }> = [];
  for (const [topic, layout] of layouts) {
    offsets.set(topic, new Array<bigint | null>(layout.partitionCount).fill(null));
    // A partition without a leader cannot be asked; it stays unknown.
    const led = layout.leaders.flatMap((leader, partition) => (leader >= 0 ? [partition] : []));
    layout.leaders.forEach((leader, partition) => {
      if (leader < 0) unavailable.set(`${topic}:${partition}`, `partition ${topic}-${partition} has no leader`);
    });
    if (led.length > 0) requests.push({ topic, partitions: led });
  }
  const kind = timestamp === -1n ? 'log end' : 'log start';
  const ask = async (batch: Array<{ topic: string; partitions: number[] }>): Promise<void> => {
    const answer = await admin.listOffsets({
      topics: batch.map(({ topic, partitions }) => ({ name: topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex, timestamp })) })),
    });
    for (const topic of answer) {
      const row = offsets.get(topic.name);
      if (row === undefined) continue;
      for (const p of topic.partitions) if (p.offset >= 0n) row[p.partitionIndex] = p.offset;
    }
  };
  await mapWithConcurrency(chunk(requests, options.topicsPerCall), options.concurrency, async (batch) => {
    try {
      await ask(batch);
    } catch {
      const byLeader = new Map<number, Array<{ topic: string; partitions: number[] }>>();
      for (const { topic, partitions } of batch) {
        const leaders = layouts.get(topic)!.leaders;
        for (const partition of partitions) {
          const leader = leaders[partition]!;
          const list = byLeader.get(leader) ?? [];
          const entry = list.find((e) => e.topic === topic);
          if (entry) entry.partitions.push(partition);
          else list.push({ topic, partitions: [partition] });
          byLeader.set(leader, list);
        }
      }
      await mapWithConcurrency([...byLeader.entries()], options.concurrency, async ([leader, perLeader]) => {
        try {
          await ask(perLeader);
        } catch (error) {
          const reason = `ListOffsets (${kind}) to leader broker ${leader} failed: ${describeError(error)}`;
          for (const { topic, partitions } of perLeader) for (const partition of partitions) unavailable.set(`${topic}:${partition}`, reason);
        }
      });
    }
  });
  return { offsets, unavailable };
}
