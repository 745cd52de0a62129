import type { KafkaApi } from '../api.ts';
import type { Reader, Writer } from '../codec.ts';

export interface ListOffsetsRequestPartition {
  readonly partitionIndex: number;
  /** -1 = latest (log end), -2 = earliest, otherwise the first offset whose timestamp is at or after this (ms). */
  readonly timestamp: bigint;
}

export interface ListOffsetsRequestTopic {
  readonly name: string;
  readonly partitions: readonly ListOffsetsRequestPartition[];
}

export interface ListOffsetsRequest {
  /** 0 = read uncommitted (log end), 1 = read committed (last stable offset). */
  readonly isolationLevel: number;
  readonly topics: readonly ListOffsetsRequestTopic[];
}

export interface ListOffsetsPartition {
  partitionIndex: number;
  errorCode: number;
  /** The found record's timestamp; -1 for earliest/latest. */
  timestamp: bigint;
  /** -1 when no record has a timestamp at or after the one asked for. */
  offset: bigint;
  leaderEpoch: number;
}

export interface ListOffsetsTopic {
  name: string;
  partitions: ListOffsetsPartition[];
}

export interface ListOffsetsResponse {
  throttleTimeMs: number;
  topics: ListOffsetsTopic[];
}

function writePartition(w: Writer, partition: ListOffsetsRequestPartition): void {
  // current_leader_epoch -1: no fencing, the admin layer routes by fresh metadata anyway.
  w.int32(partition.partitionIndex).int32(-1).int64(partition.timestamp).taggedFields();
}

function writeTopic(w: Writer, topic: ListOffsetsRequestTopic): void {
  w.compactString(topic.name).compactArray(topic.partitions, writePartition).taggedFields();
}

function readPartition(r: Reader): ListOffsetsPartition {
  const partition = { partitionIndex: r.int32(), errorCode: r.int16(), timestamp: r.int64(), offset: r.int64(), leaderEpoch: r.int32() };
  r.skipTaggedFields();
  return partition;
}

function readTopic(r: Reader): ListOffsetsTopic {
  const topic = { name: r.compactString(), partitions: r.compactArray(readPartition) };
  r.skipTaggedFields();
  return topic;
}

/**
 * ListOffsets v6 (key 2, Kafka 2.5+): offsets by timestamp, earliest or latest; send to each partition's leader.
 *
 * @example
 * const { topics } = await connection.request(listOffsetsV6, { isolationLevel: 0, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, timestamp: -1n }] }] });
 */
export const listOffsetsV6: KafkaApi<ListOffsetsRequest, ListOffsetsResponse> = {
  name: 'ListOffsets',
  key: 2,
  version: 6,
  flexible: true,
  since: '2.5',
  encode(w: Writer, request: ListOffsetsRequest): void {
    // replica_id -1: a client, not a follower.
    w.int32(-1).int8(request.isolationLevel).compactArray(request.topics, writeTopic).taggedFields();
  },
  decode(r: Reader): ListOffsetsResponse {
    const response = { throttleTimeMs: r.int32(), topics: r.compactArray(readTopic) };
    r.skipTaggedFields();
    return response;
  },
};
