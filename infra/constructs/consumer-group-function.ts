import { CrossStackReferences, Duration, ReferenceStrength, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { EventSourceMapping, EventSourceMappingLogLevel, FilterCriteria, MetricType, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import type { IEventSourceDlq } from 'aws-cdk-lib/aws-lambda';
import { AuthenticationMethod, KafkaDlq, ManagedKafkaEventSource, SelfManagedKafkaEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { KafkaEventSourceProps } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { LAG_METRICS_NAMESPACE } from '../../shared/lag/metrics-contract.ts';
import type { ClusterDeclaration } from '../config/types.ts';
import { mskClusterStatements, mskSecretKeyStatement, selfManagedVpcStatement } from '../lib/kafka-iam.ts';
import { acknowledge } from '../lib/nag.ts';
import { S3PutOnlyOnFailureDestination } from '../lib/s3-put-only-destination.ts';
import type { VpcPlacement } from '../lib/vpc.ts';
import { BundledFunction } from './bundled-function.ts';
import { deadLetterWiring } from './consumer-dead-letter.ts';
import type { ConsumerDeadLetter } from './consumer-dead-letter.ts';
import { ConstructPropsError } from './errors.ts';

/** How the consumer library de-duplicates redelivered records (`SCG_IDEMPOTENCY`). */
export type IdempotencyMode = 'off' | 'watermark' | 'key';

/** Where Lambda sends a batch it gives up on. */
export type ConsumerFailureDestination =
  | { readonly type: 'kafka'; /** `kafka://<topic>`, same cluster, not a source topic. */ readonly topic: string }
  | { readonly type: 'sqs'; /** @default Duration.days(14) */ readonly retentionPeriod?: Duration }
  | { readonly type: 's3'; /** Objects expire after this. @default Duration.days(90) */ readonly expiration?: Duration };

/** Provisioned mode: a floor and a ceiling of event pollers. */
export interface ProvisionedPollers {
  /** @default 1 */
  readonly minimumPollers?: number;
  /** @default 200 */
  readonly maximumPollers?: number;
  /** @default - dedicated pollers */
  readonly pollerGroupName?: string;
}

export interface ConsumerGroupFunctionProps {
  /** The cluster the group consumes from. */
  readonly cluster: ClusterDeclaration;
  /** Where a self-managed cluster's brokers are reachable. @default - brokers reachable over the internet */
  readonly clusterVpc?: VpcPlacement;
  /** Absolute path of the handler file. */
  readonly entry: string;
  /** Repository root (package.json, package-lock.json). */
  readonly projectRoot: string;
  /** Kafka consumer group id: 1..200 chars, fixed once the mapping exists. */
  readonly groupId: string;
  /** Source topics; one event source mapping each. */
  readonly topics: readonly string[];
  /** `POWERTOOLS_SERVICE_NAME`. @default - the group id */
  readonly serviceName?: string;
  /** @default 100 */
  readonly batchSize?: number;
  /** @default - Lambda's Kafka default, 500 ms */
  readonly maxBatchingWindow?: Duration;
  /** Used only when the group has no committed offsets. @default StartingPosition.TRIM_HORIZON */
  readonly startingPosition?: StartingPosition;
  /** Unix seconds, with `StartingPosition.AT_TIMESTAMP` only. @default - none */
  readonly startingPositionTimestamp?: number;
  /** @default - on-demand pollers */
  readonly provisionedPollers?: ProvisionedPollers;
  /** -1 = infinite; provisioned mode only. @default - Lambda's default (-1) */
  readonly retryAttempts?: number;
  /** Provisioned mode only. @default - infinite */
  readonly maxRecordAge?: Duration;
  /** Provisioned mode only. @default false */
  readonly bisectBatchOnError?: boolean;
  /** Provisioned mode only; also sets `SCG_REPORT_BATCH_ITEM_FAILURES`. @default false */
  readonly reportBatchItemFailures?: boolean;
  /** @default - failed batches are retried per the retry settings, then skipped */
  readonly onFailure?: ConsumerFailureDestination;
  /**
   * Where the consumer library writes poison records (`SCG_DEAD_LETTER`); the function is
   * bundled with this sink only, and granted what it calls.
   * @default - no sink bundled: a poison record fails its partition like any error
   */
  readonly deadLetter?: ConsumerDeadLetter;
  /** Event filter patterns. @default - every record is delivered */
  readonly filters?: ReadonlyArray<Readonly<Record<string, unknown>>>;
  /** @default 'watermark' */
  readonly idempotency?: IdempotencyMode;
  /** Shared idempotency table (pk S, TTL `expiresAt`); required unless idempotency is 'off'. @default - none */
  readonly idempotencyTable?: ITable;
  /** @default LAG_METRICS_NAMESPACE */
  readonly metricsNamespace?: string;
  /** Extra variables for the handler. @default - none */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default 512 */
  readonly memorySize?: number;
  /** At most 14 minutes for Kafka sources. @default Duration.seconds(60) */
  readonly timeout?: Duration;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
}

interface ClusterSecrets {
  readonly secret?: ISecret;
  readonly rootCa?: ISecret;
}

/** One event source mapping of the group (one per topic). */
export interface GroupMapping {
  readonly topic: string;
  readonly mapping: EventSourceMapping;
}

/**
 * One Kafka consumer group as one Lambda function: the bundled handler, one event
 * source mapping per topic carrying every Kafka ESM option, least-privilege access to
 * the cluster, the on-failure destination, and the environment the consumer library
 * reads (`SCG_*`, `POWERTOOLS_*`).
 *
 * @example
 * new ConsumerGroupFunction(this, 'Orders', {
 *   cluster, entry, projectRoot, groupId: 'order-processing-group', topics: ['order-events'],
 *   provisionedPollers: { minimumPollers: 1, maximumPollers: 6 }, reportBatchItemFailures: true,
 *   idempotencyTable: table,
 * });
 */
export class ConsumerGroupFunction extends Construct {
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly function: NodejsFunction;
  readonly mappings: readonly GroupMapping[];
  /** The SQS queue or S3 bucket created for `onFailure`, if any. */
  readonly failureQueue?: Queue;
  readonly failureBucket?: Bucket;
  /** The SQS queue or S3 bucket created for `deadLetter`, if any. */
  readonly deadLetterQueue?: Queue;
  readonly deadLetterBucket?: Bucket;
  readonly provisioned: boolean;

  constructor(scope: Construct, id: string, props: ConsumerGroupFunctionProps) {
    super(scope, id);
    validate(this.node.path, props);
    this.groupId = props.groupId;
    this.topics = [...props.topics];
    this.provisioned = props.provisionedPollers !== undefined;
    const idempotency = props.idempotency ?? 'watermark';
    const reportBatchItemFailures = props.reportBatchItemFailures ?? false;
    const deadLetter = props.deadLetter === undefined ? undefined : deadLetterWiring(this, props.deadLetter);
    this.deadLetterQueue = deadLetter?.queue;
    this.deadLetterBucket = deadLetter?.bucket;

    const fn = new BundledFunction(this, 'Handler', {
      entry: props.entry,
      projectRoot: props.projectRoot,
      deadLetterSinks: deadLetter === undefined ? [] : [deadLetter.sink],
      description: `Kafka consumer group ${props.groupId} (${props.topics.join(', ')})`,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(60),
      ...(props.logRetention === undefined ? {} : { logRetention: props.logRetention }),
      environment: {
        ...props.environment,
        SCG_GROUP_ID: props.groupId,
        SCG_IDEMPOTENCY: idempotency,
        ...(props.idempotencyTable === undefined || idempotency === 'off' ? {} : { SCG_IDEMPOTENCY_TABLE: props.idempotencyTable.tableName }),
        // Must match the mapping's FunctionResponseTypes: a handler that reports item
        // failures to a mapping that does not expect them has its whole batch committed.
        SCG_REPORT_BATCH_ITEM_FAILURES: String(reportBatchItemFailures),
        ...(deadLetter === undefined ? {} : { SCG_DEAD_LETTER: deadLetter.target }),
        POWERTOOLS_SERVICE_NAME: props.serviceName ?? props.groupId,
        POWERTOOLS_METRICS_NAMESPACE: props.metricsNamespace ?? LAG_METRICS_NAMESPACE,
      },
    });
    this.function = fn.function;
    deadLetter?.grant(fn);

    if (props.idempotencyTable !== undefined && idempotency !== 'off') {
      // The commands shared/idempotency issues; no Scan/Query, no table management.
      props.idempotencyTable.grant(
        this.function,
        'dynamodb:GetItem',
        'dynamodb:BatchGetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:ConditionCheckItem',
      );
    }

    const destination = this.createDestination(props, fn);
    this.failureQueue = destination.queue;
    this.failureBucket = destination.bucket;
    this.grantClusterAccess(props, fn);

    const secrets = this.importSecrets(props.cluster);
    const mappings: GroupMapping[] = [];
    for (const topic of props.topics) {
      const before = new Set(this.function.node.children);
      this.function.addEventSource(this.eventSource(props, topic, destination.dlq, secrets));
      const mapping = this.function.node.children.find((c): c is EventSourceMapping => c instanceof EventSourceMapping && !before.has(c));
      if (mapping === undefined) throw new ConstructPropsError(this.node.path, `no event source mapping was created for topic ${topic}`);
      // A mapping is replaced when its group id or topic changes. A strong (Export/
      // ImportValue) reference from another stack (the dashboard) would then block the
      // update ("export in use"): reference mappings weakly (Fn::GetStackOutput).
      CrossStackReferences.of(mapping).produce(ReferenceStrength.WEAK);
      mappings.push({ topic, mapping });
    }
    this.mappings = mappings;
  }

  private importSecrets(cluster: ClusterDeclaration): ClusterSecrets {
    const secret = cluster.secretArn === undefined ? undefined : Secret.fromSecretCompleteArn(this, 'KafkaSecret', cluster.secretArn);
    const rootCa =
      cluster.type === 'self-managed' && cluster.rootCaSecretArn !== undefined ? Secret.fromSecretCompleteArn(this, 'KafkaRootCa', cluster.rootCaSecretArn) : undefined;
    return { ...(secret === undefined ? {} : { secret }), ...(rootCa === undefined ? {} : { rootCa }) };
  }

  private eventSource(
    props: ConsumerGroupFunctionProps,
    topic: string,
    onFailure: IEventSourceDlq | undefined,
    { secret, rootCa }: ClusterSecrets,
  ): ManagedKafkaEventSource | SelfManagedKafkaEventSource {
    const provisioned = props.provisionedPollers;
    const common: KafkaEventSourceProps = {
      topic,
      consumerGroupId: props.groupId,
      batchSize: props.batchSize ?? 100,
      startingPosition: props.startingPosition ?? StartingPosition.TRIM_HORIZON,
      ...(props.startingPositionTimestamp === undefined ? {} : { startingPositionTimestamp: props.startingPositionTimestamp }),
      ...(props.maxBatchingWindow === undefined ? {} : { maxBatchingWindow: props.maxBatchingWindow }),
      ...(props.filters === undefined ? {} : { filters: props.filters.map((pattern) => FilterCriteria.filter({ ...pattern })) }),
      ...(onFailure === undefined ? {} : { onFailure }),
      ...(provisioned === undefined
        ? {}
        : {
            provisionedPollerConfig: {
              minimumPollers: provisioned.minimumPollers ?? 1,
              maximumPollers: provisioned.maximumPollers ?? 200,
              ...(provisioned.pollerGroupName === undefined ? {} : { pollerGroupName: provisioned.pollerGroupName }),
            },
            // Enhanced ESM metrics and poller logs are provisioned-mode features for Kafka;
            // the dashboard reads ProvisionedPollers and OnFailureDestinationDeliveredEventCount.
            metricsConfig: { metrics: [MetricType.EVENT_COUNT, MetricType.ERROR_COUNT, MetricType.KAFKA_METRICS] },
            logLevel: EventSourceMappingLogLevel.WARN,
            ...(props.retryAttempts === undefined ? {} : { retryAttempts: props.retryAttempts }),
            ...(props.maxRecordAge === undefined ? {} : { maxRecordAge: props.maxRecordAge }),
            ...(props.bisectBatchOnError === true ? { bisectBatchOnError: true } : {}),
            ...(props.reportBatchItemFailures === true ? { reportBatchItemFailures: true } : {}),
          }),
    };
    const cluster = props.cluster;
    if (cluster.type === 'msk') {
      return new ManagedKafkaEventSource({ ...common, clusterArn: cluster.clusterArn, ...(secret === undefined ? {} : { secret }) });
    }
    const vpc = props.clusterVpc;
    return new SelfManagedKafkaEventSource({
      ...common,
      bootstrapServers: [...cluster.bootstrapServers],
      ...(secret === undefined ? {} : { secret, authenticationMethod: AUTHENTICATION[cluster.auth] }),
      ...(rootCa === undefined ? {} : { rootCACertificate: rootCa }),
      // The mapping takes one security group; the first declared is used.
      ...(vpc === undefined ? {} : { vpc: vpc.vpc, vpcSubnets: { subnets: [...vpc.subnets] }, securityGroup: vpc.securityGroups[0]! }),
    });
  }

  private createDestination(props: ConsumerGroupFunctionProps, fn: BundledFunction): { dlq?: IEventSourceDlq; queue?: Queue; bucket?: Bucket } {
    const target = props.onFailure;
    if (target === undefined) return {};
    if (target.type === 'kafka') return { dlq: new KafkaDlq(target.topic) };
    if (target.type === 'sqs') {
      const queue = new Queue(this, 'FailedBatches', {
        retentionPeriod: target.retentionPeriod ?? Duration.days(14),
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
      });
      acknowledge(queue, 'AwsSolutions-SQS3', [], 'This queue is itself the on-failure destination (dead-letter store) of the event source mapping; nothing consumes it automatically.');
      return { dlq: new SqsDlq(queue), queue };
    }
    const bucket = new Bucket(this, 'FailedBatches', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [{ expiration: target.expiration ?? Duration.days(90) }],
      // Failed invocation records are evidence: keep them when the stack goes.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(
      bucket,
      'AwsSolutions-S1',
      [],
      'Only the event source mapping writes here (on-failure records); an access-log bucket per destination would need its own logging. Use CloudTrail S3 data events to audit reads.',
    );
    const bucketLogicalId = Stack.of(bucket).getLogicalId(bucket.node.defaultChild as CfnBucket);
    acknowledge(
      fn.role,
      'AwsSolutions-IAM5',
      [`Resource::<${bucketLogicalId}.Arn>/*`],
      'Lambda writes each failed invocation record as a new object with a generated key: s3:PutObject on the objects of this one bucket (plus s3:ListBucket on the bucket), nothing else.',
    );
    return { dlq: new S3PutOnlyOnFailureDestination(bucket), bucket };
  }

  private grantClusterAccess(props: ConsumerGroupFunctionProps, fn: BundledFunction): void {
    const cluster = props.cluster;
    if (cluster.type === 'msk') {
      if (cluster.auth === 'iam') {
        const dlqTopic = props.onFailure?.type === 'kafka' ? props.onFailure.topic.slice('kafka://'.length) : undefined;
        for (const statement of mskClusterStatements(cluster.clusterArn, 'consumer', { topics: props.topics, groups: [props.groupId], ...(dlqTopic === undefined ? {} : { writeTopics: [dlqTopic] }) })) {
          fn.role.addToPolicy(statement);
        }
      }
      // ManagedKafkaEventSource attaches AWSLambdaMSKExecutionRole to the role.
      acknowledge(
        fn.role,
        'AwsSolutions-IAM4',
        ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaMSKExecutionRole'],
        "aws-cdk-lib's ManagedKafkaEventSource attaches AWSLambdaMSKExecutionRole: the ENI and kafka:Describe* permissions the MSK event source mapping needs to reach the cluster's VPC; the ec2 actions do not support resource scoping.",
      );
    } else if (props.clusterVpc !== undefined) {
      fn.role.addToPolicy(selfManagedVpcStatement());
      acknowledge(
        fn.role,
        'AwsSolutions-IAM5',
        ['Resource::*'],
        'The self-managed Kafka event source mapping creates ENIs in the cluster VPC with the execution role; ec2 Describe*/network-interface actions do not support resource scoping.',
      );
    }
    const keyArn = cluster.secretKmsKeyArn;
    if (keyArn !== undefined) fn.role.addToPolicy(mskSecretKeyStatement(keyArn));
  }
}

const AUTHENTICATION: Record<'scram-sha-256' | 'scram-sha-512' | 'mtls' | 'basic' | 'none', AuthenticationMethod> = {
  'scram-sha-256': AuthenticationMethod.SASL_SCRAM_256_AUTH,
  'scram-sha-512': AuthenticationMethod.SASL_SCRAM_512_AUTH,
  mtls: AuthenticationMethod.CLIENT_CERTIFICATE_TLS_AUTH,
  basic: AuthenticationMethod.BASIC_AUTH,
  none: AuthenticationMethod.SASL_SCRAM_512_AUTH, // unused: no secret, no authentication
};

function validate(path: string, props: ConsumerGroupFunctionProps): void {
  const fail = (message: string): never => {
    throw new ConstructPropsError(`ConsumerGroupFunction ${path}`, message);
  };
  const resolved = (v: number | undefined): v is number => v !== undefined && !Token.isUnresolved(v);
  if (!Token.isUnresolved(props.groupId) && !/^[a-zA-Z0-9\-/*:_+=.@]{1,200}$/.test(props.groupId)) fail('groupId must be 1..200 of [a-zA-Z0-9-/*:_+=.@]');
  if (props.topics.length === 0) fail('topics must not be empty');
  if (resolved(props.batchSize) && (props.batchSize < 1 || props.batchSize > 10_000)) fail(`batchSize must be 1..10000, got ${props.batchSize}`);
  if (props.maxBatchingWindow !== undefined && !Token.isUnresolved(props.maxBatchingWindow.toSeconds()) && props.maxBatchingWindow.toSeconds() > 300) {
    fail('maxBatchingWindow must be at most 300 seconds');
  }
  if (resolved(props.retryAttempts) && !(props.retryAttempts === -1 || (props.retryAttempts >= 0 && props.retryAttempts <= 10_000))) {
    fail(`retryAttempts must be -1 or 0..10000, got ${props.retryAttempts}`);
  }
  const p = props.provisionedPollers;
  if (p !== undefined) {
    if (resolved(p.minimumPollers) && (p.minimumPollers < 1 || p.minimumPollers > 200)) fail('provisionedPollers.minimumPollers must be 1..200');
    if (resolved(p.maximumPollers) && (p.maximumPollers < 1 || p.maximumPollers > 2000)) fail('provisionedPollers.maximumPollers must be 1..2000');
    if (resolved(p.minimumPollers) && resolved(p.maximumPollers) && p.minimumPollers > p.maximumPollers) fail('provisionedPollers.minimumPollers must be <= maximumPollers');
  } else {
    const provisionedOnly: [string, boolean][] = [
      ['retryAttempts', props.retryAttempts !== undefined],
      ['maxRecordAge', props.maxRecordAge !== undefined],
      ['bisectBatchOnError', props.bisectBatchOnError === true],
      ['reportBatchItemFailures', props.reportBatchItemFailures === true],
      ['onFailure (Kafka topic)', props.onFailure?.type === 'kafka'],
    ];
    for (const [name, set] of provisionedOnly) if (set) fail(`${name} requires provisionedPollers (Kafka error-handling controls are provisioned-mode only)`);
  }
  if (props.onFailure?.type === 'kafka') {
    const target = props.onFailure.topic.replace(/^kafka:\/\//, '');
    if (props.topics.includes(target)) fail(`onFailure topic must not be a source topic (${target})`);
  }
  // By hand, the variable would name a sink the bundle does not contain (the cold start fails).
  if (props.environment?.SCG_DEAD_LETTER !== undefined) fail('environment.SCG_DEAD_LETTER is set by deadLetter: declare the dead letter there, which also bundles its sink and grants access');
  if (props.deadLetter?.type === 'kafka') {
    const target = props.deadLetter.topic.replace(/^kafka:\/\//, '');
    if (!/^kafka:\/\/[a-zA-Z0-9._-]{1,249}$/.test(props.deadLetter.topic)) fail(`deadLetter.topic must be kafka://<topic>, got "${props.deadLetter.topic}"`);
    if (props.topics.includes(target)) fail(`deadLetter topic must not be a source topic (${target})`);
    // The sink connects without SASL or TLS (see infra/config/rules.ts).
    if (props.cluster.type === 'msk' || props.cluster.auth !== 'none') fail('deadLetter of type "kafka" needs a self-managed cluster with auth "none": the sink connects unauthenticated; use "sqs" or "s3"');
  }
  if ((props.idempotency ?? 'watermark') !== 'off' && props.idempotencyTable === undefined) fail(`idempotency "${props.idempotency ?? 'watermark'}" needs idempotencyTable`);
  const timeout = props.timeout?.toSeconds();
  if (resolved(timeout) && timeout > 840) fail('timeout must be at most 14 minutes for Kafka event sources');
}
