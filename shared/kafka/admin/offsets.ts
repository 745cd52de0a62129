// Offset operations: committed offsets of many groups (one OffsetFetch per coordinator,
// KIP-709), log offsets (one ListOffsets per partition leader), and the admin commits of
// the offset reset (OffsetCommit / OffsetDelete outside any generation).
import { listOffsetsV6, offsetCommitV8, offsetDeleteV0, offsetFetchV8, offsetFetchV8Committed, protocolError } from '../wire/index.ts';
import type { KafkaApi, ListOffsetsRequestPartition, OffsetFetchRequest } from '../wire/index.ts';
import type { ClusterConnections } from './cluster.ts';
import { KafkaPartitionErrors, KafkaRoutingError, KafkaUnknownTopicsError } from './errors.ts';
import { COORDINATOR_ERRORS, coordinatorMoved, type Coordinators, type MovedGroup } from './groups.ts';
import type { MetadataCache } from './metadata.ts';
import type {
  AlterConsumerGroupOffsetsOptions,
  CommittedTopicOffsets,
  DeleteConsumerGroupOffsetsOptions,
  ListConsumerGroupOffsetsGroup,
  ListConsumerGroupOffsetsOptions,
  ListOffsetsOptions,
  ListedOffsetsTopic,
  PartitionResponse,
} from './types.ts';

const UNKNOWN_TOPIC_OR_PARTITION = 3;
/** ListOffsets errors that mean the cached leader is stale. */
const LEADER_ERRORS: ReadonlySet<number> = new Set([5, 6, 74, 75, 78]);

type FetchGroup = { groupId: string; topics: { name: string; partitionIndexes: number[] }[] | null };

export async function listConsumerGroupOffsets(
  cluster: ClusterConnections,
  coordinators: Coordinators,
  options: ListConsumerGroupOffsetsOptions,
): Promise<ListConsumerGroupOffsetsGroup[]> {
  const requested: FetchGroup[] = options.groups.map((g) =>
    typeof g === 'string'
      ? { groupId: g, topics: null }
      : { groupId: g.groupId, topics: g.topics === undefined ? null : g.topics.map((t) => ({ name: t.name, partitionIndexes: [...t.partitionIndexes] })) },
  );
  const results = await offsetFetch(cluster, coordinators, requested, options.requireStable ?? false, offsetFetchV8, (g) => {
    const topics: ListConsumerGroupOffsetsGroup['topics'] = [];
    for (const t of g.topics) {
      const partitions = [];
      for (const p of t.partitions) {
        if (p.errorCode !== 0) throw protocolError(p.errorCode, `OffsetFetch for group '${g.groupId}', partition ${t.name}-${p.partitionIndex}`);
        partitions.push({ partitionIndex: p.partitionIndex, committedOffset: p.committedOffset, committedLeaderEpoch: p.committedLeaderEpoch, metadata: p.metadata });
      }
      topics.push({ name: t.name, partitions });
    }
    return { groupId: g.groupId, topics };
  });
  return requested.map((g) => results.get(g.groupId) ?? { groupId: g.groupId, topics: [] });
}

/**
 * What {@link listConsumerGroupOffsets} reads for whole groups, in the compact form of
 * `offsetFetchV8Committed`: per group (each id asked gets an entry), the topics it has
 * committed on, with the committed offset by partition index.
 */
export async function listCommittedOffsets(cluster: ClusterConnections, coordinators: Coordinators, groupIds: readonly string[]): Promise<Map<string, CommittedTopicOffsets[]>> {
  const requested = groupIds.map((groupId): FetchGroup => ({ groupId, topics: null }));
  const results = await offsetFetch(cluster, coordinators, requested, false, offsetFetchV8Committed, (g) => {
    const failed = g.partitionError;
    if (failed !== null) throw protocolError(failed.errorCode, `OffsetFetch for group '${g.groupId}', partition ${failed.topic}-${failed.partitionIndex}`);
    return g.topics;
  });
  return new Map(groupIds.map((id) => [id, results.get(id) ?? []]));
}

type OffsetFetchApi<G> = KafkaApi<OffsetFetchRequest, { groups: G[] }>;

/**
 * One OffsetFetch per coordinator for the groups it coordinates, retried for the groups
 * whose coordinator moved. `convert` turns an answered group into the caller's result and
 * throws for the partition errors it finds; a group-level error throws here.
 */
async function offsetFetch<G extends { groupId: string; errorCode: number }, R>(
  cluster: ClusterConnections,
  coordinators: Coordinators,
  requested: readonly FetchGroup[],
  requireStable: boolean,
  api: OffsetFetchApi<G>,
  convert: (group: G) => R,
): Promise<Map<string, R>> {
  const byId = new Map(requested.map((g) => [g.groupId, g]));
  const results = new Map<string, R>();
  await cluster.withRetries(async (attempt) => {
    const pending = [...byId.keys()].filter((id) => !results.has(id));
    const byNode = await coordinators.byNode(pending, attempt > 0);
    const moved: MovedGroup[] = [];
    await Promise.all(
      [...byNode.values()].map(async ({ coordinator, groupIds }) => {
        const response = await cluster.request(coordinator, api, { groups: groupIds.map((id) => byId.get(id)!), requireStable });
        for (const g of response.groups) {
          if (COORDINATOR_ERRORS.has(g.errorCode)) {
            moved.push({ groupId: g.groupId, errorCode: g.errorCode });
            continue;
          }
          if (g.errorCode !== 0) throw protocolError(g.errorCode, `OffsetFetch for group '${g.groupId}'`);
          results.set(g.groupId, convert(g));
        }
      }),
    );
    if (moved.length > 0) throw coordinatorMoved('OffsetFetch', moved, coordinators);
  });
  return results;
}

/** Log offsets at a timestamp (−1 end, −2 start, or epoch ms), one ListOffsets per partition leader. */
export async function listOffsets(cluster: ClusterConnections, metadata: MetadataCache, options: ListOffsetsOptions, metadataMaxAgeMs: number): Promise<ListedOffsetsTopic[]> {
  const names = [...new Set(options.topics.map((t) => t.name))];
  const maxAgeMs = options.metadataMaxAgeMs ?? metadataMaxAgeMs;
  return cluster.withRetries(async (attempt) => {
    const stale = names.filter((t) => attempt > 0 || metadata.cached(t, maxAgeMs) === undefined);
    // One Metadata request per attempt: this loop is the one that retries.
    if (stale.length > 0) await metadata.refresh(stale);
    const byLeader = new Map<number, Map<string, ListOffsetsRequestPartition[]>>();
    for (const topic of options.topics) {
      const layout = metadata.cached(topic.name, Number.POSITIVE_INFINITY);
      if (!layout) throw new KafkaUnknownTopicsError([topic.name]);
      // The list of the previous partition's leader: consecutive partitions often share one.
      let listLeader = -1;
      let list: ListOffsetsRequestPartition[] = [];
      for (const p of topic.partitions) {
        const leader = layout.partitions[p.partitionIndex]?.leader;
        if (leader === undefined) throw new KafkaRoutingError(`partition ${topic.name}-${p.partitionIndex} does not exist (the topic has ${layout.partitionsCount})`, { retriable: false });
        if (leader < 0) throw new KafkaRoutingError(`partition ${topic.name}-${p.partitionIndex} has no leader`);
        if (leader !== listLeader) {
          list = leaderList(byLeader, leader, topic.name);
          listLeader = leader;
        }
        list.push(hasTimestamp(p) ? p : { partitionIndex: p.partitionIndex, timestamp: -1n });
      }
    }
    const answers = new Map<string, ListedOffsetsTopic>(names.map((name) => [name, { name, partitions: [] }]));
    await Promise.all(
      [...byLeader.entries()].map(async ([leader, topics]) => {
        const response = await cluster.request(cluster.broker(leader), listOffsetsV6, {
          isolationLevel: options.isolationLevel ?? 0,
          topics: [...topics].map(([name, partitions]) => ({ name, partitions })),
        });
        for (const t of response.topics) {
          const answer = answers.get(t.name);
          for (const p of t.partitions) {
            if (p.errorCode === UNKNOWN_TOPIC_OR_PARTITION) throw new KafkaUnknownTopicsError([t.name]);
            if (LEADER_ERRORS.has(p.errorCode)) metadata.forget([t.name]);
            if (p.errorCode !== 0) throw protocolError(p.errorCode, `ListOffsets for ${t.name}-${p.partitionIndex} on broker ${leader}`);
            answer?.partitions.push({ partitionIndex: p.partitionIndex, offset: p.offset, timestamp: p.timestamp, leaderEpoch: p.leaderEpoch });
          }
        }
      }),
    );
    return [...answers.values()];
  });
}

/** Whether a partition of {@link ListOffsetsOptions} names its timestamp: then it goes into the request as it is, no copy. */
function hasTimestamp(p: ListOffsetsOptions['topics'][number]['partitions'][number]): p is ListOffsetsRequestPartition {
  return p.timestamp !== undefined;
}

/** The request list of `topic`'s partitions led by `leader`, created on first use. */
function leaderList(byLeader: Map<number, Map<string, ListOffsetsRequestPartition[]>>, leader: number, topic: string): ListOffsetsRequestPartition[] {
  let topics = byLeader.get(leader);
  if (topics === undefined) byLeader.set(leader, (topics = new Map()));
  let list = topics.get(topic);
  if (list === undefined) topics.set(topic, (list = []));
  return list;
}

/** Commits offsets for a group with no members (generation −1, no member id), as kafka-consumer-groups.sh --reset-offsets does. */
export async function alterConsumerGroupOffsets(cluster: ClusterConnections, coordinators: Coordinators, options: AlterConsumerGroupOffsetsOptions): Promise<void> {
  await cluster.withRetries(async (attempt) => {
    const [coordinator] = await coordinators.of([options.groupId], attempt > 0);
    const response = await cluster.request(coordinator!, offsetCommitV8, {
      groupId: options.groupId,
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
      topics: options.topics.map((t) => ({
        name: t.name,
        partitions: t.partitionOffsets.map((p) => ({ partitionIndex: p.partition, committedOffset: p.offset, committedLeaderEpoch: -1, committedMetadata: null })),
      })),
    });
    throwPartitionErrors('OffsetCommit', options.groupId, response, coordinators);
  });
}

/** Deletes a group's committed offsets of some partitions (OffsetDelete, KIP-496). */
export async function deleteConsumerGroupOffsets(
  cluster: ClusterConnections,
  coordinators: Coordinators,
  options: DeleteConsumerGroupOffsetsOptions,
): Promise<{ name: string; partitionIndexes: number[] }[]> {
  await cluster.withRetries(async (attempt) => {
    const [coordinator] = await coordinators.of([options.groupId], attempt > 0);
    const response = await cluster.request(coordinator!, offsetDeleteV0, {
      groupId: options.groupId,
      topics: options.topics.map((t) => ({ name: t.name, partitions: [...t.partitionIndexes] })),
    });
    if (COORDINATOR_ERRORS.has(response.errorCode)) coordinators.forget([options.groupId]);
    if (response.errorCode !== 0) throw protocolError(response.errorCode, `OffsetDelete for group '${options.groupId}'`);
    throwPartitionErrors('OffsetDelete', options.groupId, response, coordinators);
  });
  return options.topics.map((t) => ({ name: t.name, partitionIndexes: [...t.partitionIndexes] }));
}

function throwPartitionErrors(api: string, groupId: string, response: PartitionResponse, coordinators: Coordinators): void {
  const codes = response.topics.flatMap((t) => t.partitions.map((p) => p.errorCode)).filter((code) => code !== 0);
  if (codes.length === 0) return;
  if (codes.some((code) => COORDINATOR_ERRORS.has(code))) coordinators.forget([groupId]);
  // Retried (the whole request: commits and deletes are idempotent) only when every refusal is.
  const retriable = codes.every((code) => protocolError(code, api).retriable);
  throw new KafkaPartitionErrors(api, groupId, response, retriable);
}
