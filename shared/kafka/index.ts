export { ClusterConfigSchema, clusterConfigFromEnv } from './config.ts';
export type { ClusterConfig } from './config.ts';
export { createAdmin, resolveConnection } from './connection.ts';
export type { ConnectionDeps, KafkaConnection } from './connection.ts';
export { KafkaConfigError, KafkaConnectionError } from './errors.ts';
export { mskIamToken } from './msk-iam-token.ts';
export type { MskIamTokenOptions } from './msk-iam-token.ts';
export { KafkaAdmin, KafkaPartitionErrors, KafkaRoutingError, KafkaUnknownTopicsError } from './admin/index.ts';
export type * from './admin/types.ts';
