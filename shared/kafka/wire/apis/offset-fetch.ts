import type { KafkaApi } from '../api.ts';
import type { Reader, Writer } from '../codec.ts';

export interface OffsetFetchRequestTopic {
  readonly name: string;
  readonly partitionIndexes: readonly number[];
}

export interface OffsetFetchRequestGroup {
  readonly groupId: string;
  /** null fetches every partition the group has committed. */
  readonly topics: readonly OffsetFetchRequestTopic[] | null;
}

export interface OffsetFetchRequest {
  readonly groups: readonly OffsetFetchRequestGroup[];
  /** Wait for pending transactional commits (UNSTABLE_OFFSET_COMMIT until they settle). */
  readonly requireStable: boolean;
}

export interface OffsetFetchPartition {
  partitionIndex: number;
  /** -1 when the group has no committed offset for the partition. */
  committedOffset: bigint;
  committedLeaderEpoch: number;
  metadata: string | null;
  errorCode: number;
}

export interface OffsetFetchTopic {
  name: string;
  partitions: OffsetFetchPartition[];
}

export interface OffsetFetchGroup {
  groupId: string;
  topics: OffsetFetchTopic[];
  errorCode: number;
}

export interface OffsetFetchResponse {
  throttleTimeMs: number;
  groups: OffsetFetchGroup[];
}

/** One topic of an {@link offsetFetchV8Committed} answer. */
export interface OffsetFetchCommittedTopic {
  name: string;
  /** Committed offset by partition index; a hole (`undefined`) where the group has no commit. */
  offsets: Array<bigint | undefined>;
}

/** One group of an {@link offsetFetchV8Committed} answer. */
export interface OffsetFetchCommittedGroup {
  groupId: string;
  errorCode: number;
  /** The topics where the group has at least one committed offset. */
  topics: OffsetFetchCommittedTopic[];
  /** The first partition answered with an error code (its offset is left out), or null. */
  partitionError: { topic: string; partitionIndex: number; errorCode: number } | null;
}

export interface OffsetFetchCommittedResponse {
  throttleTimeMs: number;
  groups: OffsetFetchCommittedGroup[];
}

function writeTopic(w: Writer, topic: OffsetFetchRequestTopic): void {
  w.compactString(topic.name).compactInt32Array(topic.partitionIndexes).taggedFields();
}

function writeGroup(w: Writer, group: OffsetFetchRequestGroup): void {
  w.compactString(group.groupId).compactArray(group.topics, writeTopic).taggedFields();
}

function readPartition(r: Reader): OffsetFetchPartition {
  const partition = {
    partitionIndex: r.int32(),
    committedOffset: r.int64(),
    committedLeaderEpoch: r.int32(),
    metadata: r.compactNullableString(),
    errorCode: r.int16(),
  };
  r.skipTaggedFields();
  return partition;
}

function readTopic(r: Reader): OffsetFetchTopic {
  const topic = { name: r.compactString(), partitions: r.compactArray(readPartition) };
  r.skipTaggedFields();
  return topic;
}

function readGroup(r: Reader): OffsetFetchGroup {
  const group = { groupId: r.compactString(), topics: r.compactArray(readTopic), errorCode: r.int16() };
  r.skipTaggedFields();
  return group;
}

/**
 * Reads a group straight into {@link OffsetFetchCommittedGroup}: no object per partition,
 * no BigInt for a partition without a commit, no string for the commit metadata. This runs
 * for every partition of every monitored group each cycle.
 */
function readCommittedGroup(r: Reader): OffsetFetchCommittedGroup {
  const groupId = r.compactString();
  const topics: OffsetFetchCommittedTopic[] = [];
  let partitionError: OffsetFetchCommittedGroup['partitionError'] = null;
  for (let t = r.compactArrayLength(); t > 0; t--) {
    const name = r.compactString();
    const offsets: Array<bigint | undefined> = [];
    let committed = 0;
    for (let p = r.compactArrayLength(); p > 0; p--) {
      const partitionIndex = r.int32();
      const offset = r.offsetOrUndefined();
      r.skip(4); // committed_leader_epoch
      r.skipCompactBytes(); // metadata
      const errorCode = r.int16();
      r.skipTaggedFields();
      if (errorCode !== 0) partitionError ??= { topic: name, partitionIndex, errorCode };
      else if (offset !== undefined && partitionIndex >= 0) {
        offsets[partitionIndex] = offset;
        committed++;
      }
    }
    r.skipTaggedFields();
    if (committed > 0) topics.push({ name, offsets });
  }
  const errorCode = r.int16();
  r.skipTaggedFields();
  return { groupId, errorCode, topics, partitionError };
}

/**
 * OffsetFetch v8 (key 9, Kafka 3.0+): committed offsets of many groups in one request (KIP-709).
 *
 * @example
 * const { groups } = await connection.request(offsetFetchV8, { groups: [{ groupId: 'orders-service', topics: null }], requireStable: false });
 */
export const offsetFetchV8: KafkaApi<OffsetFetchRequest, OffsetFetchResponse> = {
  name: 'OffsetFetch',
  key: 9,
  version: 8,
  flexible: true,
  since: '3.0',
  encode(w: Writer, request: OffsetFetchRequest): void {
    w.compactArray(request.groups, writeGroup).boolean(request.requireStable).taggedFields();
  },
  decode(r: Reader): OffsetFetchResponse {
    const response = { throttleTimeMs: r.int32(), groups: r.compactArray(readGroup) };
    r.skipTaggedFields();
    return response;
  },
};

/**
 * OffsetFetch v8 with a compact answer: per group, the committed offsets by partition index
 * (partitions without a commit, leader epochs and commit metadata left out), for callers
 * that read every partition of many groups (the lag monitor). The request is
 * {@link offsetFetchV8}'s.
 *
 * @example
 * const { groups } = await connection.request(offsetFetchV8Committed, { groups: [{ groupId: 'orders-service', topics: null }], requireStable: false });
 * groups[0].topics[0].offsets[3]; // partition 3's committed offset, or undefined
 */
export const offsetFetchV8Committed: KafkaApi<OffsetFetchRequest, OffsetFetchCommittedResponse> = {
  ...offsetFetchV8,
  decode(r: Reader): OffsetFetchCommittedResponse {
    const throttleTimeMs = r.int32();
    const groups: OffsetFetchCommittedGroup[] = [];
    for (let g = r.compactArrayLength(); g > 0; g--) groups.push(readCommittedGroup(r));
    r.skipTaggedFields();
    return { throttleTimeMs, groups };
  },
};
