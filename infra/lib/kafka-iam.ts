import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { mskGroupArn, mskTopicArn } from './msk-arns.ts';

// MSK IAM access control: which `kafka-cluster:*` actions each of our roles needs, on
// exactly this app's topics and groups. Action semantics and their required companions:
// https://docs.aws.amazon.com/msk/latest/developerguide/kafka-actions.html
// (ReadData requires Connect, DescribeTopic and AlterGroup; AlterGroup requires
// DescribeGroup; WriteData requires Connect and DescribeTopic).

/** Who the statements are for. */
export type KafkaRole = 'consumer' | 'monitor' | 'reset';

export interface KafkaScope {
  /** Topics read (or, for the monitor, described). */
  readonly topics: readonly string[];
  /** Consumer groups used or managed. */
  readonly groups: readonly string[];
  /** Topics written (the Kafka on-failure destination). @default - none */
  readonly writeTopics?: readonly string[];
}

const CLUSTER_ACTIONS: Record<KafkaRole, string[]> = {
  // The event source mapping reads the cluster's dynamic configuration at start-up.
  consumer: ['kafka-cluster:Connect', 'kafka-cluster:DescribeClusterDynamicConfiguration'],
  monitor: ['kafka-cluster:Connect'],
  reset: ['kafka-cluster:Connect'],
};

const TOPIC_ACTIONS: Record<KafkaRole, string[]> = {
  consumer: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'],
  // Metadata and ListOffsets (log-end offsets) need DESCRIBE on the topic only.
  monitor: ['kafka-cluster:DescribeTopic'],
  // OffsetCommit (AlterConsumerGroupOffsets) needs Kafka's READ on the topic, which MSK
  // maps to ReadData; ListOffsets for the plan needs DescribeTopic.
  reset: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'],
};

const GROUP_ACTIONS: Record<KafkaRole, string[]> = {
  consumer: ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'],
  // ListGroups / DescribeGroups / OffsetFetch: DESCRIBE on the group.
  monitor: ['kafka-cluster:DescribeGroup'],
  // AlterGroup: OffsetCommit (Kafka's READ on the group). DeleteGroup: OffsetDelete, for
  // the handler's `deleteOffsets` action (Kafka's DELETE on the group).
  reset: ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup', 'kafka-cluster:DeleteGroup'],
};

/**
 * The `kafka-cluster:*` statements for `role` on an MSK cluster that uses IAM auth.
 *
 * @example
 * for (const s of mskClusterStatements(arn, 'consumer', { topics: ['orders'], groups: ['g'] })) role.addToPolicy(s);
 */
export function mskClusterStatements(clusterArn: string, role: KafkaRole, scope: KafkaScope): PolicyStatement[] {
  const statements = [
    new PolicyStatement({ actions: CLUSTER_ACTIONS[role], resources: [clusterArn] }),
    new PolicyStatement({ actions: TOPIC_ACTIONS[role], resources: scope.topics.map((t) => mskTopicArn(clusterArn, t)) }),
    new PolicyStatement({ actions: GROUP_ACTIONS[role], resources: scope.groups.map((g) => mskGroupArn(clusterArn, g)) }),
  ];
  if (scope.writeTopics !== undefined && scope.writeTopics.length > 0) {
    statements.push(new PolicyStatement({ actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'], resources: scope.writeTopics.map((t) => mskTopicArn(clusterArn, t)) }));
  }
  return statements;
}

/**
 * Decrypt with the customer managed key of a SCRAM secret (MSK requires one), only
 * through Secrets Manager.
 */
export function mskSecretKeyStatement(keyArn: string): PolicyStatement {
  const region = keyArn.split(':')[3];
  return new PolicyStatement({
    actions: ['kms:Decrypt'],
    resources: [keyArn],
    conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com` } },
  });
}

/**
 * ENI management for a self-managed Kafka event source mapping in a VPC: Lambda uses the
 * execution role for them (self-managed Apache Kafka guide, "execution role permissions").
 */
export function selfManagedVpcStatement(): PolicyStatement {
  return new PolicyStatement({
    actions: [
      'ec2:CreateNetworkInterface',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeVpcs',
      'ec2:DeleteNetworkInterface',
      'ec2:DescribeSubnets',
      'ec2:DescribeSecurityGroups',
    ],
    resources: ['*'],
  });
}
