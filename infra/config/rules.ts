import type { ClusterDeclaration, ConsumerDeclaration, Declaration } from './types.ts';

/** A rule violation (error) or a note worth reading (warning), with the field path. */
export interface RuleFinding {
  readonly path: string;
  readonly message: string;
}

export interface RuleResult {
  readonly errors: RuleFinding[];
  readonly warnings: RuleFinding[];
}

// Kafka error-handling controls are available in provisioned mode only: "Under Event
// poller configuration, select provisioned mode to configure error handling controls"
// (https://docs.aws.amazon.com/lambda/latest/dg/kafka-retry-configurations.html). SQS,
// SNS and S3 on-failure destinations predate provisioned mode and work in both modes;
// a Kafka-topic destination is one of the provisioned-mode controls.
const PROVISIONED_ONLY = 'requires pollers.mode "provisioned" (Kafka error-handling controls are provisioned-mode only)';

/**
 * Rules that relate several fields of an already shape-valid declaration.
 * `nowSeconds` is injected so the "timestamp not in the future" rule is testable.
 */
export function checkDeclaration(d: Declaration, nowSeconds: number = Math.floor(Date.now() / 1000)): RuleResult {
  const errors: RuleFinding[] = [];
  const warnings: RuleFinding[] = [];
  const error = (path: string, message: string): void => void errors.push({ path, message });
  const warn = (path: string, message: string): void => void warnings.push({ path, message });

  checkCluster(d, error, warn);

  const partitions = new Map<string, number>();
  d.topics.forEach((t, i) => {
    if (partitions.has(t.name)) error(`topics[${i}].name`, `duplicate topic "${t.name}"`);
    partitions.set(t.name, t.partitions);
  });

  const names = new Set<string>();
  const groups = new Set<string>();
  d.consumers.forEach((c, i) => {
    const at = `consumers[${i}]`;
    if (names.has(c.name)) error(`${at}.name`, `duplicate consumer name "${c.name}"`);
    names.add(c.name);
    // The ESM requires the group id to be unique among the account's Kafka event sources.
    if (groups.has(c.groupId)) error(`${at}.groupId`, `duplicate group id "${c.groupId}" (each consumer group gets its own function)`);
    groups.add(c.groupId);
    checkConsumer(c, at, partitions, nowSeconds, error, warn);
    checkDeadLetter(d.cluster, c, at, error, warn);
  });

  return { errors, warnings };
}

type Report = (path: string, message: string) => void;

function checkCluster(d: Declaration, error: Report, warn: Report): void {
  const c = d.cluster;
  if (c.type === 'msk') {
    if (c.auth === 'scram' && c.secretArn === undefined) error('cluster.secretArn', 'required when cluster.auth is "scram"');
    if (c.auth === 'iam' && c.secretArn !== undefined) error('cluster.secretArn', 'must not be set when cluster.auth is "iam"');
    if (c.vpc === undefined) {
      warn('cluster.vpc', 'not set: the lag monitor and offset reset run outside any VPC and reach only publicly accessible brokers');
    }
    return;
  }
  if (c.auth === 'none') {
    // Mirrors aws-cdk-lib's SelfManagedKafkaEventSource: without credentials the
    // brokers must be reached inside a VPC.
    if (c.vpc === undefined) error('cluster.vpc', 'required when cluster.auth is "none" (brokers without authentication must be reached in a VPC)');
    if (c.secretArn !== undefined) error('cluster.secretArn', 'must not be set when cluster.auth is "none"');
  } else if (c.secretArn === undefined) {
    error('cluster.secretArn', `required when cluster.auth is "${c.auth}"`);
  }
  if (c.auth === 'basic') {
    error('cluster.auth', '"basic" (SASL/PLAIN) works for the event source mapping, but shared/kafka (lag monitor, offset reset) supports none|scram-sha-256|scram-sha-512|tls only');
  }
  if (c.auth === 'mtls') {
    warn('cluster.auth', 'the lag monitor and offset reset connect with TLS but shared/kafka does not present the mTLS client certificate');
  }
  if (c.vpc !== undefined && c.vpc.securityGroupIds.length > 1) {
    warn('cluster.vpc.securityGroupIds', 'the self-managed event source mapping takes one security group: it uses the first; the lag monitor and offset reset use all');
  }
}

function checkConsumer(c: ConsumerDeclaration, at: string, partitions: ReadonlyMap<string, number>, nowSeconds: number, error: Report, warn: Report): void {
  const seen = new Set<string>();
  c.topics.forEach((topic, j) => {
    if (!partitions.has(topic)) error(`${at}.topics[${j}]`, `topic "${topic}" is not declared in topics`);
    if (seen.has(topic)) error(`${at}.topics[${j}]`, `duplicate topic "${topic}"`);
    seen.add(topic);
  });
  const maxPartitions = Math.max(...c.topics.map((t) => partitions.get(t) ?? 0));

  if (c.startingPosition === 'AT_TIMESTAMP' && c.startingTimestamp === undefined) {
    error(`${at}.startingTimestamp`, 'required when startingPosition is AT_TIMESTAMP');
  }
  if (c.startingPosition !== 'AT_TIMESTAMP' && c.startingTimestamp !== undefined) {
    error(`${at}.startingTimestamp`, 'only allowed when startingPosition is AT_TIMESTAMP');
  }
  if (c.startingTimestamp !== undefined && c.startingTimestamp > nowSeconds) {
    error(`${at}.startingTimestamp`, 'must not be in the future');
  }

  const provisioned = c.pollers.mode === 'provisioned';
  if (!provisioned) {
    if (c.retryAttempts !== undefined) error(`${at}.retryAttempts`, PROVISIONED_ONLY);
    if (c.maxRecordAgeSeconds !== undefined) error(`${at}.maxRecordAgeSeconds`, PROVISIONED_ONLY);
    if (c.bisectBatchOnError) error(`${at}.bisectBatchOnError`, PROVISIONED_ONLY);
    if (c.reportBatchItemFailures) error(`${at}.reportBatchItemFailures`, PROVISIONED_ONLY);
    if (c.onFailure?.type === 'kafka') error(`${at}.onFailure`, `a Kafka-topic destination ${PROVISIONED_ONLY}`);
    if (c.autoscaling !== undefined) error(`${at}.autoscaling`, 'requires pollers.mode "provisioned" (the autoscaler adjusts ProvisionedPollerConfig)');
  } else if (c.pollers.mode === 'provisioned') {
    if (c.pollers.minimum > c.pollers.maximum) error(`${at}.pollers.minimum`, `must be <= pollers.maximum (${c.pollers.maximum})`);
    if (c.pollers.maximum > maxPartitions) {
      warn(`${at}.pollers.maximum`, `${c.pollers.maximum} exceeds the partition count (${maxPartitions}): a Kafka poller reads at least one partition, extra pollers stay idle`);
    }
    // With a destination and infinite retries Lambda caps retries at 10 (noted in the
    // project's ESM reference, from the Kafka error-handling guide:
    // https://docs.aws.amazon.com/lambda/latest/dg/kafka-retry-configurations.html).
    if (c.onFailure !== undefined && (c.retryAttempts ?? -1) === -1) {
      warn(`${at}.retryAttempts`, 'infinite (-1) with an on-failure destination: Lambda caps retries at 10 before sending to the destination');
    }
  }

  if (c.onFailure?.type === 'kafka') {
    const target = c.onFailure.topic.slice('kafka://'.length);
    if (c.topics.includes(target)) error(`${at}.onFailure.topic`, `must not be a source topic of this consumer ("${target}")`);
  }

  const a = c.autoscaling;
  if (a !== undefined) {
    if (a.minPollers > a.maxPollers) error(`${at}.autoscaling.minPollers`, `must be <= autoscaling.maxPollers (${a.maxPollers})`);
    if (a.scaleDownLag >= a.scaleUpLag) error(`${at}.autoscaling.scaleDownLag`, `must be < autoscaling.scaleUpLag (${a.scaleUpLag})`);
    if (c.pollers.mode === 'provisioned' && a.maxPollers > c.pollers.maximum) {
      error(`${at}.autoscaling.maxPollers`, `must be <= pollers.maximum (${c.pollers.maximum})`);
    }
    if (a.maxPollers > maxPartitions) {
      warn(`${at}.autoscaling.maxPollers`, `${a.maxPollers} exceeds the partition count (${maxPartitions}): pollers beyond it add cost, not throughput`);
    }
  }

  for (const key of Object.keys(c.environment)) {
    if (/^(SCG_|POWERTOOLS_|AWS_)/.test(key) || key === '_HANDLER' || key === 'LAMBDA_TASK_ROOT') {
      error(`${at}.environment.${key}`, 'is reserved (SCG_*, POWERTOOLS_* are set by the app; AWS_* by Lambda)');
    }
  }
  const tableEnvs = new Set<string>();
  c.tables.forEach((t, i) => {
    if (/^(SCG_|POWERTOOLS_|AWS_)/.test(t.env)) error(`${at}.tables[${i}].env`, 'is reserved (SCG_*, POWERTOOLS_*, AWS_*)');
    if (t.env in c.environment) error(`${at}.tables[${i}].env`, `${t.env} is also set in environment`);
    if (tableEnvs.has(t.env)) error(`${at}.tables[${i}].env`, `${t.env} names two tables`);
    tableEnvs.add(t.env);
    if (t.sortKey !== undefined && t.sortKey.name === t.partitionKey.name) error(`${at}.tables[${i}].sortKey.name`, 'must differ from partitionKey.name');
  });
}

// The Kafka dead-letter sink (shared/batch/dead-letter/kafka-sink.ts, as shared/consumer creates
// it from SCG_DEAD_LETTER) connects to the event's bootstrapServers in plaintext, without SASL,
// from the consumer function, which runs outside any VPC. MSK (IAM or SCRAM) and authenticated
// self-managed brokers refuse such a client, so the declaration refuses it there.
function checkDeadLetter(cluster: ClusterDeclaration, c: ConsumerDeclaration, at: string, error: Report, warn: Report): void {
  if (c.deadLetter?.type !== 'kafka') return;
  const target = c.deadLetter.topic.slice('kafka://'.length);
  if (c.topics.includes(target)) error(`${at}.deadLetter.topic`, `must not be a source topic of this consumer ("${target}")`);
  if (cluster.type === 'msk' || cluster.auth !== 'none') {
    const auth = cluster.type === 'msk' ? `MSK with auth "${cluster.auth}"` : `auth "${cluster.auth}"`;
    error(`${at}.deadLetter`, `a Kafka dead-letter topic needs brokers that accept unauthenticated plaintext clients (the sink connects without SASL or TLS), not ${auth}: use type "sqs" or "s3"`);
  } else {
    warn(`${at}.deadLetter`, 'the Kafka dead-letter sink connects from the consumer function, which runs outside any VPC: the brokers must be reachable from there');
  }
}
