import type { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LagMonitor } from '../../infra/constructs/lag-monitor.ts';
import type { LagMonitorProps, MonitoredGroup } from '../../infra/constructs/lag-monitor.ts';
import { importVpcPlacement } from '../../infra/lib/vpc.ts';
import { GROUP_STATUS_VALUE, LAG_METRICS_NAMESPACE, LagDimensions, LagMetrics } from '../../shared/lag/metrics-contract.ts';
import { CLUSTER_ARN, FIXTURE_ROOT, MSK_IAM, SELF_MANAGED, VPC, actionsOf, fixtureEntry, nagFindings, statements, testStack } from './support.ts';

function consumerFunction(stack: Stack, id: string): IFunction {
  return new LambdaFunction(stack, id, { runtime: Runtime.NODEJS_24_X, handler: 'index.handler', code: Code.fromInline('export const handler = async () => ({})') });
}

function build(groups: (stack: Stack) => MonitoredGroup[], overrides: Partial<LagMonitorProps> = {}): { stack: Stack; monitor: LagMonitor; template: Template } {
  const stack = testStack();
  const monitor = new LagMonitor(stack, 'LagMonitor', { cluster: MSK_IAM, entry: fixtureEntry('lag-monitor'), projectRoot: FIXTURE_ROOT, groups: groups(stack), ...overrides });
  return { stack, monitor, template: Template.fromStack(stack) };
}

const ORDERS = (stack: Stack): MonitoredGroup => ({
  groupId: 'order-processing-group',
  topics: ['order-events'],
  function: consumerFunction(stack, 'Orders'),
  alarms: { maxOffsetLag: 1000, maxTimeLagSeconds: 300, status: 'ERR', evaluationPeriods: 2 },
  autoscaling: { scaleUpLag: 1000, scaleDownLag: 100, minPollers: 1, maxPollers: 6 },
});
const EMAIL = (stack: Stack): MonitoredGroup => ({
  groupId: 'email-service-group',
  topics: ['user-events'],
  function: consumerFunction(stack, 'Email'),
  alarms: { status: 'WARN' },
});

describe('LagMonitor', () => {
  it('runs the monitor every minute with the cluster, state table, groups and autoscaling policy in its environment', () => {
    const { template } = build((s) => [ORDERS(s), EMAIL(s)], { perPartitionMetrics: true });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)', State: 'ENABLED' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Timeout: 50,
      Environment: {
        Variables: {
          SCG_CLUSTER_ARN: CLUSTER_ARN,
          SCG_KAFKA_AUTH: 'iam',
          SCG_LAG_STATE_TABLE: { Ref: Match.stringLikeRegexp('^LagMonitorState') },
          SCG_GROUPS_INCLUDE: 'order-processing-group,email-service-group',
          SCG_AUTOSCALING: JSON.stringify({ 'order-processing-group': { cooldownSeconds: 300, step: 1, scaleUpLag: 1000, scaleDownLag: 100, minPollers: 1, maxPollers: 6 } }),
          SCG_PER_PARTITION_METRICS: 'true',
          POWERTOOLS_SERVICE_NAME: 'lag-monitor',
          POWERTOOLS_METRICS_NAMESPACE: LAG_METRICS_NAMESPACE,
        },
      },
    });
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('alarms on the metric names and dimensions of the metrics contract', () => {
    const { template } = build((s) => [ORDERS(s), EMAIL(s)]);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: LAG_METRICS_NAMESPACE,
      MetricName: LagMetrics.maxOffsetLag,
      Dimensions: Match.arrayEquals([
        { Name: LagDimensions.consumerGroup, Value: 'order-processing-group' },
        { Name: LagDimensions.topic, Value: 'order-events' },
      ]),
      Statistic: 'Maximum',
      Period: 60,
      Threshold: 1000,
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'ignore',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^LagMonitorAlarmTopic') }],
      OKActions: [{ Ref: Match.stringLikeRegexp('^LagMonitorAlarmTopic') }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: LagMetrics.maxTimeLagSeconds, Threshold: 300 });
    // Status: ERR is 2, WARN is 1, compared with >=
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: LagMetrics.groupStatus,
      Dimensions: [{ Name: LagDimensions.consumerGroup, Value: 'order-processing-group' }],
      Threshold: GROUP_STATUS_VALUE.ERR,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: LagMetrics.groupStatus,
      Dimensions: [{ Name: LagDimensions.consumerGroup, Value: 'email-service-group' }],
      Threshold: GROUP_STATUS_VALUE.WARN,
      EvaluationPeriods: 3,
    });
  });

  it('alarms when the monitor itself is blind: errors, no runs, function failures', () => {
    const { template } = build((s) => [EMAIL(s)]);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: LagMetrics.monitorErrors, Dimensions: Match.absent(), TreatMissingData: 'notBreaching' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Invocations',
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/Lambda', MetricName: 'Errors' });
    // 2 group alarms? no: EMAIL has a status alarm only, plus the 3 monitor alarms
    template.resourceCountIs('AWS::CloudWatch::Alarm', 4);
  });

  it('publishes alarms to a KMS-encrypted topic CloudWatch can use', () => {
    const { template } = build((s) => [EMAIL(s)], { alarmEmail: 'oncall@example.com' });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LagMonitorAlarmTopicKey'), 'Arn'] } });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] })]) },
    });
  });

  it('may update only the mappings of autoscaled groups, by function ARN', () => {
    const { template } = build((s) => [ORDERS(s), EMAIL(s)]);
    const update = statements(template).filter((s) => actionsOf(s).includes('lambda:UpdateEventSourceMapping'));
    expect(update).toHaveLength(1);
    expect(update[0]?.Condition).toEqual({ StringEquals: { 'lambda:FunctionArn': [{ 'Fn::GetAtt': [expect.stringMatching(/^Orders/), 'Arn'] }] } });
    expect(JSON.stringify(update[0]?.Resource)).toContain(':event-source-mapping:*');
  });

  it('may read and batch-write its state table, which the state store needs', () => {
    const { template } = build((s) => [ORDERS(s)]);
    const actions = statements(template).flatMap(actionsOf);
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:Query']));
  });

  it('gets no Lambda permissions when no group autoscales', () => {
    const { template } = build((s) => [EMAIL(s)]);
    expect(statements(template).flatMap(actionsOf).filter((a) => a.startsWith('lambda:'))).toEqual([]);
  });

  it('describes exactly its groups and topics on an MSK IAM cluster', () => {
    const { template } = build((s) => [ORDERS(s), EMAIL(s)]);
    const kafka = statements(template).filter((s) => actionsOf(s).some((a) => a.startsWith('kafka')));
    // kafka:GetBootstrapBrokers belongs to the deploy-time lookup (msk-bootstrap.ts), not to the monitor.
    expect(kafka.flatMap(actionsOf).sort()).toEqual(['kafka-cluster:Connect', 'kafka-cluster:DescribeGroup', 'kafka-cluster:DescribeTopic', 'kafka:GetBootstrapBrokers']);
    expect(kafka.find((s) => s.Action === 'kafka:GetBootstrapBrokers')?.Resource).toBe(`arn:aws:kafka:eu-west-1:111122223333:cluster/orders/abcd1234-0123-abcd-5678-1234abcd-1`);
    const prefix = 'arn:aws:kafka:eu-west-1:111122223333';
    const cluster = 'orders/abcd1234-0123-abcd-5678-1234abcd-1';
    expect(kafka.find((s) => s.Action === 'kafka-cluster:DescribeGroup')?.Resource).toEqual([
      `${prefix}:group/${cluster}/email-service-group`,
      `${prefix}:group/${cluster}/order-processing-group`,
    ]);
    expect(kafka.find((s) => s.Action === 'kafka-cluster:DescribeTopic')?.Resource).toEqual([`${prefix}:topic/${cluster}/order-events`, `${prefix}:topic/${cluster}/user-events`]);
    expect(JSON.stringify(kafka)).not.toContain('*');
  });

  it('runs in the cluster VPC and connects to self-managed brokers from its environment', () => {
    const stack = testStack();
    const monitor = new LagMonitor(stack, 'LagMonitor', {
      cluster: SELF_MANAGED,
      clusterVpc: importVpcPlacement(stack, 'KafkaVpc', VPC),
      entry: fixtureEntry('lag-monitor'),
      projectRoot: FIXTURE_ROOT,
      groups: [EMAIL(stack)],
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      VpcConfig: { SubnetIds: VPC.subnetIds, SecurityGroupIds: VPC.securityGroupIds },
      Environment: { Variables: Match.objectLike({ SCG_BOOTSTRAP_SERVERS: 'b-1.kafka.internal:9096,b-2.kafka.internal:9096', SCG_KAFKA_AUTH: 'scram-sha-512' }) },
    });
    expect(nagFindings(monitor)).toEqual([]);
  });

  it('leaves no unacknowledged cdk-nag findings', () => {
    const { monitor } = build((s) => [ORDERS(s), EMAIL(s)]);
    expect(nagFindings(monitor)).toEqual([]);
  });

  it('rejects a group listed twice', () => {
    expect(() =>
      build((s) => {
        const email = EMAIL(s);
        return [email, { ...email }];
      }),
    ).toThrow(/group email-service-group is listed twice/);
  });
});
