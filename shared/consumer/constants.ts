/** How a consumer de-duplicates redelivered records (`SCG_IDEMPOTENCY`). */
export const IDEMPOTENCY_MODES = {
  /** No de-duplication: at-least-once effect (fine for naturally idempotent handlers). */
  OFF: 'off',
  /** Offset watermark per partition: O(partitions) store requests per batch. */
  WATERMARK: 'watermark',
  /** Business key per record: two writes per executed record, survives re-published duplicates. */
  KEY: 'key',
} as const;

/**
 * The environment a consumer function reads, once per cold start. Set by the CDK construct
 * (`infra/constructs/consumer-group-function.ts`) or by hand; documented in
 * `shared/consumer/README.md`.
 */
export const CONSUMER_ENV = {
  GROUP_ID: 'SCG_GROUP_ID',
  IDEMPOTENCY: 'SCG_IDEMPOTENCY',
  IDEMPOTENCY_TABLE: 'SCG_IDEMPOTENCY_TABLE',
  IDEMPOTENCY_KEY: 'SCG_IDEMPOTENCY_KEY',
  IDEMPOTENCY_TTL_SECONDS: 'SCG_IDEMPOTENCY_TTL_SECONDS',
  DEAD_LETTER: 'SCG_DEAD_LETTER',
  CONCURRENCY: 'SCG_CONCURRENCY',
  CHUNK_SIZE: 'SCG_CHUNK_SIZE',
  REPORT_BATCH_ITEM_FAILURES: 'SCG_REPORT_BATCH_ITEM_FAILURES',
} as const;

/**
 * `SCG_*` variables that belong to other parts of the project and may legitimately be in a
 * consumer's environment: the local event-source runtime hands its own environment to the
 * functions it runs (as the tests and `npm start` do), and the cluster variables are shared
 * by every function that connects to Kafka itself. Any other `SCG_*` variable that is not a
 * consumer variable is taken for a typo and fails the cold start.
 */
export const SHARED_SCG_VARIABLES: readonly string[] = [
  // local tooling and test harness
  'SCG_KAFKA_BOOTSTRAP',
  'SCG_USE_REAL_AWS',
  'SCG_JEST_PROJECT',
  'SCG_CACHE_DIR',
  'SCG_RUN_DIR',
  'SCG_VENV_DIR',
  // cluster connection (shared/kafka)
  'SCG_CLUSTER_ARN',
  'SCG_BOOTSTRAP_SERVERS',
  'SCG_KAFKA_AUTH',
  'SCG_KAFKA_SECRET_ARN',
  'SCG_KAFKA_TIMEOUT_MS',
  // lag monitor and offset-reset functions
  'SCG_LAG_STATE_TABLE',
  'SCG_GROUPS_INCLUDE',
  'SCG_GROUPS_EXCLUDE',
  'SCG_GROUP_STATES',
  'SCG_PER_PARTITION_METRICS',
  'SCG_SUMMARY_PARTITIONS',
  'SCG_AUTOSCALING',
  'SCG_BURROW_WINDOW',
  'SCG_BURROW_ALLOWED_LAG',
  'SCG_TIME_LAG_SAMPLES',
  'SCG_TIME_LAG_MAX_EXTRAPOLATION',
  'SCG_HOT_PARTITION_FACTOR',
  'SCG_HOT_PARTITION_MIN_LAG',
  'SCG_GROUPS_PER_REQUEST',
  'SCG_LAG_TOPIC_REFRESH_SECONDS',
  'SCG_AUDIT_TABLE',
];

/** CloudWatch namespace when `POWERTOOLS_METRICS_NAMESPACE` is not set (the lag monitor's too). */
export const DEFAULT_METRICS_NAMESPACE = 'ServerlessConsumerGroups';

/** The one dimension of every consumer metric. */
export const CONSUMER_DIMENSIONS = {
  CONSUMER_GROUP: 'ConsumerGroup',
} as const;

/** Metric names the consumer publishes once per invocation (EMF), all per `ConsumerGroup`. */
export const CONSUMER_METRICS = {
  /** Records whose handler ran and succeeded. Unit: Count. */
  PROCESSED: 'RecordsProcessed',
  /** Records reported failed (left for Lambda to retry): one per failed partition. Unit: Count. */
  FAILED: 'RecordsFailed',
  /** Records skipped as already processed (watermark or business key). Unit: Count. */
  DUPLICATES_SKIPPED: 'DuplicatesSkipped',
  /** Poison records written to the dead-letter sink. Unit: Count. */
  DEAD_LETTERED: 'RecordsDeadLettered',
  /** Records the `filter` option left out. Unit: Count. */
  FILTERED: 'RecordsFiltered',
  /** Partitions another invocation advanced first (watermark mode): a sign of concurrent delivery. Unit: Count. */
  WATERMARK_CONFLICTS: 'WatermarkConflicts',
  /** Invocations whose event could not be decoded. Unit: Count. */
  INVALID_EVENTS: 'InvalidEvents',
  /** Wall time of the invocation's processing. Unit: Milliseconds. */
  BATCH_DURATION: 'BatchDuration',
} as const;

/** Schemes of `SCG_DEAD_LETTER`. */
export const DEAD_LETTER_SCHEMES = {
  KAFKA: 'kafka://',
  SQS: 'sqs:',
  S3: 's3://',
} as const;

/**
 * The bundle-time constants that say which dead-letter sinks a function's bundle contains, one
 * per sink kind, set with esbuild `define` to `true` or `false` (infra/lib/bundling.ts,
 * `bundleDefines`). A sink's module, and what it imports (a Kafka producer: ~700 KB; the S3
 * or SQS client), is left out of a bundle whose constant is `false`. Unbundled (tests, local
 * scripts) the constants do not exist and every sink is available.
 */
export const DEAD_LETTER_SINK_DEFINES = {
  kafka: '__SCG_DEAD_LETTER_KAFKA__',
  sqs: '__SCG_DEAD_LETTER_SQS__',
  s3: '__SCG_DEAD_LETTER_S3__',
} as const;

/** Stable error codes of the consumer module. */
export const CONSUMER_ERROR_CODES = {
  CONFIG: 'CONSUMER_CONFIG_INVALID',
  IDEMPOTENCY_UNAVAILABLE: 'CONSUMER_IDEMPOTENCY_UNAVAILABLE',
} as const;
