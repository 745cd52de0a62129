// SHA-256 and HMAC-SHA-256 from node:crypto, in the shape @smithy/signature-v4 takes. The
// SDK's own (@aws-crypto/sha256-js) is a pure-JavaScript implementation: more bundle bytes
// and slower than the OpenSSL one Node already has.
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import type { Checksum, SourceData } from '@smithy/types';

/**
 * A SHA-256 hash, or an HMAC-SHA-256 when given a secret.
 *
 * @example
 * const signer = new SignatureV4({ service: 'lambda', region, credentials, sha256: NodeSha256 });
 */
export class NodeSha256 implements Checksum {
  readonly #secret: SourceData | undefined;
  #hash: Hash | Hmac;

  constructor(secret?: SourceData) {
    this.#secret = secret;
    this.#hash = this.#create();
  }

  update(data: Uint8Array): void {
    this.#hash.update(data);
  }

  digest(): Promise<Uint8Array> {
    return Promise.resolve(this.#hash.digest());
  }

  reset(): void {
    this.#hash = this.#create();
  }

  #create(): Hash | Hmac {
    if (this.#secret === undefined) return createHash('sha256');
    const secret = this.#secret;
    const key =
      typeof secret === 'string' ? secret : ArrayBuffer.isView(secret) ? Buffer.from(secret.buffer, secret.byteOffset, secret.byteLength) : Buffer.from(secret);
    return createHmac('sha256', key);
  }
}
