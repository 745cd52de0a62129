export { KafkaCluster } from './cluster.ts';
export type { KafkaClusterOptions, KafkaClusterState, KafkaNodeState } from './cluster.ts';
export { resolveKafkaDistribution } from './jars.ts';
export type { KafkaDistribution } from './jars.ts';
export { KAFKA_VERSION } from './version.ts';
