import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table } from 'aws-cdk-lib/aws-dynamodb';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { join } from 'node:path';
import type { ConsumerDeclaration, Declaration } from '../config/types.ts';
import type { ConsumerDeadLetter } from '../constructs/consumer-dead-letter.ts';
import { ConsumerGroupFunction } from '../constructs/consumer-group-function.ts';
import type { ConsumerFailureDestination, ConsumerGroupFunctionProps } from '../constructs/consumer-group-function.ts';
import { importVpcPlacement } from '../lib/vpc.ts';
import type { VpcPlacement } from '../lib/vpc.ts';

export interface ConsumersStackProps extends StackProps {
  readonly declaration: Declaration;
  /** Repository root; consumer `entry` paths are relative to it. */
  readonly projectRoot: string;
}

/**
 * The consumer side: one function (and its mappings and destination) per declared
 * consumer group, plus the idempotency table they share.
 */
export class ConsumersStack extends Stack {
  readonly groups: readonly ConsumerGroupFunction[];
  /** pk (S) + TTL `expiresAt`; absent when every group has idempotency "off". */
  readonly idempotencyTable?: Table;

  constructor(scope: Construct, id: string, props: ConsumersStackProps) {
    super(scope, id, props);
    const d = props.declaration;
    const projectRoot = props.projectRoot;
    // The topics travel in the template so the local sandbox (local/sandbox) can create them
    // on its broker from what `cdk synth` produced, without re-reading the declaration.
    this.templateOptions.metadata = { ...this.templateOptions.metadata, 'scg:topics': d.topics.map((t) => ({ name: t.name, partitions: t.partitions })) };
    if (d.consumers.some((c) => c.idempotency !== 'off')) {
      this.idempotencyTable = new Table(this, 'Idempotency', {
        partitionKey: { name: 'pk', type: AttributeType.STRING },
        timeToLiveAttribute: 'expiresAt',
        billingMode: BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        // Losing it means re-running side effects (e-mails, charges) on redelivery.
        removalPolicy: RemovalPolicy.RETAIN,
      });
    }
    // Self-managed brokers in a VPC: the mappings attach to it. MSK mappings find the
    // cluster's network themselves, and consumer functions need no VPC (Lambda hands
    // them the records).
    const clusterVpc = d.cluster.type === 'self-managed' && d.cluster.vpc !== undefined ? importVpcPlacement(this, 'KafkaVpc', d.cluster.vpc) : undefined;
    this.groups = d.consumers.map((c) => {
      // The function's own tables: created here, named in the variable the handler reads,
      // read/write granted to this function only.
      const tables = c.tables.map(
        (t) =>
          [
            t,
            new Table(this, `${pascal(c.name)}${pascal(t.env.toLowerCase().replace(/_/g, '-'))}`, {
              partitionKey: { name: t.partitionKey.name, type: t.partitionKey.type as AttributeType },
              ...(t.sortKey === undefined ? {} : { sortKey: { name: t.sortKey.name, type: t.sortKey.type as AttributeType } }),
              billingMode: BillingMode.PAY_PER_REQUEST,
              pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
              removalPolicy: RemovalPolicy.RETAIN,
            }),
          ] as const,
      );
      const props = consumerProps(d, c, projectRoot, clusterVpc, this.idempotencyTable);
      const group = new ConsumerGroupFunction(this, pascal(c.name), {
        ...props,
        environment: { ...props.environment, ...Object.fromEntries(tables.map(([t, table]) => [t.env, table.tableName])) },
      });
      for (const [, table] of tables) table.grantReadWriteData(group.function);
      return group;
    });
  }
}

/** `order-processing` → `OrderProcessing` (construct ids). */
export function pascal(name: string): string {
  return name.replace(/(^|-)([a-z0-9])/g, (_m, _dash: string, ch: string) => ch.toUpperCase());
}

function failureDestination(c: ConsumerDeclaration): ConsumerFailureDestination | undefined {
  const f = c.onFailure;
  if (f === undefined) return undefined;
  if (f.type === 'kafka') return { type: 'kafka', topic: f.topic };
  if (f.type === 'sqs') return { type: 'sqs', retentionPeriod: Duration.days(f.retentionDays) };
  return { type: 's3', expiration: Duration.days(f.expireAfterDays) };
}

function deadLetter(c: ConsumerDeclaration): ConsumerDeadLetter | undefined {
  const d = c.deadLetter;
  if (d === undefined) return undefined;
  if (d.type === 'kafka') return { type: 'kafka', topic: d.topic };
  if (d.type === 'sqs') return { type: 'sqs', retentionPeriod: Duration.days(d.retentionDays) };
  return { type: 's3', expiration: Duration.days(d.expireAfterDays) };
}

function consumerProps(d: Declaration, c: ConsumerDeclaration, projectRoot: string, clusterVpc: VpcPlacement | undefined, table: Table | undefined): ConsumerGroupFunctionProps {
  const onFailure = failureDestination(c);
  const poison = deadLetter(c);
  return {
    cluster: d.cluster,
    ...(clusterVpc === undefined ? {} : { clusterVpc }),
    entry: join(projectRoot, c.entry),
    projectRoot,
    groupId: c.groupId,
    topics: c.topics,
    serviceName: c.name,
    batchSize: c.batchSize,
    ...(c.batchingWindowSeconds === undefined ? {} : { maxBatchingWindow: Duration.seconds(c.batchingWindowSeconds) }),
    startingPosition: StartingPosition[c.startingPosition],
    ...(c.startingTimestamp === undefined ? {} : { startingPositionTimestamp: c.startingTimestamp }),
    ...(c.pollers.mode === 'provisioned'
      ? {
          provisionedPollers: {
            minimumPollers: c.pollers.minimum,
            maximumPollers: c.pollers.maximum,
            ...(c.pollers.pollerGroupName === undefined ? {} : { pollerGroupName: c.pollers.pollerGroupName }),
          },
        }
      : {}),
    ...(c.retryAttempts === undefined ? {} : { retryAttempts: c.retryAttempts }),
    // -1 is Lambda's default (infinite); CDK's maxRecordAge takes 60 s..7 days only.
    ...(c.maxRecordAgeSeconds === undefined || c.maxRecordAgeSeconds === -1 ? {} : { maxRecordAge: Duration.seconds(c.maxRecordAgeSeconds) }),
    bisectBatchOnError: c.bisectBatchOnError,
    reportBatchItemFailures: c.reportBatchItemFailures,
    ...(onFailure === undefined ? {} : { onFailure }),
    ...(poison === undefined ? {} : { deadLetter: poison }),
    ...(c.filters === undefined ? {} : { filters: c.filters }),
    idempotency: c.idempotency,
    ...(table === undefined ? {} : { idempotencyTable: table }),
    environment: c.environment,
    memorySize: c.memorySizeMb,
    timeout: Duration.seconds(c.timeoutSeconds),
    logRetention: d.logRetentionDays as RetentionDays,
  };
}
