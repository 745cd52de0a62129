// The Kafka wire protocol: primitives, connections, and the API versions the admin layer
// (shared/kafka/admin) speaks. No dependencies beyond node: builtins.
export type { KafkaApi } from './api.ts';
export { Reader, Writer } from './codec.ts';
export type { BrokerAddress, ConnectionOptions, RequestEvent, SaslOptions } from './connection.ts';
export { BrokerConnection } from './connection.ts';
export type { KafkaNetworkErrorCode } from './errors.ts';
export {
  KAFKA_ERRORS,
  KafkaAuthenticationError,
  KafkaMalformedResponseError,
  KafkaNetworkError,
  KafkaProtocolError,
  KafkaUnsupportedVersionError,
  errorName,
  protocolError,
} from './errors.ts';
export type { ApiVersionRange, ApiVersionsRequest, ApiVersionsResponse } from './apis/api-versions.ts';
export { apiVersionsV3 } from './apis/api-versions.ts';
export type { SaslAuthenticateRequest, SaslAuthenticateResponse, SaslHandshakeRequest, SaslHandshakeResponse } from './apis/sasl.ts';
export { saslAuthenticateV2, saslHandshakeV1 } from './apis/sasl.ts';
export type { MetadataBroker, MetadataPartition, MetadataRequest, MetadataResponse, MetadataTopic } from './apis/metadata.ts';
export { metadataV12 } from './apis/metadata.ts';
export type { Coordinator, FindCoordinatorRequest, FindCoordinatorResponse } from './apis/find-coordinator.ts';
export { findCoordinatorV4 } from './apis/find-coordinator.ts';
export type { ListGroupsResponse, ListGroupsV4Request, ListGroupsV5Request, ListedGroup } from './apis/list-groups.ts';
export { listGroupsV4, listGroupsV5 } from './apis/list-groups.ts';
export type { ConsumerAssignmentTopic, DescribeGroupsRequest, DescribeGroupsResponse, DescribedGroup, DescribedGroupMember } from './apis/describe-groups.ts';
export { decodeConsumerAssignment, describeGroupsV5 } from './apis/describe-groups.ts';
export type {
  ConsumerGroupDescribeRequest,
  ConsumerGroupDescribeResponse,
  ConsumerGroupDescription,
  ConsumerGroupMember,
  ConsumerGroupTopicPartitions,
} from './apis/consumer-group-describe.ts';
export { consumerGroupDescribeV0 } from './apis/consumer-group-describe.ts';
export type {
  OffsetFetchCommittedGroup,
  OffsetFetchCommittedResponse,
  OffsetFetchCommittedTopic,
  OffsetFetchGroup,
  OffsetFetchPartition,
  OffsetFetchRequest,
  OffsetFetchRequestGroup,
  OffsetFetchRequestTopic,
  OffsetFetchResponse,
  OffsetFetchTopic,
} from './apis/offset-fetch.ts';
export { offsetFetchV8, offsetFetchV8Committed } from './apis/offset-fetch.ts';
export type { ListOffsetsPartition, ListOffsetsRequest, ListOffsetsRequestPartition, ListOffsetsRequestTopic, ListOffsetsResponse, ListOffsetsTopic } from './apis/list-offsets.ts';
export { listOffsetsV6 } from './apis/list-offsets.ts';
export type {
  OffsetCommitPartition,
  OffsetCommitRequest,
  OffsetCommitRequestPartition,
  OffsetCommitRequestTopic,
  OffsetCommitResponse,
  OffsetCommitTopic,
} from './apis/offset-commit.ts';
export { offsetCommitV8 } from './apis/offset-commit.ts';
export type { OffsetDeletePartition, OffsetDeleteRequest, OffsetDeleteRequestTopic, OffsetDeleteResponse, OffsetDeleteTopic } from './apis/offset-delete.ts';
export { offsetDeleteV0 } from './apis/offset-delete.ts';
