import * as z from 'zod/mini';
import { safeParse } from '../validation/parse.ts';
import { KafkaConfigError } from './errors.ts';

/**
 * How a function that connects by itself (lag monitor, offset reset) reaches the
 * cluster. Consumer functions do not need this: Lambda hands them `bootstrapServers`.
 */
export const ClusterConfigSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('msk'),
    /** MSK cluster ARN (its region signs IAM tokens). */
    clusterArn: z.string().check(z.regex(/^arn:aws[a-z-]*:kafka:[a-z0-9-]+:\d{12}:cluster\/.+/, 'must be an MSK cluster ARN')),
    /** `host:port,...` of the auth's brokers, looked up by the CDK app at deploy time; absent: looked up by the caller (groupctl). */
    bootstrapServers: z.optional(z.string().check(z.regex(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, 'must be host:port[,host:port...]'))),
    auth: z.enum(['iam', 'scram', 'tls']),
    /** Secrets Manager secret `{username, password}` for SCRAM (MSK secrets are named `AmazonMSK_*`). */
    secretArn: z.optional(z.string()),
  }),
  z.strictObject({
    type: z.literal('self-managed'),
    /** `host:port,host:port` */
    bootstrapServers: z.string().check(z.regex(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, 'must be host:port[,host:port...]')),
    auth: z.enum(['none', 'scram-sha-256', 'scram-sha-512', 'tls']),
    secretArn: z.optional(z.string()),
  }),
]);
export type ClusterConfig = z.infer<typeof ClusterConfigSchema>;

/**
 * Reads the cluster from the environment once (cold start):
 * `SCG_CLUSTER_ARN` + `SCG_KAFKA_AUTH` (iam|scram|tls) for MSK, with its brokers in
 * `SCG_BOOTSTRAP_SERVERS` (set by the CDK app), or
 * `SCG_BOOTSTRAP_SERVERS` + `SCG_KAFKA_AUTH` (none|scram-sha-256|scram-sha-512|tls) for
 * self-managed Kafka; `SCG_KAFKA_SECRET_ARN` for SCRAM credentials.
 *
 * @example
 * const cluster = clusterConfigFromEnv(process.env);
 */
export function clusterConfigFromEnv(env: NodeJS.ProcessEnv): ClusterConfig {
  const arn = env.SCG_CLUSTER_ARN;
  const servers = env.SCG_BOOTSTRAP_SERVERS;
  if (!arn && !servers) throw new KafkaConfigError('SCG_CLUSTER_ARN (MSK) or SCG_BOOTSTRAP_SERVERS (self-managed Kafka) must be set');
  const raw = arn
    ? { type: 'msk', clusterArn: arn, ...(servers ? { bootstrapServers: servers } : {}), auth: env.SCG_KAFKA_AUTH ?? 'iam', ...(env.SCG_KAFKA_SECRET_ARN ? { secretArn: env.SCG_KAFKA_SECRET_ARN } : {}) }
    : { type: 'self-managed', bootstrapServers: servers, auth: env.SCG_KAFKA_AUTH ?? 'none', ...(env.SCG_KAFKA_SECRET_ARN ? { secretArn: env.SCG_KAFKA_SECRET_ARN } : {}) };
  const parsed = safeParse(ClusterConfigSchema, raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = ({ clusterArn: 'SCG_CLUSTER_ARN', bootstrapServers: 'SCG_BOOTSTRAP_SERVERS', auth: 'SCG_KAFKA_AUTH', secretArn: 'SCG_KAFKA_SECRET_ARN' } as Record<string, string>)[String(issue.path[0])] ?? String(issue.path[0]);
    throw new KafkaConfigError(`${variable}: ${issue.message}`);
  }
  if ((parsed.data.auth === 'scram' || parsed.data.auth.startsWith('scram-')) && !parsed.data.secretArn) {
    throw new KafkaConfigError('SCG_KAFKA_SECRET_ARN: required when SCG_KAFKA_AUTH is SCRAM');
  }
  return parsed.data;
}
