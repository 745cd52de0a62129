export { ClusterConfigSchema, clusterConfigFromEnv } from './config.ts';
export type { ClusterConfig } from './config.ts';
export { createAdmin, resolveConnection } from './connection.ts';
export type { ConnectionDeps, KafkaConnection } from './connection.ts';
export { KafkaConfigError, KafkaConnectionError } from './errors.ts';
