import { KafkaAdmin, type KafkaAdminOptions } from './admin/index.ts';
import { KafkaConfigError, KafkaConnectionError } from './errors.ts';
import type { ClusterConfig } from './config.ts';
import type { SaslOptions } from './wire/index.ts';

/** How to reach the cluster: brokers, TLS, SASL. */
export interface KafkaConnection {
  readonly bootstrapBrokers: string[];
  readonly tls?: boolean;
  readonly sasl?: SaslOptions;
}

/** MSK's `GetBootstrapBrokers` answer, one broker string per auth. */
export interface MskBootstrapBrokers {
  readonly iam?: string;
  readonly scram?: string;
  readonly tls?: string;
}

/** AWS calls the resolver needs; injected in tests, real SDK clients by default. */
export interface ConnectionDeps {
  getSecret(secretArn: string): Promise<{ username: string; password: string }>;
  iamToken(region: string): Promise<string>;
  /**
   * MSK broker lookup, for an MSK cluster given without its brokers. The functions never
   * need it (the CDK app passes the brokers it looked up at deploy time); groupctl passes
   * `lookupMskBootstrapBrokers` (msk-bootstrap.ts). @default none
   */
  getBootstrapBrokers?(clusterArn: string): Promise<MskBootstrapBrokers>;
}

/**
 * Resolves brokers and credentials once per cold start. MSK brokers come from the
 * configuration (`SCG_BOOTSTRAP_SERVERS`, which the CDK app sets from a deploy-time
 * `GetBootstrapBrokers`) or, when absent, from `deps.getBootstrapBrokers`, picking the
 * string of the configured auth (IAM on 9098, SCRAM on 9096, TLS on 9094:
 * https://docs.aws.amazon.com/msk/latest/developerguide/msk-get-bootstrap-brokers.html).
 */
export async function resolveConnection(config: ClusterConfig, deps: Partial<ConnectionDeps> = {}): Promise<KafkaConnection> {
  const d: ConnectionDeps = { ...defaultDeps, ...deps };
  if (config.type === 'self-managed') {
    const bootstrapBrokers = config.bootstrapServers.split(',');
    if (config.auth === 'none') return { bootstrapBrokers };
    if (config.auth === 'tls') return { bootstrapBrokers, tls: true };
    const { username, password } = await d.getSecret(config.secretArn!);
    return { bootstrapBrokers, tls: true, sasl: { mechanism: config.auth === 'scram-sha-256' ? 'SCRAM-SHA-256' : 'SCRAM-SHA-512', username, password } };
  }
  const bootstrapBrokers = config.bootstrapServers?.split(',') ?? (await lookUpMskBrokers(config.clusterArn, config.auth, d));
  if (config.auth === 'tls') return { bootstrapBrokers, tls: true };
  if (config.auth === 'scram') {
    const { username, password } = await d.getSecret(config.secretArn!);
    return { bootstrapBrokers, tls: true, sasl: { mechanism: 'SCRAM-SHA-512', username, password } };
  }
  const region = config.clusterArn.split(':')[3]!;
  // MSK IAM: SASL/OAUTHBEARER with a short-lived signed token; a provider function so
  // every new connection gets a fresh token.
  return { bootstrapBrokers, tls: true, sasl: { mechanism: 'OAUTHBEARER', token: () => d.iamToken(region) } };
}

async function lookUpMskBrokers(clusterArn: string, auth: 'iam' | 'scram' | 'tls', d: ConnectionDeps): Promise<string[]> {
  if (d.getBootstrapBrokers === undefined) {
    throw new KafkaConfigError(`SCG_BOOTSTRAP_SERVERS: required with SCG_CLUSTER_ARN (the CDK app sets it from MSK's GetBootstrapBrokers at deploy time)`);
  }
  const chosen = (await d.getBootstrapBrokers(clusterArn))[auth];
  if (!chosen) {
    throw new KafkaConnectionError(`MSK cluster ${clusterArn} has no bootstrap brokers for ${auth} auth; enable it on the cluster or change SCG_KAFKA_AUTH`, {
      code: 'KAFKA_NO_BROKERS_FOR_AUTH',
      retriable: false,
    });
  }
  return chosen.split(',');
}

// Replaced by `true`/`false` when bundling (infra/lib/bundling.ts `OPTIONAL_CLIENT_DEFINES`):
// a function whose declared cluster has no SCRAM secret is bundled without the Secrets
// Manager client. Unbundled, the identifier is an undeclared global and the client loads.
declare const __SCG_KAFKA_SECRET__: boolean | undefined;

const defaultDeps: ConnectionDeps = {
  async getSecret(secretArn) {
    // The import must sit inside the branch the bundler folds away.
    if (typeof __SCG_KAFKA_SECRET__ === 'undefined' || __SCG_KAFKA_SECRET__) {
      const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
      const out = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: secretArn }));
      const value = JSON.parse(out.SecretString ?? '{}') as { username?: unknown; password?: unknown };
      if (typeof value.username !== 'string' || typeof value.password !== 'string') {
        throw new KafkaConnectionError(`secret ${secretArn} must be JSON with string "username" and "password"`, { code: 'KAFKA_BAD_SECRET', retriable: false });
      }
      return { username: value.username, password: value.password };
    }
    throw new KafkaConfigError(
      'SCG_KAFKA_SECRET_ARN: set, but this function was bundled without the Secrets Manager client (its declared cluster has no secretArn): declare the secret in the cluster of the CDK declaration instead of setting the variable by hand',
    );
  },
  async iamToken(region) {
    const { mskIamToken } = await import('./msk-iam-token.ts');
    return (await mskIamToken({ region })).token;
  },
};

/** An admin client on a resolved connection. */
export function createAdmin(connection: KafkaConnection, clientId: string, options: Partial<Omit<KafkaAdminOptions, 'bootstrapBrokers' | 'clientId'>> = {}): KafkaAdmin {
  return new KafkaAdmin({ ...connection, clientId, ...options });
}
