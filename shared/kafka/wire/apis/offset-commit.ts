import type { KafkaApi } from '../api.ts';
import type { Reader, Writer } from '../codec.ts';

export interface OffsetCommitRequestPartition {
  readonly partitionIndex: number;
  readonly committedOffset: bigint;
  /** -1 when unknown. */
  readonly committedLeaderEpoch: number;
  readonly committedMetadata: string | null;
}

export interface OffsetCommitRequestTopic {
  readonly name: string;
  readonly partitions: readonly OffsetCommitRequestPartition[];
}

export interface OffsetCommitRequest {
  readonly groupId: string;
  /** -1 (with memberId '') commits for a group with no members, as an operator tool does. */
  readonly generationIdOrMemberEpoch: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly topics: readonly OffsetCommitRequestTopic[];
}

export interface OffsetCommitPartition {
  partitionIndex: number;
  errorCode: number;
}

export interface OffsetCommitTopic {
  name: string;
  partitions: OffsetCommitPartition[];
}

export interface OffsetCommitResponse {
  throttleTimeMs: number;
  topics: OffsetCommitTopic[];
}

function writePartition(w: Writer, p: OffsetCommitRequestPartition): void {
  w.int32(p.partitionIndex).int64(p.committedOffset).int32(p.committedLeaderEpoch).compactNullableString(p.committedMetadata).taggedFields();
}

function writeTopic(w: Writer, topic: OffsetCommitRequestTopic): void {
  w.compactString(topic.name).compactArray(topic.partitions, writePartition).taggedFields();
}

function readPartition(r: Reader): OffsetCommitPartition {
  const partition = { partitionIndex: r.int32(), errorCode: r.int16() };
  r.skipTaggedFields();
  return partition;
}

function readTopic(r: Reader): OffsetCommitTopic {
  const topic = { name: r.compactString(), partitions: r.compactArray(readPartition) };
  r.skipTaggedFields();
  return topic;
}

/**
 * OffsetCommit v8 (key 8, Kafka 2.4+): commits offsets for one group; send to its coordinator.
 *
 * @example
 * await connection.request(offsetCommitV8, { groupId: 'orders-service', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 42n, committedLeaderEpoch: -1, committedMetadata: null }] }] });
 */
export const offsetCommitV8: KafkaApi<OffsetCommitRequest, OffsetCommitResponse> = {
  name: 'OffsetCommit',
  key: 8,
  version: 8,
  flexible: true,
  since: '2.4',
  encode(w: Writer, request: OffsetCommitRequest): void {
    w.compactString(request.groupId)
      .int32(request.generationIdOrMemberEpoch)
      .compactString(request.memberId)
      .compactNullableString(request.groupInstanceId)
      .compactArray(request.topics, writeTopic)
      .taggedFields();
  },
  decode(r: Reader): OffsetCommitResponse {
    const response = { throttleTimeMs: r.int32(), topics: r.compactArray(readTopic) };
    r.skipTaggedFields();
    return response;
  },
};
