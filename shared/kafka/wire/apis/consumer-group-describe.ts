import type { KafkaApi } from '../api.ts';
import type { Reader, Writer } from '../codec.ts';

export interface ConsumerGroupDescribeRequest {
  readonly groupIds: readonly string[];
}

export interface ConsumerGroupTopicPartitions {
  /** Kafka's base64url text form of the topic id. */
  topicId: string;
  topicName: string;
  partitions: number[];
}

export interface ConsumerGroupMember {
  memberId: string;
  instanceId: string | null;
  rackId: string | null;
  memberEpoch: number;
  clientId: string;
  clientHost: string;
  subscribedTopicNames: string[];
  subscribedTopicRegex: string | null;
  /** What the member owns now. */
  assignment: ConsumerGroupTopicPartitions[];
  /** What the coordinator wants it to own once reconciled. */
  targetAssignment: ConsumerGroupTopicPartitions[];
}

export interface ConsumerGroupDescription {
  errorCode: number;
  errorMessage: string | null;
  groupId: string;
  groupState: string;
  groupEpoch: number;
  assignmentEpoch: number;
  assignorName: string;
  members: ConsumerGroupMember[];
}

export interface ConsumerGroupDescribeResponse {
  throttleTimeMs: number;
  groups: ConsumerGroupDescription[];
}

function readTopicPartitions(r: Reader): ConsumerGroupTopicPartitions {
  const topic = { topicId: r.uuid(), topicName: r.compactString(), partitions: r.compactInt32Array() };
  r.skipTaggedFields();
  return topic;
}

/** The `Assignment` struct: one array, then the struct's own tagged fields. */
function readAssignment(r: Reader): ConsumerGroupTopicPartitions[] {
  const topics = r.compactArray(readTopicPartitions);
  r.skipTaggedFields();
  return topics;
}

function readMember(r: Reader): ConsumerGroupMember {
  const member = {
    memberId: r.compactString(),
    instanceId: r.compactNullableString(),
    rackId: r.compactNullableString(),
    memberEpoch: r.int32(),
    clientId: r.compactString(),
    clientHost: r.compactString(),
    subscribedTopicNames: r.compactStringArray(),
    subscribedTopicRegex: r.compactNullableString(),
    assignment: readAssignment(r),
    targetAssignment: readAssignment(r),
  };
  r.skipTaggedFields();
  return member;
}

function readGroup(r: Reader): ConsumerGroupDescription {
  const group = {
    errorCode: r.int16(),
    errorMessage: r.compactNullableString(),
    groupId: r.compactString(),
    groupState: r.compactString(),
    groupEpoch: r.int32(),
    assignmentEpoch: r.int32(),
    assignorName: r.compactString(),
    members: r.compactArray(readMember),
  };
  r.int32(); // authorized_operations: not requested
  r.skipTaggedFields();
  return group;
}

/**
 * ConsumerGroupDescribe v0 (key 69, Kafka 4.0+; early access in 3.7): KIP-848 (`consumer`
 * type) groups with each member's current and target assignment. A classic group answers
 * GROUP_ID_NOT_FOUND here; use DescribeGroups.
 *
 * @example
 * const { groups } = await connection.request(consumerGroupDescribeV0, { groupIds: ['orders-service'] });
 */
export const consumerGroupDescribeV0: KafkaApi<ConsumerGroupDescribeRequest, ConsumerGroupDescribeResponse> = {
  name: 'ConsumerGroupDescribe',
  key: 69,
  version: 0,
  flexible: true,
  since: '4.0',
  encode(w: Writer, request: ConsumerGroupDescribeRequest): void {
    w.compactStringArray(request.groupIds).boolean(false).taggedFields();
  },
  decode(r: Reader): ConsumerGroupDescribeResponse {
    const response = { throttleTimeMs: r.int32(), groups: r.compactArray(readGroup) };
    r.skipTaggedFields();
    return response;
  },
};
