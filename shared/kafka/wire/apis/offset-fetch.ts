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
