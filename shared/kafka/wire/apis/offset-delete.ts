import type { KafkaApi } from '../api.ts';
import type { Reader, Writer } from '../codec.ts';

export interface OffsetDeleteRequestTopic {
  readonly name: string;
  readonly partitions: readonly number[];
}

export interface OffsetDeleteRequest {
  readonly groupId: string;
  readonly topics: readonly OffsetDeleteRequestTopic[];
}

export interface OffsetDeletePartition {
  partitionIndex: number;
  /** GROUP_SUBSCRIBED_TO_TOPIC (86) while a live member subscribes to the topic. */
  errorCode: number;
}

export interface OffsetDeleteTopic {
  name: string;
  partitions: OffsetDeletePartition[];
}

export interface OffsetDeleteResponse {
  errorCode: number;
  throttleTimeMs: number;
  topics: OffsetDeleteTopic[];
}

function writeTopic(w: Writer, topic: OffsetDeleteRequestTopic): void {
  w.string(topic.name).int32Array(topic.partitions);
}

function readPartition(r: Reader): OffsetDeletePartition {
  return { partitionIndex: r.int32(), errorCode: r.int16() };
}

function readTopic(r: Reader): OffsetDeleteTopic {
  return { name: r.string(), partitions: r.array(readPartition) };
}

/**
 * OffsetDelete v0 (key 47, Kafka 2.4+, not flexible): deletes a group's committed offsets (KIP-496).
 *
 * @example
 * const { errorCode, topics } = await connection.request(offsetDeleteV0, { groupId: 'orders-service', topics: [{ name: 'orders', partitions: [0] }] });
 */
export const offsetDeleteV0: KafkaApi<OffsetDeleteRequest, OffsetDeleteResponse> = {
  name: 'OffsetDelete',
  key: 47,
  version: 0,
  flexible: false,
  since: '2.4',
  encode(w: Writer, request: OffsetDeleteRequest): void {
    w.string(request.groupId).array(request.topics, writeTopic);
  },
  decode(r: Reader): OffsetDeleteResponse {
    return { errorCode: r.int16(), throttleTimeMs: r.int32(), topics: r.array(readTopic) };
  },
};
