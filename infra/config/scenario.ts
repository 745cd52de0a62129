import type { DeclarationInput } from './types.ts';

type ClusterInput = DeclarationInput['cluster'];

/**
 * The MSK cluster used when no cluster is given: a placeholder ARN in the AWS
 * documentation account, so `cdk synth` works offline with no context. Deploying needs
 * a real cluster: pass `-c scg:clusterArn=...` (see infra/README.md).
 */
export const PLACEHOLDER_CLUSTER_ARN = 'arn:aws:kafka:us-east-1:111122223333:cluster/scg-demo/00000000-0000-0000-0000-000000000000-1';

/** Context keys read by `clusterFromContext` (set in cdk.json or with `cdk -c key=value`). */
export const CONTEXT_KEYS = {
  clusterArn: 'scg:clusterArn',
  bootstrapServers: 'scg:bootstrapServers',
  kafkaAuth: 'scg:kafkaAuth',
  secretArn: 'scg:secretArn',
  secretKmsKeyArn: 'scg:secretKmsKeyArn',
  vpcId: 'scg:vpcId',
  subnetIds: 'scg:subnetIds',
  securityGroupIds: 'scg:securityGroupIds',
  alarmEmail: 'scg:alarmEmail',
} as const;

/** A context value as a list: `-c` gives "a,b", cdk.json may give ["a","b"]. */
function list(value: unknown): string[] | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (Array.isArray(value)) return value.map(String);
  return String(value)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function text(value: unknown): string | undefined {
  return value === undefined || value === null || value === '' ? undefined : String(value);
}

/**
 * The cluster, from CDK context. `scg:bootstrapServers` selects self-managed Kafka,
 * otherwise MSK (`scg:clusterArn`, default `PLACEHOLDER_CLUSTER_ARN`). Values are passed
 * through unvalidated: `parseDeclaration` validates them and names the field.
 *
 * @example
 * const cluster = clusterFromContext((key) => app.node.tryGetContext(key));
 */
export function clusterFromContext(get: (key: string) => unknown): ClusterInput {
  const vpcId = text(get(CONTEXT_KEYS.vpcId));
  const vpc =
    vpcId === undefined
      ? {}
      : { vpc: { vpcId, subnetIds: list(get(CONTEXT_KEYS.subnetIds)) ?? [], securityGroupIds: list(get(CONTEXT_KEYS.securityGroupIds)) ?? [] } };
  const secretArn = text(get(CONTEXT_KEYS.secretArn));
  const secretKmsKeyArn = text(get(CONTEXT_KEYS.secretKmsKeyArn));
  const secrets = { ...(secretArn === undefined ? {} : { secretArn }), ...(secretKmsKeyArn === undefined ? {} : { secretKmsKeyArn }) };
  const servers = list(get(CONTEXT_KEYS.bootstrapServers));
  const auth = text(get(CONTEXT_KEYS.kafkaAuth));
  if (servers !== undefined) {
    return { type: 'self-managed', bootstrapServers: servers, auth: (auth ?? 'scram-sha-512') as 'scram-sha-512', ...secrets, ...vpc };
  }
  return { type: 'msk', clusterArn: text(get(CONTEXT_KEYS.clusterArn)) ?? PLACEHOLDER_CLUSTER_ARN, auth: (auth ?? 'iam') as 'iam', ...secrets, ...vpc };
}

/**
 * The seed scenario: `order-events` (6 partitions) read by `order-processing-group`;
 * `user-events` (3 partitions) fanned out to the email, analytics and audit groups.
 * Each group shows a different slice of the event-source-mapping options.
 */
export function seedScenario(cluster: ClusterInput, alarmEmail?: string): DeclarationInput {
  return {
    appName: 'scg',
    cluster,
    topics: [
      { name: 'order-events', partitions: 6 },
      { name: 'user-events', partitions: 3 },
    ],
    consumers: [
      {
        // Orders: ordered, retried a few times, poison records bisected out and parked
        // on a Kafka DLQ topic; pollers scale with lag up to one per partition.
        name: 'order-processing',
        entry: 'functions/order-processing/handler.ts',
        groupId: 'order-processing-group',
        topics: ['order-events'],
        batchSize: 100,
        batchingWindowSeconds: 1,
        startingPosition: 'TRIM_HORIZON',
        pollers: { mode: 'provisioned', minimum: 1, maximum: 6 },
        retryAttempts: 3,
        maxRecordAgeSeconds: 3600,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        onFailure: { type: 'kafka', topic: 'kafka://order-events-dlq' },
        alarms: { maxOffsetLag: 1000, maxTimeLagSeconds: 300, status: 'ERR' },
        autoscaling: { scaleUpLag: 1000, scaleDownLag: 100, minPollers: 1, maxPollers: 6, cooldownSeconds: 300, step: 1 },
        // Orders are written in chunks keyed by order id (a repeated put is harmless); the
        // watermark skips whole replayed batches with one read per partition.
        idempotency: 'watermark',
        tables: [{ env: 'ORDERS_TABLE', partitionKey: { name: 'pk', type: 'S' } }],
      },
      {
        // E-mail: side effects must not repeat (business-key idempotency); small
        // batches; failed batches parked on SQS for a person to look at.
        name: 'email-service',
        entry: 'functions/email-service/handler.ts',
        groupId: 'email-service-group',
        topics: ['user-events'],
        batchSize: 50,
        startingPosition: 'LATEST',
        onFailure: { type: 'sqs', retentionDays: 14 },
        alarms: { maxTimeLagSeconds: 120, status: 'WARN' },
        idempotency: 'key',
        tables: [{ env: 'EMAIL_OUTBOX_TABLE', partitionKey: { name: 'pk', type: 'S' } }],
      },
      {
        // Analytics: large batches, partial batch responses, failed invocations
        // archived whole in S3 for replay.
        name: 'analytics-service',
        entry: 'functions/analytics-service/handler.ts',
        groupId: 'analytics-service-group',
        topics: ['user-events'],
        batchSize: 1000,
        batchingWindowSeconds: 5,
        startingPosition: 'TRIM_HORIZON',
        pollers: { mode: 'provisioned', minimum: 1, maximum: 3 },
        retryAttempts: 2,
        reportBatchItemFailures: true,
        onFailure: { type: 's3', expireAfterDays: 30 },
        alarms: { maxOffsetLag: 10_000 },
        idempotency: 'watermark',
        tables: [{ env: 'ANALYTICS_TABLE', partitionKey: { name: 'pk', type: 'S' } }],
      },
      {
        // Audit: reads everything from the beginning, exactly-once effect per offset.
        name: 'audit-service',
        entry: 'functions/audit-service/handler.ts',
        groupId: 'audit-service-group',
        topics: ['user-events'],
        batchSize: 500,
        startingPosition: 'TRIM_HORIZON',
        alarms: { maxOffsetLag: 5000, status: 'ERR' },
        // Each audit item is keyed by topic-partition and offset: naturally idempotent; the
        // watermark only saves the repeated writes.
        idempotency: 'watermark',
        tables: [{ env: 'AUDIT_TABLE', partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'N' } }],
      },
    ],
    monitoring: { perPartitionMetrics: false, ...(alarmEmail === undefined ? {} : { alarmEmail }) },
    logRetentionDays: 30,
  };
}
