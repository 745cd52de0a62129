// MSK broker lookup for tools that start from a cluster ARN alone (groupctl). Not imported
// by the functions: the CDK app passes them the brokers it looked up at deploy time, so
// their bundles carry no MSK control-plane client.
import type { MskBootstrapBrokers } from './connection.ts';

/**
 * `GetBootstrapBrokers`, one broker string per auth: the private (VPC) endpoints, else
 * the public ones.
 *
 * @example
 * await resolveConnection(config, { getBootstrapBrokers: lookupMskBootstrapBrokers });
 */
export async function lookupMskBootstrapBrokers(clusterArn: string): Promise<MskBootstrapBrokers> {
  const { KafkaClient, GetBootstrapBrokersCommand } = await import('@aws-sdk/client-kafka');
  const out = await new KafkaClient({}).send(new GetBootstrapBrokersCommand({ ClusterArn: clusterArn }));
  const pick = (...values: (string | undefined)[]): string | undefined => values.find((v) => v !== undefined && v !== '');
  const iam = pick(out.BootstrapBrokerStringSaslIam, out.BootstrapBrokerStringPublicSaslIam);
  const scram = pick(out.BootstrapBrokerStringSaslScram, out.BootstrapBrokerStringPublicSaslScram);
  const tls = pick(out.BootstrapBrokerStringTls, out.BootstrapBrokerStringPublicTls);
  return { ...(iam ? { iam } : {}), ...(scram ? { scram } : {}), ...(tls ? { tls } : {}) };
}
