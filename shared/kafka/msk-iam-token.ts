// The SASL/OAUTHBEARER token of MSK IAM authentication: a SigV4-presigned
// `kafka-cluster:Connect` URL, base64url-encoded. This is what
// `aws-msk-iam-sasl-signer-js` builds (https://github.com/aws/aws-msk-iam-sasl-signer-js);
// it is rebuilt here over the SDK's own signer because that package statically imports the
// STS client and every credential provider (~180 KB of bundle and ~40 ms of cold start for
// a function that only needs the signature). test/unit/kafka/msk-iam-token.test.ts checks
// that both produce the same token for the same credentials and instant.
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { NodeSha256 } from '../aws/node-sha256.ts';

/** Token lifetime MSK accepts at most (the signer library's default, too). */
export const MSK_IAM_TOKEN_TTL_SECONDS = 900;

/** The `User-Agent` query parameter the broker logs; names this project. */
export const MSK_IAM_USER_AGENT = 'serverless-consumer-groups';

/** Options of {@link mskIamToken}. */
export interface MskIamTokenOptions {
  /** The cluster's region, e.g. `eu-west-1`. */
  readonly region: string;
  /** Credentials to sign with. @default the SDK's default chain (environment first: Lambda's execution role) */
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Signing instant. @default now */
  readonly signingDate?: Date;
  /** `User-Agent` query parameter. @default {@link MSK_IAM_USER_AGENT} */
  readonly userAgent?: string;
}

/**
 * A fresh MSK IAM token (valid 15 minutes, or until the credentials expire if sooner).
 *
 * @example
 * const token = await mskIamToken({ region: 'eu-west-1' });
 */
export async function mskIamToken(options: MskIamTokenOptions): Promise<{ token: string; expiresAt: Date }> {
  const credentials = await resolveCredentials(options.credentials);
  const signingDate = options.signingDate ?? new Date();
  const ttl =
    credentials.expiration === undefined
      ? MSK_IAM_TOKEN_TTL_SECONDS
      : Math.max(1, Math.min(MSK_IAM_TOKEN_TTL_SECONDS, Math.floor((credentials.expiration.getTime() - signingDate.getTime()) / 1000)));
  const hostname = `kafka.${options.region}.amazonaws.com`;
  const signer = new SignatureV4({ service: 'kafka-cluster', region: options.region, credentials, sha256: NodeSha256, applyChecksum: false });
  const signed = await signer.presign(
    { method: 'GET', protocol: 'https:', hostname, path: '/', headers: { host: hostname }, query: { Action: 'kafka-cluster:Connect' } },
    { expiresIn: ttl, signingDate },
  );
  const query: Record<string, string> = {};
  for (const [key, value] of Object.entries(signed.query ?? {})) if (typeof value === 'string') query[key] = value;
  query['User-Agent'] = options.userAgent ?? MSK_IAM_USER_AGENT;
  // The same URL the signer library's `formatUrl` prints: `https://host/?` and the
  // parameters sorted by key, keys and values URI-escaped.
  const search = Object.entries(query)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${escape(key)}=${escape(value)}`)
    .join('&');
  const url = `https://${hostname}/?${search}`;
  return { token: Buffer.from(url, 'utf8').toString('base64url'), expiresAt: new Date(signingDate.getTime() + ttl * 1000) };
}

/** RFC 3986 escaping, as `@smithy/util-uri-escape` does for query strings. */
function escape(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

async function resolveCredentials(credentials: MskIamTokenOptions['credentials']): Promise<AwsCredentialIdentity> {
  if (typeof credentials === 'function') return credentials();
  if (credentials !== undefined) return credentials;
  // Imported on demand: only MSK IAM clusters need it.
  const { defaultProvider } = await import('@aws-sdk/credential-provider-node');
  return defaultProvider()();
}
