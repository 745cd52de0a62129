import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { ClusterDeclaration } from '../config/types.ts';
import { mskClusterStatements, mskSecretKeyStatement } from './kafka-iam.ts';
import { mskBootstrapBrokers } from './msk-bootstrap.ts';
import type { KafkaScope } from './kafka-iam.ts';

/** `SCG_KAFKA_AUTH` values shared/kafka understands, by declared auth. */
const KAFKA_AUTH_ENV: Record<ClusterDeclaration['auth'], string> = {
  iam: 'iam',
  scram: 'scram',
  none: 'none',
  'scram-sha-256': 'scram-sha-256',
  'scram-sha-512': 'scram-sha-512',
  mtls: 'tls',
  basic: 'plain', // rejected by the declaration rules: shared/kafka has no SASL/PLAIN
};

/**
 * The variables `clusterConfigFromEnv` (shared/kafka) reads, for the functions that
 * connect by themselves (lag monitor, offset reset). For MSK, the brokers are looked up
 * at deploy time (msk-bootstrap.ts) and passed with the cluster ARN.
 *
 * @example
 * clusterEnvironment(this, { type: 'msk', clusterArn, auth: 'iam' }) // { SCG_CLUSTER_ARN, SCG_BOOTSTRAP_SERVERS, SCG_KAFKA_AUTH: 'iam' }
 */
export function clusterEnvironment(scope: Construct, cluster: ClusterDeclaration): Record<string, string> {
  return {
    ...(cluster.type === 'msk'
      ? { SCG_CLUSTER_ARN: cluster.clusterArn, SCG_BOOTSTRAP_SERVERS: mskBootstrapBrokers(scope, cluster) }
      : { SCG_BOOTSTRAP_SERVERS: cluster.bootstrapServers.join(',') }),
    SCG_KAFKA_AUTH: KAFKA_AUTH_ENV[cluster.auth],
    ...(cluster.secretArn === undefined ? {} : { SCG_KAFKA_SECRET_ARN: cluster.secretArn }),
  };
}

/**
 * What a self-connecting function needs to reach the cluster as `role`: MSK IAM
 * data-plane actions on `scope` only, the SCRAM secret and its key.
 */
export function grantClusterConnect(scope: Construct, principal: IRole, cluster: ClusterDeclaration, role: 'monitor' | 'reset', kafka: KafkaScope): void {
  if (cluster.type === 'msk' && cluster.auth === 'iam') for (const s of mskClusterStatements(cluster.clusterArn, role, kafka)) principal.addToPrincipalPolicy(s);
  if (cluster.secretArn !== undefined) Secret.fromSecretCompleteArn(scope, 'KafkaSecret', cluster.secretArn).grantRead(principal);
  if (cluster.secretKmsKeyArn !== undefined) principal.addToPrincipalPolicy(mskSecretKeyStatement(cluster.secretKmsKeyArn));
}
