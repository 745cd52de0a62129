// ARNs of MSK's Kafka-level resources, for IAM access control policies.
// Formats (https://docs.aws.amazon.com/msk/latest/developerguide/kafka-actions.html):
//   cluster  arn:aws:kafka:<region>:<account>:cluster/<clusterName>/<clusterUuid>
//   topic    arn:aws:kafka:<region>:<account>:topic/<clusterName>/<clusterUuid>/<topicName>
//   group    arn:aws:kafka:<region>:<account>:group/<clusterName>/<clusterUuid>/<groupId>

/** The parts of an MSK cluster ARN that topic and group ARNs are built from. */
export interface MskClusterArnParts {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly clusterName: string;
  readonly clusterUuid: string;
}

const CLUSTER_ARN = /^arn:(aws[a-z-]*):kafka:([a-z0-9-]+):(\d{12}):cluster\/([^/]+)\/([^/]+)$/;

/**
 * Splits a literal MSK cluster ARN. The declaration validates the format, so a failure
 * here is a programming error.
 *
 * @example
 * parseMskClusterArn('arn:aws:kafka:us-east-1:111122223333:cluster/demo/abcd-1').clusterName // 'demo'
 */
export function parseMskClusterArn(arn: string): MskClusterArnParts {
  const m = CLUSTER_ARN.exec(arn);
  if (m === null) throw new Error(`not an MSK cluster ARN: ${arn}`);
  return { partition: m[1]!, region: m[2]!, account: m[3]!, clusterName: m[4]!, clusterUuid: m[5]! };
}

/** ARN of a topic (or topic pattern) in the cluster. */
export function mskTopicArn(clusterArn: string, topic: string): string {
  const p = parseMskClusterArn(clusterArn);
  return `arn:${p.partition}:kafka:${p.region}:${p.account}:topic/${p.clusterName}/${p.clusterUuid}/${topic}`;
}

/** ARN of a consumer group in the cluster. */
export function mskGroupArn(clusterArn: string, groupId: string): string {
  const p = parseMskClusterArn(clusterArn);
  return `arn:${p.partition}:kafka:${p.region}:${p.account}:group/${p.clusterName}/${p.clusterUuid}/${groupId}`;
}
