import type { KafkaApi } from '../api.ts';
import type { Reader, Writer } from '../codec.ts';

export interface SaslHandshakeRequest {
  readonly mechanism: string;
}

export interface SaslHandshakeResponse {
  errorCode: number;
  /** The mechanisms the broker enables on this listener. */
  mechanisms: string[];
}

function readString(r: Reader): string {
  return r.string();
}

/**
 * SaslHandshake v1 (key 17, not flexible): picks the mechanism; SaslAuthenticate carries the exchange.
 *
 * @example
 * const { errorCode, mechanisms } = await connection.request(saslHandshakeV1, { mechanism: 'SCRAM-SHA-512' });
 */
export const saslHandshakeV1: KafkaApi<SaslHandshakeRequest, SaslHandshakeResponse> = {
  name: 'SaslHandshake',
  key: 17,
  version: 1,
  flexible: false,
  since: '1.0',
  encode(w: Writer, request: SaslHandshakeRequest): void {
    w.string(request.mechanism);
  },
  decode(r: Reader): SaslHandshakeResponse {
    return { errorCode: r.int16(), mechanisms: r.array(readString) };
  },
};

export interface SaslAuthenticateRequest {
  readonly authBytes: Buffer;
}

export interface SaslAuthenticateResponse {
  errorCode: number;
  errorMessage: string | null;
  authBytes: Buffer;
  /** How long the broker keeps the session; 0 = no limit (KIP-368). */
  sessionLifetimeMs: bigint;
}

/**
 * SaslAuthenticate v2 (key 36): one round of the SASL exchange.
 *
 * @example
 * const { authBytes, sessionLifetimeMs } = await connection.request(saslAuthenticateV2, { authBytes: clientFirst });
 */
export const saslAuthenticateV2: KafkaApi<SaslAuthenticateRequest, SaslAuthenticateResponse> = {
  name: 'SaslAuthenticate',
  key: 36,
  version: 2,
  flexible: true,
  since: '2.4',
  encode(w: Writer, request: SaslAuthenticateRequest): void {
    w.compactBytes(request.authBytes).taggedFields();
  },
  decode(r: Reader): SaslAuthenticateResponse {
    const response = { errorCode: r.int16(), errorMessage: r.compactNullableString(), authBytes: r.compactBytes(), sessionLifetimeMs: r.int64() };
    r.skipTaggedFields();
    return response;
  },
};
