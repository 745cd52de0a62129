import type { Admin, BaseOptions } from '@platformatic/kafka';
import { KafkaConnectionError } from './errors.ts';
import type { ClusterConfig } from './config.ts';

/** What every @platformatic/kafka client needs to reach the cluster. */
export type KafkaConnection = Pick<BaseOptions, 'bootstrapBrokers' | 'sasl' | 'tls'> & { bootstrapBrokers: string[] };

/** AWS calls the resolver needs; injected in tests, real SDK clients by default. */
export interface ConnectionDeps {
  getBootstrapBrokers(clusterArn: string): Promise<{ iam?: string; scram?: string; tls?: string }>;
  getSecret(secretArn: string): Promise<{ username: string; password: string }>;
  iamToken(region: string): Promise<string>;
}

/**
 * Resolves brokers and credentials once per cold start.
 * MSK: `GetBootstrapBrokers` returns one string per auth (IAM on 9098, SCRAM on 9096,
 * TLS on 9094); we pick the one matching the configured auth
 * (https://docs.aws.amazon.com/msk/latest/developerguide/msk-get-bootstrap-brokers.html).
 */
export async function resolveConnection(config: ClusterConfig, deps?: ConnectionDeps): Promise<KafkaConnection> {
  const d = deps ?? (await defaultDeps());
  if (config.type === 'self-managed') {
    const bootstrapBrokers = config.bootstrapServers.split(',');
    if (config.auth === 'none') return { bootstrapBrokers };
    if (config.auth === 'tls') return { bootstrapBrokers, tls: {} };
    const { username, password } = await d.getSecret(config.secretArn!);
    return { bootstrapBrokers, tls: {}, sasl: { mechanism: config.auth === 'scram-sha-256' ? 'SCRAM-SHA-256' : 'SCRAM-SHA-512', username, password } };
  }
  const brokers = await d.getBootstrapBrokers(config.clusterArn);
  const chosen = brokers[config.auth];
  if (!chosen) {
    throw new KafkaConnectionError(`MSK cluster ${config.clusterArn} has no bootstrap brokers for ${config.auth} auth; enable it on the cluster or change SCG_KAFKA_AUTH`, {
      code: 'KAFKA_NO_BROKERS_FOR_AUTH',
      retriable: false,
    });
  }
  const bootstrapBrokers = chosen.split(',');
  if (config.auth === 'tls') return { bootstrapBrokers, tls: {} };
  if (config.auth === 'scram') {
    const { username, password } = await d.getSecret(config.secretArn!);
    return { bootstrapBrokers, tls: {}, sasl: { mechanism: 'SCRAM-SHA-512', username, password } };
  }
  const region = config.clusterArn.split(':')[3]!;
  // MSK IAM: SASL/OAUTHBEARER with a short-lived signed token; a provider function so
  // every new connection gets a fresh token.
  return { bootstrapBrokers, tls: {}, sasl: { mechanism: 'OAUTHBEARER', token: () => d.iamToken(region) } };
}

async function defaultDeps(): Promise<ConnectionDeps> {
  return {
    async getBootstrapBrokers(clusterArn) {
      const { KafkaClient, GetBootstrapBrokersCommand } = await import('@aws-sdk/client-kafka');
      const out = await new KafkaClient({}).send(new GetBootstrapBrokersCommand({ ClusterArn: clusterArn }));
      const pick = (...values: (string | undefined)[]): string | undefined => values.find((v) => v !== undefined && v !== '');
      const result: { iam?: string; scram?: string; tls?: string } = {};
      const iam = pick(out.BootstrapBrokerStringSaslIam, out.BootstrapBrokerStringPublicSaslIam);
      const scram = pick(out.BootstrapBrokerStringSaslScram, out.BootstrapBrokerStringPublicSaslScram);
      const tls = pick(out.BootstrapBrokerStringTls, out.BootstrapBrokerStringPublicTls);
      if (iam) result.iam = iam;
      if (scram) result.scram = scram;
      if (tls) result.tls = tls;
      return result;
    },
    async getSecret(secretArn) {
      const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
      const out = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: secretArn }));
      const value = JSON.parse(out.SecretString ?? '{}') as { username?: unknown; password?: unknown };
      if (typeof value.username !== 'string' || typeof value.password !== 'string') {
        throw new KafkaConnectionError(`secret ${secretArn} must be JSON with string "username" and "password"`, { code: 'KAFKA_BAD_SECRET', retriable: false });
      }
      return { username: value.username, password: value.password };
    },
    async iamToken(region) {
      const { generateAuthToken } = await import('aws-msk-iam-sasl-signer-js');
      return (await generateAuthToken({ region })).token;
    },
  };
}

/** An admin client on a resolved connection. */
export async function createAdmin(connection: KafkaConnection, clientId: string, options: Partial<BaseOptions> = {}): Promise<Admin> {
  const { Admin } = await import('@platformatic/kafka');
  return new Admin({ ...connection, clientId, ...options });
}
