import { Duration } from 'aws-cdk-lib';
import type { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { ConsumerGroupFunction } from '../../infra/constructs/consumer-group-function.ts';
import type { ClusterDeclaration } from '../../infra/config/index.ts';
import type { ConsumerGroupFunctionProps } from '../../infra/constructs/consumer-group-function.ts';
import { importVpcPlacement } from '../../infra/lib/vpc.ts';
import { CLUSTER_ARN, FIXTURE_ROOT, KEY_ARN, MSK_IAM, MSK_SCRAM, SECRET_ARN, SELF_MANAGED, VPC, actionsOf, fixtureEntry, nagFindings, statements, testStack } from './support.ts';

const TOPIC_ARN = (topic: string): string => `arn:aws:kafka:eu-west-1:111122223333:topic/orders/abcd1234-0123-abcd-5678-1234abcd-1/${topic}`;
const GROUP_ARN = (group: string): string => `arn:aws:kafka:eu-west-1:111122223333:group/orders/abcd1234-0123-abcd-5678-1234abcd-1/${group}`;

function build(overrides: Partial<ConsumerGroupFunctionProps> = {}, stack: Stack = testStack()): { stack: Stack; group: ConsumerGroupFunction; template: Template } {
  const table = new Table(stack, 'Idempotency', { partitionKey: { name: 'pk', type: AttributeType.STRING }, pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true } });
  const group = new ConsumerGroupFunction(stack, 'Orders', {
    cluster: MSK_IAM,
    entry: fixtureEntry('order-processing'),
    projectRoot: FIXTURE_ROOT,
    groupId: 'order-processing-group',
    topics: ['order-events'],
    idempotencyTable: table,
    ...overrides,
  });
  return { stack, group, template: Template.fromStack(stack) };
}

const PROVISIONED = {
  provisionedPollers: { minimumPollers: 2, maximumPollers: 6 },
  retryAttempts: 3,
  maxRecordAge: Duration.hours(1),
  bisectBatchOnError: true,
  reportBatchItemFailures: true,
} satisfies Partial<ConsumerGroupFunctionProps>;

describe('ConsumerGroupFunction', () => {
  it('creates a Node.js 24 ARM64 function with its own log group and the consumer-library environment', () => {
    // GIVEN / WHEN a group with key idempotency and partial batch responses
    const { template } = build({ ...PROVISIONED, idempotency: 'key', serviceName: 'order-processing', environment: { ORDERS_API: 'https://orders' } });
    // THEN
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Timeout: 60,
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^OrdersHandlerLogs') } },
      Environment: {
        Variables: {
          SCG_GROUP_ID: 'order-processing-group',
          SCG_IDEMPOTENCY: 'key',
          SCG_IDEMPOTENCY_TABLE: { Ref: Match.stringLikeRegexp('^Idempotency') },
          SCG_REPORT_BATCH_ITEM_FAILURES: 'true',
          POWERTOOLS_SERVICE_NAME: 'order-processing',
          POWERTOOLS_METRICS_NAMESPACE: 'ServerlessConsumerGroups',
          ORDERS_API: 'https://orders',
        },
      },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('maps every provisioned-mode option onto the event source mapping', () => {
    const { template } = build({ ...PROVISIONED, batchSize: 250, maxBatchingWindow: Duration.seconds(2), onFailure: { type: 'kafka', topic: 'kafka://orders-dlq' } });
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: CLUSTER_ARN,
      Topics: ['order-events'],
      AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: 'order-processing-group' },
      BatchSize: 250,
      MaximumBatchingWindowInSeconds: 2,
      StartingPosition: 'TRIM_HORIZON',
      ProvisionedPollerConfig: { MinimumPollers: 2, MaximumPollers: 6 },
      MaximumRetryAttempts: 3,
      MaximumRecordAgeInSeconds: 3600,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: 'kafka://orders-dlq' } },
      MetricsConfig: { Metrics: ['EventCount', 'ErrorCount', 'KafkaMetrics'] },
    });
  });

  it('leaves provisioned-only settings off an on-demand mapping and says so in the environment', () => {
    const { template } = build({ startingPosition: StartingPosition.LATEST });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      StartingPosition: 'LATEST',
      ProvisionedPollerConfig: Match.absent(),
      FunctionResponseTypes: Match.absent(),
      MaximumRetryAttempts: Match.absent(),
      MetricsConfig: Match.absent(),
    });
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ SCG_REPORT_BATCH_ITEM_FAILURES: 'false', SCG_IDEMPOTENCY: 'watermark' }) } });
  });

  it('creates one mapping per topic', () => {
    const { group, template } = build({ topics: ['order-events', 'order-cancellations'] });
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 2);
    expect(group.mappings.map((m) => m.topic)).toEqual(['order-events', 'order-cancellations']);
  });

  it('passes filter patterns through as Lambda filter criteria', () => {
    const { template } = build({ filters: [{ value: { type: ['OrderPlaced'] } }] });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ value: { type: ['OrderPlaced'] } }) }] },
    });
  });

  it('creates an encrypted SQS queue destination and grants only sending to it', () => {
    const { template, group } = build({ onFailure: { type: 'sqs', retentionPeriod: Duration.days(4) } });
    expect(group.failureQueue).toBeDefined();
    template.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 4 * 86_400, SqsManagedSseEnabled: true });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OrdersFailedBatches'), 'Arn'] } } },
    });
    const sqs = statements(template).filter((s) => actionsOf(s).some((a) => a.startsWith('sqs:')));
    expect(sqs.flatMap(actionsOf).sort()).toEqual(['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage']);
  });

  it('creates a private expiring S3 destination and grants PutObject and ListBucket only', () => {
    const { template } = build({ onFailure: { type: 's3', expiration: Duration.days(30) } });
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 30, Status: 'Enabled' })] },
    });
    const s3 = statements(template).filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));
    expect(s3.flatMap(actionsOf).sort()).toEqual(['s3:ListBucket', 's3:PutObject']);
  });

  it('grants MSK IAM data-plane actions on exactly its topics, group and DLQ topic', () => {
    const { template } = build({ ...PROVISIONED, onFailure: { type: 'kafka', topic: 'kafka://orders-dlq' } });
    const kafka = statements(template).filter((s) => actionsOf(s).some((a) => a.startsWith('kafka-cluster:')));
    expect(kafka).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Action: expect.arrayContaining(['kafka-cluster:Connect', 'kafka-cluster:DescribeClusterDynamicConfiguration']), Resource: CLUSTER_ARN }),
        expect.objectContaining({ Action: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'], Resource: TOPIC_ARN('order-events') }),
        expect.objectContaining({ Action: ['kafka-cluster:AlterGroup', 'kafka-cluster:DescribeGroup'], Resource: GROUP_ARN('order-processing-group') }),
        expect.objectContaining({ Action: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'], Resource: TOPIC_ARN('orders-dlq') }),
      ]),
    );
    expect(JSON.stringify(kafka)).not.toContain('*');
  });

  it('uses the SCRAM secret for MSK and may decrypt it only through Secrets Manager', () => {
    const { template } = build({ cluster: MSK_SCRAM });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { SourceAccessConfigurations: [{ Type: 'SASL_SCRAM_512_AUTH', URI: SECRET_ARN }] });
    const all = statements(template);
    expect(all.some((s) => actionsOf(s).some((a) => a.startsWith('kafka-cluster:')))).toBe(false);
    expect(all).toContainEqual(
      expect.objectContaining({ Action: 'kms:Decrypt', Resource: KEY_ARN, Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } } }),
    );
    expect(all).toContainEqual(expect.objectContaining({ Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], Resource: SECRET_ARN }));
  });

  it('points a self-managed mapping at the brokers, the secret and the VPC', () => {
    const stack = testStack();
    const { template } = build({ cluster: SELF_MANAGED, clusterVpc: importVpcPlacement(stack, 'KafkaVpc', VPC) }, stack);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      SelfManagedEventSource: { Endpoints: { KafkaBootstrapServers: ['b-1.kafka.internal:9096', 'b-2.kafka.internal:9096'] } },
      SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: 'order-processing-group' },
      SourceAccessConfigurations: Match.arrayWith([
        { Type: 'SASL_SCRAM_512_AUTH', URI: SECRET_ARN },
        { Type: 'VPC_SECURITY_GROUP', URI: VPC.securityGroupIds[0] },
        { Type: 'VPC_SUBNET', URI: VPC.subnetIds[0] },
      ]),
    });
    expect(statements(template)).toContainEqual(expect.objectContaining({ Action: expect.arrayContaining(['ec2:CreateNetworkInterface']), Resource: '*' }));
  });

  describe('dead letter (the library writes poison records itself)', () => {
    it('creates its own SQS queue, names it in SCG_DEAD_LETTER and may only send to it', () => {
      const { stack, template, group } = build({ deadLetter: { type: 'sqs', retentionPeriod: Duration.days(7) } });
      expect(group.deadLetterQueue).toBeDefined();
      template.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 7 * 86_400, SqsManagedSseEnabled: true });
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ SCG_DEAD_LETTER: { Ref: Match.stringLikeRegexp('^OrdersPoisonRecords') } }) },
      });
      const sqs = statements(template).filter((s) => actionsOf(s).some((a) => a.startsWith('sqs:')));
      expect(sqs).toEqual([expect.objectContaining({ Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^OrdersPoisonRecords/), 'Arn'] } })]);
      expect(nagFindings(stack)).toEqual([]);
    });

    it('creates its own S3 bucket, names it in SCG_DEAD_LETTER and may only put objects under dead-letter/', () => {
      const { stack, template, group } = build({ deadLetter: { type: 's3' } });
      expect(group.deadLetterBucket).toBeDefined();
      template.hasResourceProperties('AWS::S3::Bucket', { LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 90 })] } });
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ SCG_DEAD_LETTER: { 'Fn::Join': ['', ['s3://', { Ref: Match.stringLikeRegexp('^OrdersPoisonRecords') }]] } }) },
      });
      const s3 = statements(template).filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));
      expect(s3).toHaveLength(1);
      expect(actionsOf(s3[0]!)).toEqual(['s3:PutObject']);
      expect(JSON.stringify(s3[0]!.Resource)).toContain('/dead-letter/*');
      expect(nagFindings(stack)).toEqual([]);
    });

    it('names a Kafka topic on an unauthenticated self-managed cluster, with no grant', () => {
      const cluster: ClusterDeclaration = { type: 'self-managed', bootstrapServers: ['b-1.kafka.internal:9092'], auth: 'none', vpc: VPC };
      const stack = testStack();
      const { template } = build({ cluster, clusterVpc: importVpcPlacement(stack, 'KafkaVpc', VPC), deadLetter: { type: 'kafka', topic: 'kafka://orders-poison' } }, stack);
      template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ SCG_DEAD_LETTER: 'kafka://orders-poison' }) } });
      expect(JSON.stringify(statements(template))).not.toContain('orders-poison');
    });

    it('sets no SCG_DEAD_LETTER and creates nothing without a dead letter', () => {
      const { template, group } = build();
      expect(group.deadLetterQueue ?? group.deadLetterBucket).toBeUndefined();
      template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.not(Match.objectLike({ SCG_DEAD_LETTER: Match.anyValue() })) } });
    });
  });

  it('acknowledges only the cdk-nag findings it explains', () => {
    const { stack } = build({ ...PROVISIONED, onFailure: { type: 's3' } });
    expect(nagFindings(stack)).toEqual([]);
  });

  describe('validation', () => {
    it.each<[string, Partial<ConsumerGroupFunctionProps>, RegExp]>([
      ['batch size', { batchSize: 0 }, /batchSize must be 1\.\.10000, got 0/],
      ['retry attempts', { ...PROVISIONED, retryAttempts: -2 }, /retryAttempts must be -1 or 0\.\.10000/],
      ['pollers order', { provisionedPollers: { minimumPollers: 5, maximumPollers: 2 } }, /minimumPollers must be <= maximumPollers/],
      ['provisioned-only option', { reportBatchItemFailures: true }, /reportBatchItemFailures requires provisionedPollers/],
      ['DLQ on a source topic', { ...PROVISIONED, onFailure: { type: 'kafka', topic: 'kafka://order-events' } }, /onFailure topic must not be a source topic/],
      ['Kafka timeout', { timeout: Duration.minutes(15) }, /timeout must be at most 14 minutes/],
      ['group id', { groupId: 'has space' }, /groupId must be 1\.\.200/],
      ['hand-set SCG_DEAD_LETTER', { environment: { SCG_DEAD_LETTER: 's3://poison' } }, /environment\.SCG_DEAD_LETTER is set by deadLetter: declare the dead letter there/],
      ['Kafka dead letter on MSK', { deadLetter: { type: 'kafka', topic: 'kafka://orders-poison' } }, /deadLetter of type "kafka" needs a self-managed cluster with auth "none"/],
      ['Kafka dead letter on a source topic', { deadLetter: { type: 'kafka', topic: 'kafka://order-events' } }, /deadLetter topic must not be a source topic \(order-events\)/],
      ['malformed Kafka dead letter', { deadLetter: { type: 'kafka', topic: 'orders-poison' } }, /deadLetter\.topic must be kafka:\/\/<topic>, got "orders-poison"/],
    ])('rejects an invalid %s with the prop named', (_what, props, message) => {
      expect(() => build(props)).toThrow(message);
    });

    it('needs a table unless idempotency is off', () => {
      const stack = testStack();
      const props = { cluster: MSK_IAM, entry: fixtureEntry('audit-service'), projectRoot: FIXTURE_ROOT, groupId: 'g', topics: ['t'] };
      expect(() => new ConsumerGroupFunction(stack, 'A', props)).toThrow(/idempotency "watermark" needs idempotencyTable/);
      expect(() => new ConsumerGroupFunction(stack, 'B', { ...props, idempotency: 'off' })).not.toThrow();
    });
  });
});
