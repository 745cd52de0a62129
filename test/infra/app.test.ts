import type { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { buildConsumerGroupsApp } from '../../infra/build.ts';
import type { ConsumerGroupsApp } from '../../infra/build.ts';
import { parseDeclaration, seedScenario } from '../../infra/config/index.ts';
import { CLUSTER_ARN, FIXTURE_ROOT, MSK_IAM, SELF_MANAGED, nagFindings, testApp } from './support.ts';

function build(cluster = MSK_IAM): ConsumerGroupsApp {
  return buildConsumerGroupsApp(testApp(), parseDeclaration(seedScenario(cluster)), { projectRoot: FIXTURE_ROOT });
}

/** The dashboard body (a `Fn::Join` of JSON text and tokens), tokens replaced by `<token>`, re-serialised. */
function dashboardBody(stack: Stack): string {
  const [dashboard] = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'));
  const join = (dashboard as { Properties: { DashboardBody: { 'Fn::Join': [string, unknown[]] } } }).Properties.DashboardBody['Fn::Join'];
  const text = join[1].map((part) => (typeof part === 'string' ? part : '<token>')).join(join[0]);
  return JSON.stringify(JSON.parse(text));
}

describe('the seed scenario app', () => {
  it('deploys the four consumer groups with their mappings, destinations and the shared idempotency table', () => {
    const { consumers } = build();
    const template = Template.fromStack(consumers);
    template.resourceCountIs('AWS::Lambda::Function', 4);
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 4);
    template.resourceCountIs('AWS::SQS::Queue', 1); // email-service
    template.resourceCountIs('AWS::S3::Bucket', 1); // analytics-service
    template.hasResourceProperties('AWS::DynamoDB::Table', { TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } });
    for (const group of ['order-processing-group', 'email-service-group', 'analytics-service-group', 'audit-service-group']) {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: group } });
    }
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: 'order-processing-group' },
      ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 6 },
      DestinationConfig: { OnFailure: { Destination: 'kafka://order-events-dlq' } },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('creates each function’s own tables, names them in its environment and grants only that function', () => {
    const { consumers } = build();
    const template = Template.fromStack(consumers);
    template.resourceCountIs('AWS::DynamoDB::Table', 5); // idempotency + one per function
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith([{ AttributeName: 'sk', AttributeType: 'N' }]),
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SCG_GROUP_ID: 'order-processing-group', ORDERS_TABLE: { Ref: Match.stringLikeRegexp('^OrderProcessingOrdersTable') } }) },
    });
    const ordersPolicies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify(p).includes('OrderProcessingOrdersTable'));
    expect(ordersPolicies).toHaveLength(1);
    expect(JSON.stringify(ordersPolicies[0])).toContain('OrderProcessingHandler');
  });

  it('rejects a table variable that collides with a reserved or declared one, naming the field', () => {
    const declaration = seedScenario(MSK_IAM);
    declaration.consumers[0] = { ...declaration.consumers[0]!, tables: [{ env: 'SCG_ORDERS', partitionKey: { name: 'pk' } }] };
    expect(() => parseDeclaration(declaration)).toThrow(/consumers\[0\]\.tables\[0\]\.env: is reserved/);
  });

  it("wires a declared dead letter into the consumer's environment and nothing else's", () => {
    const declaration = seedScenario(MSK_IAM);
    declaration.consumers[3] = { ...declaration.consumers[3]!, deadLetter: { type: 's3', expireAfterDays: 7 } };
    const { consumers } = buildConsumerGroupsApp(testApp(), parseDeclaration(declaration), { projectRoot: FIXTURE_ROOT });
    const template = Template.fromStack(consumers);
    template.resourceCountIs('AWS::S3::Bucket', 2); // analytics' on-failure destination + audit's dead letter
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SCG_GROUP_ID: 'audit-service-group', SCG_DEAD_LETTER: { 'Fn::Join': ['', ['s3://', { Ref: Match.stringLikeRegexp('^AuditServicePoisonRecords') }]] } }) },
    });
    const withDeadLetter = Object.values(template.findResources('AWS::Lambda::Function')).filter((f) => JSON.stringify(f).includes('SCG_DEAD_LETTER'));
    expect(withDeadLetter).toHaveLength(1);
    expect(nagFindings(consumers)).toEqual([]);
  });

  it('lets the reset function read fromFile CSVs where the declaration says, and only there', () => {
    const declaration = { ...seedScenario(MSK_IAM), offsetReset: { offsetFiles: { bucketName: 'ops-offset-files', keyPrefix: 'resets/' } } };
    const { operations } = buildConsumerGroupsApp(testApp(), parseDeclaration(declaration), { projectRoot: FIXTURE_ROOT });
    const policies = JSON.stringify(Template.fromStack(operations).findResources('AWS::IAM::Policy'));
    expect(policies.match(/s3:GetObject/g)).toHaveLength(1);
    expect(policies).toContain(':s3:::ops-offset-files/resets/*');
    expect(nagFindings(operations)).toEqual([]);
    const withoutFiles = buildConsumerGroupsApp(testApp(), parseDeclaration(seedScenario(MSK_IAM)), { projectRoot: FIXTURE_ROOT });
    expect(JSON.stringify(Template.fromStack(withoutFiles.operations).findResources('AWS::IAM::Policy'))).not.toContain('s3:GetObject');
  });

  it('puts the monitor, the reset function and the dashboard in the operations stack', () => {
    const { operations } = build();
    const template = Template.fromStack(operations);
    // monitor, reset, and the provider of the deploy-time MSK broker lookup
    template.resourceCountIs('AWS::Lambda::Function', 3);
    template.resourceCountIs('Custom::AWS', 1);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'scg-consumer-groups' });
    // 8 group alarms from the seed's thresholds + 3 on the monitor itself
    template.resourceCountIs('AWS::CloudWatch::Alarm', 11);
  });

  it("charts our lag metrics next to Lambda's OffsetLag, pollers and destination deliveries", () => {
    const body = dashboardBody(build().operations);
    expect(body).toContain('"ServerlessConsumerGroups","MaxOffsetLag","ConsumerGroup","order-processing-group","Topic","order-events"');
    expect(body).toContain('"ServerlessConsumerGroups","MaxTimeLagSeconds","ConsumerGroup","email-service-group","Topic","user-events"');
    expect(body).toContain('"ServerlessConsumerGroups","GroupStatus","ConsumerGroup","audit-service-group"');
    expect(body).toContain('"AWS/Lambda","OffsetLag","FunctionName","<token>"');
    expect(body).toContain('"AWS/Lambda","ProvisionedPollers","EventSourceMappingUUID","<token>"');
    expect(body).toContain('"AWS/Lambda","OnFailureDestinationDeliveredEventCount","EventSourceMappingUUID","<token>"');
    // on-demand groups have no poller widget
    expect(body).not.toContain('email-service-group: pollers');
  });

  it('passes the cdk-nag AwsSolutions checks with every acknowledgement explained in code', () => {
    for (const cluster of [MSK_IAM, SELF_MANAGED]) {
      const { consumers, operations } = build(cluster);
      expect(nagFindings(consumers)).toEqual([]);
      expect(nagFindings(operations)).toEqual([]);
    }
  });

  it('prints declaration warnings as CDK warnings on the consumers stack', () => {
    const { consumers } = build({ type: 'msk', clusterArn: CLUSTER_ARN, auth: 'iam' });
    Annotations.fromStack(consumers).hasWarning('/scg-consumers', Match.stringLikeRegexp('cluster\\.vpc: not set'));
  });

  it('fails the build on an invalid declaration, naming the field', () => {
    const input = seedScenario(MSK_IAM);
    const bad = { ...input, consumers: input.consumers.map((c, i) => (i === 0 ? { ...c, batchSize: 0 } : c)) };
    expect(() => parseDeclaration(bad)).toThrow(/consumers\[0\]\.batchSize/);
  });
});
