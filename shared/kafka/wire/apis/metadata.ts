import type { KafkaApi } from '../api.ts';
import type { Reader, Writer } from '../codec.ts';

export interface MetadataRequest {
  /** Topic names to describe; null describes every topic, [] none (brokers only). */
  readonly topics: readonly string[] | null;
}

export interface MetadataBroker {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface MetadataPartition {
  errorCode: number;
  partitionIndex: number;
  leaderId: number;
  leaderEpoch: number;
  replicaNodes: number[];
  isrNodes: number[];
  offlineReplicas: number[];
}

export interface MetadataTopic {
  errorCode: number;
  name: string;
  /** Kafka's base64url text form; all zeros (`AAAAAAAAAAAAAAAAAAAAAA`) for an unknown topic. */
  topicId: string;
  isInternal: boolean;
  partitions: MetadataPartition[];
}

export interface MetadataResponse {
  throttleTimeMs: number;
  brokers: MetadataBroker[];
  clusterId: string | null;
  controllerId: number;
  topics: MetadataTopic[];
}

function writeTopic(w: Writer, name: string): void {
  w.uuid(null).compactNullableString(name).taggedFields();
}

function readBroker(r: Reader): MetadataBroker {
  const broker = { nodeId: r.int32(), host: r.compactString(), port: r.int32(), rack: r.compactNullableString() };
  r.skipTaggedFields();
  return broker;
}

function readPartition(r: Reader): MetadataPartition {
  const partition = {
    errorCode: r.int16(),
    partitionIndex: r.int32(),
    leaderId: r.int32(),
    leaderEpoch: r.int32(),
    replicaNodes: r.compactInt32Array(),
    isrNodes: r.compactInt32Array(),
    offlineReplicas: r.compactInt32Array(),
  };
  r.skipTaggedFields();
  return partition;
}

function readTopic(r: Reader): MetadataTopic {
  const topic = { errorCode: r.int16(), name: r.compactString(), topicId: r.uuid(), isInternal: r.boolean(), partitions: r.compactArray(readPartition) };
  r.int32(); // topic_authorized_operations: not requested
  r.skipTaggedFields();
  return topic;
}

/**
 * Metadata v12 (key 3, Kafka 3.1+): brokers, controller and topic partitions. Never
 * creates topics (allow_auto_topic_creation = false).
 *
 * @example
 * const { brokers, topics } = await connection.request(metadataV12, { topics: ['orders'] });
 */
export const metadataV12: KafkaApi<MetadataRequest, MetadataResponse> = {
  name: 'Metadata',
  key: 3,
  version: 12,
  flexible: true,
  since: '3.1',
  encode(w: Writer, request: MetadataRequest): void {
    w.compactArray(request.topics, writeTopic).boolean(false).boolean(false).taggedFields();
  },
  decode(r: Reader): MetadataResponse {
    const response = {
      throttleTimeMs: r.int32(),
      brokers: r.compactArray(readBroker),
      clusterId: r.compactNullableString(),
      controllerId: r.int32(),
      topics: r.compactArray(readTopic),
    };
    r.skipTaggedFields();
    return response;
  },
};
