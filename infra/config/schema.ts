import { z } from 'zod';

// The declaration the CDK app is built from. Field-level rules live here (ranges,
// formats, unknown keys); rules that relate several fields live in `rules.ts`.
// Ranges are the Lambda API's, quoted from
// https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html.

const range = (min: number, max: number): string => `must be ${min}..${max}`;

/** An integer in `[min, max]`; every failure says the range. */
function intIn(min: number, max: number): z.ZodInt {
  const message = range(min, max);
  return z.int({ error: message }).min(min, message).max(max, message);
}

const KAFKA_TOPIC = /^[a-zA-Z0-9._-]{1,249}$/;
// ConsumerGroupId pattern from AmazonManagedKafkaEventSourceConfig / SelfManagedKafkaEventSourceConfig.
const GROUP_ID = /^[a-zA-Z0-9\-/*:_+=.@]{1,200}$/;
const NAME = /^[a-z][a-z0-9-]{0,39}$/;
const MSK_CLUSTER_ARN = /^arn:aws[a-z-]*:kafka:[a-z0-9-]+:\d{12}:cluster\/[^/]+\/[^/]+$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+-[A-Za-z0-9]{6}$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/.+$/;
const HOST_PORT = /^[^\s:,]+:\d{1,5}$/;
const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** CloudWatch Logs retention values (days) accepted by `AWS::Logs::LogGroup`. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

const topicName = z.string().regex(KAFKA_TOPIC, 'must be a Kafka topic name ([a-zA-Z0-9._-], 1..249 chars)');
const secretArn = z.string().regex(SECRET_ARN, 'must be a complete Secrets Manager secret ARN (ending in the 6-character suffix)');
const kmsKeyArn = z.string().regex(KMS_KEY_ARN, 'must be a KMS key ARN');

/** Where the lag monitor and offset reset run (and, for self-managed Kafka, the event source mapping's network). */
export const VpcSchema = z.strictObject({
  vpcId: z.string().regex(/^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/, 'must be a VPC id (vpc- and 8 or 17 hex digits)'),
  subnetIds: z
    .array(z.string().regex(/^subnet-([0-9a-f]{8}|[0-9a-f]{17})$/, 'must be a subnet id (subnet- and 8 or 17 hex digits)'))
    .min(1, 'must list at least one subnet'),
  securityGroupIds: z
    .array(z.string().regex(/^sg-([0-9a-f]{8}|[0-9a-f]{17})$/, 'must be a security group id (sg- and 8 or 17 hex digits)'))
    .min(1, 'must list at least one security group'),
});

export const MskClusterSchema = z.strictObject({
  type: z.literal('msk'),
  clusterArn: z.string().regex(MSK_CLUSTER_ARN, 'must be an MSK cluster ARN (arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>)'),
  /** `iam` (SASL/IAM, port 9098) or `scram` (SASL/SCRAM-SHA-512 with `secretArn`, port 9096). */
  auth: z.enum(['iam', 'scram']),
  secretArn: secretArn.optional(),
  /** The customer managed key that encrypts the SCRAM secret (MSK requires one). */
  secretKmsKeyArn: kmsKeyArn.optional(),
  vpc: VpcSchema.optional(),
});

export const SelfManagedClusterSchema = z.strictObject({
  type: z.literal('self-managed'),
  bootstrapServers: z.array(z.string().regex(HOST_PORT, 'must be host:port')).min(1, 'must list at least one broker'),
  /** `basic` is SASL/PLAIN; `mtls` takes the client certificate from `secretArn`. */
  auth: z.enum(['none', 'scram-sha-256', 'scram-sha-512', 'mtls', 'basic']),
  secretArn: secretArn.optional(),
  secretKmsKeyArn: kmsKeyArn.optional(),
  /** Secret holding the root CA certificate, for brokers whose certificates a private CA signed. */
  rootCaSecretArn: secretArn.optional(),
  vpc: VpcSchema.optional(),
});

export const ClusterSchema = z.discriminatedUnion('type', [MskClusterSchema, SelfManagedClusterSchema], {
  error: 'must have type "msk" or "self-managed"',
});

export const TopicSchema = z.strictObject({
  name: topicName,
  partitions: intIn(1, 100_000),
});

export const PollersSchema = z.discriminatedUnion(
  'mode',
  [
    z.strictObject({ mode: z.literal('on-demand') }),
    z.strictObject({
      mode: z.literal('provisioned'),
      minimum: intIn(1, 200).default(1),
      maximum: intIn(1, 2000).default(200),
      /** ESMs with the same poller group share event poller units (cost). */
      pollerGroupName: z.string().regex(/^[a-zA-Z0-9._-]{1,128}$/, 'must be 1..128 of [a-zA-Z0-9._-]').optional(),
    }),
  ],
  { error: 'must have mode "on-demand" or "provisioned"' },
);

export const OnFailureSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('kafka'), topic: z.string().regex(/^kafka:\/\/[a-zA-Z0-9._-]{1,249}$/, 'must be kafka://<topic>') }),
    z.strictObject({ type: z.literal('sqs'), retentionDays: intIn(1, 14).default(14) }),
    z.strictObject({ type: z.literal('s3'), expireAfterDays: intIn(1, 3650).default(90) }),
  ],
  { error: 'must have type "kafka", "sqs" or "s3"' },
);

/**
 * Where the consumer library writes poison records itself, one record at a time (`SCG_DEAD_LETTER`),
 * unlike `onFailure`, where Lambda parks whole failed batches. Only the declared sink is bundled.
 */
export const DeadLetterSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('kafka'), topic: z.string().regex(/^kafka:\/\/[a-zA-Z0-9._-]{1,249}$/, 'must be kafka://<topic>') }),
    z.strictObject({ type: z.literal('sqs'), retentionDays: intIn(1, 14).default(14) }),
    z.strictObject({ type: z.literal('s3'), expireAfterDays: intIn(1, 3650).default(90) }),
  ],
  { error: 'must have type "kafka", "sqs" or "s3"' },
);

export const AlarmsSchema = z.strictObject({
  /** Alarm when the largest partition lag of any topic reaches this many records. */
  maxOffsetLag: z.int({ error: 'must be a positive integer' }).positive('must be a positive integer').optional(),
  /** Alarm when the oldest unconsumed record is this many seconds old. */
  maxTimeLagSeconds: z.int({ error: 'must be a positive integer' }).positive('must be a positive integer').optional(),
  /** Alarm when the group status is at least WARN (1) or ERR (2). */
  status: z.enum(['WARN', 'ERR']).optional(),
  /** Consecutive one-minute periods that must breach before an alarm fires. */
  evaluationPeriods: intIn(1, 60).default(3),
});

export const AutoscalingSchema = z.strictObject({
  /** Scale up when the group's max offset lag is at least this. */
  scaleUpLag: z.int({ error: 'must be a positive integer' }).positive('must be a positive integer'),
  /** Scale down when the group's max offset lag is at most this. */
  scaleDownLag: z.int({ error: 'must be a non-negative integer' }).nonnegative('must be a non-negative integer'),
  // The autoscaler moves the mapping's MinimumPollers, which Lambda caps at 200.
  minPollers: intIn(1, 200),
  maxPollers: intIn(1, 200),
  cooldownSeconds: intIn(60, 3600).default(300),
  step: intIn(1, 100).default(1),
});

const KeyAttributeSchema = z.strictObject({
  name: z.string().regex(/^[a-zA-Z0-9_.-]{1,255}$/, 'must be a DynamoDB attribute name'),
  type: z.enum(['S', 'N', 'B']).default('S'),
});

/** A DynamoDB table the function owns (on-demand), its name handed over in `env`. */
export const ConsumerTableSchema = z.strictObject({
  /** Environment variable that carries the table name, e.g. `ORDERS_TABLE`. */
  env: z.string().regex(ENV_KEY, 'must be an environment variable name'),
  partitionKey: KeyAttributeSchema,
  sortKey: KeyAttributeSchema.optional(),
});

export const ConsumerSchema = z.strictObject({
  /** Short name: construct ids, function description, `POWERTOOLS_SERVICE_NAME`. */
  name: z.string().regex(NAME, 'must be lower-case kebab-case, 1..40 chars, starting with a letter'),
  /** Handler file, relative to the repository root; it exports `handler`. */
  entry: z.string().regex(/^[\w./-]+\.(ts|mts|js|mjs)$/, 'must be a relative path to a .ts/.mts/.js/.mjs file'),
  groupId: z.string().regex(GROUP_ID, 'must be 1..200 of [a-zA-Z0-9-/*:_+=.@]'),
  topics: z.array(topicName).min(1, 'must list at least one topic'),
  batchSize: intIn(1, 10_000).default(100),
  /** Omitted: Lambda's Kafka default of 500 ms. */
  batchingWindowSeconds: intIn(0, 300).optional(),
  startingPosition: z.enum(['TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP']).default('TRIM_HORIZON'),
  /** Unix seconds; only with AT_TIMESTAMP. */
  startingTimestamp: z.int({ error: 'must be Unix seconds' }).positive('must be Unix seconds').optional(),
  pollers: PollersSchema.default({ mode: 'on-demand' }),
  retryAttempts: z
    .int({ error: 'must be -1 (infinite) or 0..10000' })
    .refine((v) => v === -1 || (v >= 0 && v <= 10_000), 'must be -1 (infinite) or 0..10000')
    .optional(),
  maxRecordAgeSeconds: z
    .int({ error: 'must be -1 (infinite) or 60..604800' })
    .refine((v) => v === -1 || (v >= 60 && v <= 604_800), 'must be -1 (infinite) or 60..604800')
    .optional(),
  bisectBatchOnError: z.boolean().default(false),
  reportBatchItemFailures: z.boolean().default(false),
  onFailure: OnFailureSchema.optional(),
  /** The library's per-record dead-letter sink; omitted: a poison record fails its partition like any error. */
  deadLetter: DeadLetterSchema.optional(),
  /** Lambda event filter patterns, one object each (https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html). */
  filters: z
    .array(z.record(z.string(), z.unknown()).refine((p) => Object.keys(p).length > 0, 'must be a non-empty filter pattern'))
    .max(5, 'must have at most 5 filters (default Lambda quota)')
    .optional(),
  alarms: AlarmsSchema.optional(),
  autoscaling: AutoscalingSchema.optional(),
  idempotency: z.enum(['off', 'watermark', 'key']).default('watermark'),
  environment: z.record(z.string().regex(ENV_KEY, 'must be an environment variable name'), z.string()).default({}),
  /** Tables the function reads and writes (created, granted, named in their `env` variable). */
  tables: z.array(ConsumerTableSchema).max(10, 'must have at most 10 tables').default([]),
  memorySizeMb: intIn(128, 10_240).default(512),
  /** Lambda allows at most 14 minutes for Kafka event sources. */
  timeoutSeconds: intIn(1, 840).default(60),
});

export const MonitoringSchema = z.strictObject({
  /** Subscribed to the alarm topic (the address must confirm the subscription). */
  alarmEmail: z.email('must be an e-mail address').optional(),
  /** Emit PartitionOffsetLag / PartitionTimeLagSeconds (one custom metric per partition: cost). */
  perPartitionMetrics: z.boolean().default(false),
});

export const OffsetResetSchema = z.strictObject({
  /**
   * Where operators put `fromFile` CSVs (`"s3://<bucket>/<key>"`): the reset function may read
   * there and nowhere else. Without it, `fromFile` takes inline CSV only.
   */
  offsetFiles: z
    .strictObject({
      bucketName: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name'),
      keyPrefix: z.string().regex(/^[^*]*$/, 'must not contain "*"').optional(),
    })
    .optional(),
});

export const DeclarationSchema = z.strictObject({
  /** Prefix of stack names. */
  appName: z.string().regex(/^[a-z][a-z0-9-]{0,23}$/, 'must be lower-case kebab-case, 1..24 chars').default('scg'),
  cluster: ClusterSchema,
  topics: z.array(TopicSchema).min(1, 'must declare at least one topic'),
  consumers: z.array(ConsumerSchema).min(1, 'must declare at least one consumer group'),
  monitoring: MonitoringSchema.default({ perPartitionMetrics: false }),
  offsetReset: OffsetResetSchema.default({}),
  logRetentionDays: z
    .int({ error: `must be one of ${LOG_RETENTION_DAYS.join(', ')}` })
    .refine((v) => (LOG_RETENTION_DAYS as readonly number[]).includes(v), `must be one of ${LOG_RETENTION_DAYS.join(', ')}`)
    .default(30),
});
