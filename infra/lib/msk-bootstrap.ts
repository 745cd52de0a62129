import { Stack } from 'aws-cdk-lib';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import type { MskClusterDeclaration } from '../config/types.ts';
import { acknowledge } from './nag.ts';

/** The `GetBootstrapBrokers` field that lists the brokers of each MSK auth (private VPC endpoints). */
const BOOTSTRAP_FIELD: Partial<Record<MskClusterDeclaration['auth'], string>> = {
  iam: 'BootstrapBrokerStringSaslIam',
  scram: 'BootstrapBrokerStringSaslScram',
};

/**
 * The MSK cluster's bootstrap brokers for `auth`, read at deploy time with
 * `kafka:GetBootstrapBrokers` (one custom resource per stack, shared by its functions).
 *
 * Looked up here rather than by each function at cold start: the functions then carry no
 * MSK control-plane client (~90 KB of bundle and an AWS call on every cold start) and no
 * `kafka:GetBootstrapBrokers` permission. Broker endpoints of an MSK cluster are stable;
 * a redeploy picks up a change (e.g. auth enabled later).
 * https://docs.aws.amazon.com/msk/latest/developerguide/msk-get-bootstrap-brokers.html
 *
 * @example
 * const brokers = mskBootstrapBrokers(this, { type: 'msk', clusterArn, auth: 'iam' });
 */
export function mskBootstrapBrokers(scope: Construct, cluster: MskClusterDeclaration): string {
  const field = BOOTSTRAP_FIELD[cluster.auth];
  if (field === undefined) throw new Error(`cluster.auth: '${cluster.auth}' is not an MSK authentication (iam, scram)`);
  const stack = Stack.of(scope);
  const id = 'MskBootstrapBrokers';
  let lookup = stack.node.tryFindChild(id) as AwsCustomResource | undefined;
  if (lookup === undefined) {
    lookup = new AwsCustomResource(stack, id, {
      onUpdate: {
        service: 'Kafka',
        action: 'getBootstrapBrokers',
        parameters: { ClusterArn: cluster.clusterArn },
        physicalResourceId: PhysicalResourceId.of(cluster.clusterArn),
      },
      policy: AwsCustomResourcePolicy.fromSdkCalls({ resources: [cluster.clusterArn] }),
      installLatestAwsSdk: false,
    });
    acknowledge(
      stack,
      'AwsSolutions-IAM4',
      ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
      "aws-cdk-lib's AwsCustomResource provider function (the deploy-time GetBootstrapBrokers lookup) logs with the AWS managed basic execution role.",
    );
    acknowledge(stack, 'AwsSolutions-L1', [], "aws-cdk-lib's AwsCustomResource provider function picks its own Node.js runtime; it runs only during deployments.");
  }
  return lookup.getResponseField(field);
}
