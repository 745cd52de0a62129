import type { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { OffsetReset } from '../../infra/constructs/offset-reset.ts';
import type { ResettableGroup } from '../../infra/constructs/offset-reset.ts';
import { CLUSTER_ARN, FIXTURE_ROOT, MSK_IAM, MSK_SCRAM, SECRET_ARN, actionsOf, fixtureEntry, nagFindings, statements, testStack } from './support.ts';

function groups(stack: Stack): ResettableGroup[] {
  const fn = (id: string): LambdaFunction =>
    new LambdaFunction(stack, id, { runtime: Runtime.NODEJS_24_X, handler: 'index.handler', code: Code.fromInline('export const handler = async () => ({})') });
  return [
    { groupId: 'order-processing-group', topics: ['order-events'], function: fn('Orders') },
    { groupId: 'audit-service-group', topics: ['user-events'], function: fn('Audit') },
  ];
}

describe('OffsetReset', () => {
  it('creates the function with a 15-minute budget, the cluster and the audit table in its environment', () => {
    const stack = testStack();
    new OffsetReset(stack, 'OffsetReset', { cluster: MSK_IAM, entry: fixtureEntry('offset-reset'), projectRoot: FIXTURE_ROOT, groups: groups(stack) });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 900,
      Environment: {
        Variables: {
          SCG_CLUSTER_ARN: CLUSTER_ARN,
          SCG_BOOTSTRAP_SERVERS: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MskBootstrapBrokers'), 'BootstrapBrokerStringSaslIam'] },
          SCG_KAFKA_AUTH: 'iam',
          SCG_AUDIT_TABLE: { Ref: Match.stringLikeRegexp('^OffsetResetAudit') },
          SCG_GROUPS_INCLUDE: 'order-processing-group,audit-service-group',
          POWERTOOLS_SERVICE_NAME: 'offset-reset',
        },
      },
    });
    // The audit trail: pk = group id, sk = time#request, kept when the stack goes.
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: {
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      },
      DeletionPolicy: 'Retain',
    });
  });

  it("may pause and resume only its groups' mappings and alter only its groups", () => {
    const stack = testStack();
    const reset = new OffsetReset(stack, 'OffsetReset', { cluster: MSK_IAM, entry: fixtureEntry('offset-reset'), projectRoot: FIXTURE_ROOT, groups: groups(stack) });
    const all = statements(Template.fromStack(stack));
    expect(all.find((s) => s.Action === 'lambda:ListEventSourceMappings')?.Resource).toBe('*');
    const update = all.find((s) => s.Action === 'lambda:UpdateEventSourceMapping');
    expect(update?.Condition).toEqual({
      StringEquals: { 'lambda:FunctionArn': [{ 'Fn::GetAtt': [expect.stringMatching(/^Orders/), 'Arn'] }, { 'Fn::GetAtt': [expect.stringMatching(/^Audit/), 'Arn'] }] },
    });
    const groupStatement = all.find((s) => actionsOf(s).includes('kafka-cluster:AlterGroup'));
    expect(actionsOf(groupStatement!).sort()).toEqual(['kafka-cluster:AlterGroup', 'kafka-cluster:DeleteGroup', 'kafka-cluster:DescribeGroup']);
    expect(groupStatement?.Resource).toEqual([
      'arn:aws:kafka:eu-west-1:111122223333:group/orders/abcd1234-0123-abcd-5678-1234abcd-1/audit-service-group',
      'arn:aws:kafka:eu-west-1:111122223333:group/orders/abcd1234-0123-abcd-5678-1234abcd-1/order-processing-group',
    ]);
    expect(all.find((s) => actionsOf(s).includes('kafka-cluster:ReadData'))?.Resource).toEqual([
      'arn:aws:kafka:eu-west-1:111122223333:topic/orders/abcd1234-0123-abcd-5678-1234abcd-1/order-events',
      'arn:aws:kafka:eu-west-1:111122223333:topic/orders/abcd1234-0123-abcd-5678-1234abcd-1/user-events',
    ]);
    expect(all.find((s) => actionsOf(s).includes('dynamodb:PutItem'))?.Action).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    expect(nagFindings(reset)).toEqual([]);
  });

  it('reads the SCRAM secret instead of using MSK IAM actions', () => {
    const stack = testStack();
    new OffsetReset(stack, 'OffsetReset', { cluster: MSK_SCRAM, entry: fixtureEntry('offset-reset'), projectRoot: FIXTURE_ROOT, groups: groups(stack) });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ SCG_KAFKA_AUTH: 'scram', SCG_KAFKA_SECRET_ARN: SECRET_ARN }) } });
    const all = statements(template);
    expect(all.flatMap(actionsOf).filter((a) => a.startsWith('kafka-cluster:'))).toEqual([]);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SCG_BOOTSTRAP_SERVERS: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MskBootstrapBrokers'), 'BootstrapBrokerStringSaslScram'] } }) },
    });
  });

  it('looks the MSK brokers up at deploy time, so the function itself may not call GetBootstrapBrokers', () => {
    const stack = testStack();
    const reset = new OffsetReset(stack, 'OffsetReset', { cluster: MSK_IAM, entry: fixtureEntry('offset-reset'), projectRoot: FIXTURE_ROOT, groups: groups(stack) });
    const template = Template.fromStack(stack);
    template.resourceCountIs('Custom::AWS', 1);
    const lookup = template.findResources('Custom::AWS');
    const create = JSON.stringify(Object.values(lookup)[0]);
    expect(create).toContain('getBootstrapBrokers');
    expect(create).toContain(CLUSTER_ARN);
    const functionPolicy = JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^OffsetResetHandlerRole') }] } }));
    expect(functionPolicy).toContain('kafka-cluster:Connect');
    expect(functionPolicy).not.toContain('kafka:GetBootstrapBrokers');
    const lookupPolicy = statements(template).filter((st) => actionsOf(st).includes('kafka:GetBootstrapBrokers'));
    expect(lookupPolicy.map((st) => st.Resource)).toEqual([CLUSTER_ARN]);
    expect(nagFindings(reset)).toEqual([]);
  });

  it('refuses to be built without groups', () => {
    expect(() => new OffsetReset(testStack(), 'R', { cluster: MSK_IAM, entry: fixtureEntry('offset-reset'), projectRoot: FIXTURE_ROOT, groups: [] })).toThrow(/groups must not be empty/);
  });
});

describe('OffsetReset offset files', () => {
  it('may read fromFile CSVs under the declared bucket and prefix only, acknowledged for cdk-nag', () => {
    const stack = testStack();
    const reset = new OffsetReset(stack, 'OffsetReset', {
      cluster: MSK_IAM,
      entry: fixtureEntry('offset-reset'),
      projectRoot: FIXTURE_ROOT,
      groups: groups(stack),
      offsetFiles: { bucketName: 'ops-offset-files', keyPrefix: 'resets/' },
    });
    const read = statements(Template.fromStack(stack)).filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));
    expect(read).toEqual([
      expect.objectContaining({ Action: 's3:GetObject', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::ops-offset-files/resets/*']] } }),
    ]);
    expect(nagFindings(reset)).toEqual([]);
  });

  it('grants no S3 access without offsetFiles', () => {
    const stack = testStack();
    new OffsetReset(stack, 'OffsetReset', { cluster: MSK_IAM, entry: fixtureEntry('offset-reset'), projectRoot: FIXTURE_ROOT, groups: groups(stack) });
    expect(statements(Template.fromStack(stack)).filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')))).toEqual([]);
  });

  it('rejects a bucket name that is not one, naming the field', () => {
    const stack = testStack();
    expect(
      () =>
        new OffsetReset(stack, 'OffsetReset', {
          cluster: MSK_IAM,
          entry: fixtureEntry('offset-reset'),
          projectRoot: FIXTURE_ROOT,
          groups: groups(stack),
          offsetFiles: { bucketName: 'Ops_Files' },
        }),
    ).toThrow(/offsetFiles\.bucketName must be an S3 bucket name, got "Ops_Files"/);
  });
});
