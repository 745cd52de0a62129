// The client side of the SASL mechanisms Kafka brokers offer. The connection carries each
// message in a SaslAuthenticate request; these functions only build and check messages.
import { createHash, createHmac, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { KafkaAuthenticationError } from './errors.ts';

/** How to authenticate; MSK IAM is OAUTHBEARER with a signed token as `token`. */
export type SaslOptions =
  | { mechanism: 'PLAIN'; username: string; password: string }
  | { mechanism: 'SCRAM-SHA-256' | 'SCRAM-SHA-512'; username: string; password: string }
  | { mechanism: 'OAUTHBEARER'; token: () => Promise<string> };

/** One SaslAuthenticate round trip: client bytes out, server bytes back (rejects on an error response). */
export type SaslRound = (clientBytes: Buffer) => Promise<Buffer>;

export type ScramMechanism = 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

const SCRAM_HASH = { 'SCRAM-SHA-256': { digest: 'sha256', length: 32 }, 'SCRAM-SHA-512': { digest: 'sha512', length: 64 } } as const;

/** RFC 7677 §4: fewer iterations make a stolen verifier cheap to brute-force. */
const MIN_ITERATIONS = 4096;

const pbkdf2Async = promisify(pbkdf2);

/** A fresh client nonce: printable, no ',' (RFC 5802 §5.1). */
export function scramNonce(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * The client-first message for `username`, with `=` and `,` escaped as RFC 5802 §5.1
 * requires; `bare` (without the GS2 header) goes into the signed AuthMessage.
 *
 * @example
 * scramClientFirst('user', 'rOprNGfwEbeRWgbNEkqO').message; // 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO'
 */
export function scramClientFirst(username: string, nonce: string): { message: string; bare: string } {
  const bare = `n=${username.replaceAll('=', '=3D').replaceAll(',', '=2C')},r=${nonce}`;
  return { message: `n,,${bare}`, bare };
}

function attributes(message: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const part of message.split(',')) {
    const cut = part.indexOf('=');
    if (cut > 0) found.set(part.slice(0, cut), part.slice(cut + 1));
  }
  return found;
}

function hmac(digest: string, key: Buffer, data: string): Buffer {
  return createHmac(digest, key).update(data).digest();
}

/**
 * The client-final message (with the proof) for the server-first message, and the server
 * signature the server-final message must carry. Rejects a server nonce that does not
 * extend ours and iteration counts below 4096.
 *
 * @example
 * const final = await scramClientFinal({ mechanism: 'SCRAM-SHA-256', password, clientFirstBare: first.bare, clientNonce, serverFirst });
 */
export async function scramClientFinal(input: {
  mechanism: ScramMechanism;
  password: string;
  clientFirstBare: string;
  clientNonce: string;
  serverFirst: string;
}): Promise<{ message: string; serverSignature: Buffer }> {
  const { digest, length } = SCRAM_HASH[input.mechanism];
  const server = attributes(input.serverFirst);
  if (server.has('e')) throw new KafkaAuthenticationError(`the server refused: ${server.get('e')}`);
  const nonce = server.get('r');
  const salt = Buffer.from(server.get('s') ?? '', 'base64');
  const iterations = Number(server.get('i'));
  if (!nonce || !nonce.startsWith(input.clientNonce) || nonce.length === input.clientNonce.length) {
    throw new KafkaAuthenticationError('the server nonce does not extend the client nonce');
  }
  if (salt.length === 0) throw new KafkaAuthenticationError('the server-first message has no salt');
  if (!Number.isInteger(iterations) || iterations < MIN_ITERATIONS) {
    throw new KafkaAuthenticationError(`the server asks for ${server.get('i')} iterations; at least ${MIN_ITERATIONS} are required`);
  }
  // Kafka's own client does not SASLprep passwords either: UTF-8 bytes as given.
  const saltedPassword = await pbkdf2Async(input.password, salt, iterations, length, digest);
  const clientKey = hmac(digest, saltedPassword, 'Client Key');
  const storedKey = createHash(digest).update(clientKey).digest();
  const withoutProof = `c=biws,r=${nonce}`; // biws = base64('n,,'): no channel binding
  const authMessage = `${input.clientFirstBare},${input.serverFirst},${withoutProof}`;
  const signature = hmac(digest, storedKey, authMessage);
  for (let i = 0; i < clientKey.length; i++) clientKey[i]! ^= signature[i]!;
  return {
    message: `${withoutProof},p=${clientKey.toString('base64')}`,
    serverSignature: hmac(digest, hmac(digest, saltedPassword, 'Server Key'), authMessage),
  };
}

/**
 * Checks the server-final message: the server proves it knows the password by signing
 * the exchange. A wrong signature means we may be talking to an impostor.
 */
export function scramVerifyServerFinal(serverFinal: string, serverSignature: Buffer): void {
  const server = attributes(serverFinal);
  if (server.has('e')) throw new KafkaAuthenticationError(`the server refused: ${server.get('e')}`);
  const signature = Buffer.from(server.get('v') ?? '', 'base64');
  if (signature.length !== serverSignature.length || !timingSafeEqual(signature, serverSignature)) {
    throw new KafkaAuthenticationError('the server signature is wrong: the server does not know the password');
  }
}

async function scram(mechanism: ScramMechanism, username: string, password: string, round: SaslRound, nonce: string): Promise<void> {
  const first = scramClientFirst(username, nonce);
  const serverFirst = (await round(Buffer.from(first.message))).toString('utf8');
  const final = await scramClientFinal({ mechanism, password, clientFirstBare: first.bare, clientNonce: nonce, serverFirst });
  scramVerifyServerFinal((await round(Buffer.from(final.message))).toString('utf8'), final.serverSignature);
}

/**
 * Runs the exchange for `options` over `round`. Resolves when the server accepted;
 * rejects with `KafkaAuthenticationError` when a message is wrong.
 *
 * @example
 * await authenticateSasl({ mechanism: 'PLAIN', username: 'u', password: 'p' }, (bytes) => sendSaslAuthenticate(bytes));
 */
export async function authenticateSasl(options: SaslOptions, round: SaslRound, nonce: () => string = scramNonce): Promise<void> {
  switch (options.mechanism) {
    case 'PLAIN':
      // RFC 4616: [authzid] NUL authcid NUL passwd, with no authzid.
      await round(Buffer.from(`\0${options.username}\0${options.password}`));
      return;
    case 'SCRAM-SHA-256':
    case 'SCRAM-SHA-512':
      await scram(options.mechanism, options.username, options.password, round, nonce());
      return;
    case 'OAUTHBEARER': {
      // RFC 7628 §3.1 initial client response; MSK IAM tokens travel the same way.
      const challenge = await round(Buffer.from(`n,,\x01auth=Bearer ${await options.token()}\x01\x01`));
      if (challenge.length > 0) {
        // RFC 7628 §3.2.2: a non-empty reply is an error challenge; the client answers %x01
        // and the server then fails the exchange (with its reason).
        await round(Buffer.from([1]));
        throw new KafkaAuthenticationError(`the server rejected the token: ${challenge.toString('utf8')}`);
      }
      return;
    }
  }
}
