import { jest } from '@jest/globals';
import { generateAuthTokenFromCredentialsProvider } from 'aws-msk-iam-sasl-signer-js';
import { MSK_IAM_TOKEN_TTL_SECONDS, mskIamToken } from '../../../shared/kafka/msk-iam-token.ts';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session/token+with=chars' };
const instant = new Date('2026-11-24T10:20:30Z');

function decode(token: string): URL {
  return new URL(Buffer.from(token, 'base64url').toString('utf8'));
}

describe('mskIamToken', () => {
  afterEach(() => jest.useRealTimers());

  it('produces the token aws-msk-iam-sasl-signer-js produces for the same credentials and instant', async () => {
    jest.useFakeTimers({ now: instant, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const reference = await generateAuthTokenFromCredentialsProvider({ region: 'eu-west-1', awsCredentialsProvider: async () => credentials });
    jest.useRealTimers();
    const ours = await mskIamToken({ region: 'eu-west-1', credentials, signingDate: instant, userAgent: decode(reference.token).searchParams.get('User-Agent')! });
    expect(ours.token).toBe(reference.token);
    expect(ours.expiresAt.getTime()).toBe(reference.expiryTime);
  });

  it('signs a kafka-cluster:Connect request for the regional endpoint, valid 15 minutes', async () => {
    const { token, expiresAt } = await mskIamToken({ region: 'us-east-2', credentials, signingDate: instant });
    const url = decode(token);
    expect(url.host).toBe('kafka.us-east-2.amazonaws.com');
    expect(url.searchParams.get('Action')).toBe('kafka-cluster:Connect');
    expect(url.searchParams.get('X-Amz-Credential')).toBe('AKIDEXAMPLE/20261124/us-east-2/kafka-cluster/aws4_request');
    expect(url.searchParams.get('X-Amz-Expires')).toBe(String(MSK_IAM_TOKEN_TTL_SECONDS));
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe(credentials.sessionToken);
    expect(url.searchParams.get('User-Agent')).toBe('serverless-consumer-groups');
    expect(expiresAt.toISOString()).toBe('2026-11-24T10:35:30.000Z');
    expect(token).not.toMatch(/[+/=]/);
  });

  it('does not outlive credentials that expire sooner than 15 minutes', async () => {
    const expiring = { ...credentials, expiration: new Date(instant.getTime() + 120_000) };
    const { token, expiresAt } = await mskIamToken({ region: 'eu-west-1', credentials: async () => expiring, signingDate: instant });
    expect(decode(token).searchParams.get('X-Amz-Expires')).toBe('120');
    expect(expiresAt.getTime()).toBe(instant.getTime() + 120_000);
  });

  it('changes the signature when the secret changes', async () => {
    const a = await mskIamToken({ region: 'eu-west-1', credentials, signingDate: instant });
    const b = await mskIamToken({ region: 'eu-west-1', credentials: { ...credentials, secretAccessKey: 'other' }, signingDate: instant });
    expect(decode(a.token).searchParams.get('X-Amz-Signature')).not.toBe(decode(b.token).searchParams.get('X-Amz-Signature'));
  });
});
