import type { KafkaApi } from '../api.ts';
import { Reader, type Writer } from '../codec.ts';
import { KafkaMalformedResponseError } from '../errors.ts';

export interface DescribeGroupsRequest {
  readonly groups: readonly string[];
}

export interface DescribedGroupMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  /** The member's subscription, in the format of the group's protocol type (a view of the response frame). */
  memberMetadata: Buffer;
  /** The member's assignment; for protocol type `consumer`, decode with `decodeConsumerAssignment`. */
  memberAssignment: Buffer;
}

export interface DescribedGroup {
  errorCode: number;
  groupId: string;
  groupState: string;
  protocolType: string;
  /** The assignor the group chose, e.g. `range`. */
  protocolData: string;
  members: DescribedGroupMember[];
}

export interface DescribeGroupsResponse {
  throttleTimeMs: number;
  groups: DescribedGroup[];
}

function readMember(r: Reader): DescribedGroupMember {
  const member = {
    memberId: r.compactString(),
    groupInstanceId: r.compactNullableString(),
    clientId: r.compactString(),
    clientHost: r.compactString(),
    memberMetadata: r.compactBytes(),
    memberAssignment: r.compactBytes(),
  };
  r.skipTaggedFields();
  return member;
}

function readGroup(r: Reader): DescribedGroup {
  const group = {
    errorCode: r.int16(),
    groupId: r.compactString(),
    groupState: r.compactString(),
    protocolType: r.compactString(),
    protocolData: r.compactString(),
    members: r.compactArray(readMember),
  };
  r.int32(); // authorized_operations: not requested
  r.skipTaggedFields();
  return group;
}

/**
 * DescribeGroups v5 (key 15, Kafka 2.4+): classic groups with their members. A KIP-848
 * (`consumer` type) group answers GROUP_ID_NOT_FOUND here; use ConsumerGroupDescribe.
 *
 * @example
 * const { groups } = await connection.request(describeGroupsV5, { groups: ['orders-service'] });
 */
export const describeGroupsV5: KafkaApi<DescribeGroupsRequest, DescribeGroupsResponse> = {
  name: 'DescribeGroups',
  key: 15,
  version: 5,
  flexible: true,
  since: '2.4',
  encode(w: Writer, request: DescribeGroupsRequest): void {
    w.compactStringArray(request.groups).boolean(false).taggedFields();
  },
  decode(r: Reader): DescribeGroupsResponse {
    const response = { throttleTimeMs: r.int32(), groups: r.compactArray(readGroup) };
    r.skipTaggedFields();
    return response;
  },
};

/** One topic of a classic consumer's assignment. */
export interface ConsumerAssignmentTopic {
  topic: string;
  partitions: number[];
}

function readAssignedTopic(r: Reader): ConsumerAssignmentTopic {
  return { topic: r.string(), partitions: r.int32Array() };
}

/**
 * Decodes `memberAssignment` of a classic group with protocol type `consumer`
 * (ConsumerProtocolAssignment: int16 version, [topic, [partition]], user data). The
 * layout of the fields read here is the same in every version; later fields are ignored.
 * An empty buffer (a member not assigned yet) decodes to []; other bytes that do not decode
 * throw `KafkaMalformedResponseError`.
 *
 * @example
 * decodeConsumerAssignment(member.memberAssignment); // [{ topic: 'orders', partitions: [0, 1] }]
 */
export function decodeConsumerAssignment(bytes: Buffer): ConsumerAssignmentTopic[] {
  if (bytes.length === 0) return [];
  try {
    const r = new Reader(bytes);
    r.int16();
    return r.array(readAssignedTopic);
  } catch (error) {
    // A member of protocol type `consumer` written by a client that does not follow it.
    throw new KafkaMalformedResponseError(`member assignment does not decode as a consumer protocol assignment: ${(error as Error).message}`, { cause: error });
  }
}
