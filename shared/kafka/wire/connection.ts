// One TCP (or TLS) connection to one Kafka broker: handshake, pipelined requests matched
// to responses by correlation id, and length-prefixed framing.
// https://kafka.apache.org/protocol#protocol_network
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import type { KafkaApi } from './api.ts';
import { apiVersionsV3 } from './apis/api-versions.ts';
import { saslAuthenticateV2, saslHandshakeV1 } from './apis/sasl.ts';
import { Reader, Writer } from './codec.ts';
import { KafkaAuthenticationError, KafkaMalformedResponseError, KafkaNetworkError, KafkaUnsupportedVersionError, errorName, protocolError } from './errors.ts';
import { authenticateSasl, type SaslOptions } from './sasl.ts';

export type { SaslOptions } from './sasl.ts';

export interface BrokerAddress {
  readonly host: string;
  readonly port: number;
}

/** What the connection reports for each request frame it writes. */
export interface RequestEvent {
  api: string;
  apiKey: number;
  version: number;
  /** `host:port` */
  broker: string;
}

export interface ConnectionOptions {
  /** Sent in every request header; brokers log it and apply quotas by it. */
  readonly clientId: string;
  /** TLS: `true` with defaults (server name = host), or node:tls options. @default false */
  readonly tls?: boolean | TlsConnectionOptions;
  /** SASL authentication after ApiVersions. @default none */
  readonly sasl?: SaslOptions;
  /** TCP connect plus TLS handshake. @default 5000 */
  readonly connectTimeoutMs?: number;
  /** Per request, unless `request()` is given its own. @default 30000 */
  readonly requestTimeoutMs?: number;
  /** Called once per request frame written (also for ApiVersions/SASL of the handshake). */
  readonly onRequest?: (event: RequestEvent) => void;
}

/** We name ourselves to the broker (KIP-511); it allows letters, digits, '.' and '-'. */
const CLIENT_SOFTWARE = { clientSoftwareName: 'serverless-consumer-groups', clientSoftwareVersion: '0.1.0' };

/** A frame size beyond this means we lost the framing (or are not talking to Kafka). */
const MAX_FRAME_BYTES = 256 * 1024 * 1024;

/** KIP-368: re-authenticate (here: reconnect) before the broker drops the session. */
const SESSION_MARGIN = 0.1;

interface Pending {
  readonly api: KafkaApi<unknown, unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * A connection to one broker. `open` connects, runs ApiVersions and SASL; `request` sends
 * any number of requests without waiting for earlier answers.
 *
 * @example
 * const connection = await BrokerConnection.open({ host: 'b-1.example', port: 9096 }, { clientId: 'lag-monitor', tls: true, sasl });
 * const { coordinators } = await connection.request(findCoordinatorV4, { keyType: 0, keys: ['orders'] });
 * connection.close();
 */
export class BrokerConnection {
  readonly address: BrokerAddress;
  readonly #broker: string;
  readonly #socket: Socket;
  readonly #clientId: string;
  readonly #requestTimeoutMs: number;
  readonly #onRequest: ((event: RequestEvent) => void) | undefined;
  readonly #pending = new Map<number, Pending>();
  readonly #versions = new Map<number, { min: number; max: number }>();
  #nextCorrelationId = 0;
  /** Why the connection ended; undefined while it is open. */
  #closedBecause: string | undefined;
  #connectFailed: ((error: KafkaNetworkError) => void) | undefined;
  #reauthenticateBy = Infinity;
  // Incoming bytes not yet consumed as frames, and the size of the frame being collected.
  #chunks: Buffer[] = [];
  #buffered = 0;
  #frameSize = -1;

  private constructor(address: BrokerAddress, options: ConnectionOptions) {
    this.address = { host: address.host, port: address.port };
    this.#broker = `${address.host}:${address.port}`;
    this.#clientId = options.clientId;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.#onRequest = options.onRequest;
    const { host, port } = address;
    const tls = options.tls === true ? {} : options.tls || undefined;
    // SNI must be a host name, never an IP address (RFC 6066 §3).
    this.#socket = tls ? tlsConnect({ ...tls, host, port, servername: tls.servername ?? (isIP(host) ? undefined : host) }) : netConnect({ host, port });
    this.#socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    this.#socket.on('error', (error) => this.#end(`socket error: ${error.message}`, error));
    this.#socket.on('close', () => this.#end('the broker closed the connection'));
  }

  /**
   * Connects, asks the broker which API versions it serves, and authenticates when `sasl`
   * is set. Rejects with `KafkaNetworkError` (unreachable, timed out),
   * `KafkaUnsupportedVersionError`, `KafkaAuthenticationError`, or `KafkaProtocolError`.
   */
  static async open(address: BrokerAddress, options: ConnectionOptions): Promise<BrokerConnection> {
    const connection = new BrokerConnection(address, options);
    try {
      await connection.#connected(options);
      await connection.#handshake(options.sasl);
    } catch (error) {
      connection.close();
      throw error;
    }
    return connection;
  }

  /** Broker's supported range per api key (from ApiVersions). */
  versions(apiKey: number): { min: number; max: number } | undefined {
    return this.#versions.get(apiKey);
  }

  /** Whether the broker accepts the version `api` speaks. */
  supports(api: KafkaApi<unknown, unknown>): boolean {
    const range = this.#versions.get(api.key);
    return range !== undefined && api.version >= range.min && api.version <= range.max;
  }

  /**
   * false once closed/errored or within 10% of the SASL session lifetime (KIP-368: the
   * broker drops the connection at expiry; the admin layer then opens a new one).
   */
  get usable(): boolean {
    return this.#closedBecause === undefined && Date.now() < this.#reauthenticateBy;
  }

  /**
   * Sends one request; many may be in flight. Resolves with the decoded response (error
   * codes in it are the caller's to judge). Rejects with `KafkaUnsupportedVersionError`
   * before sending when the broker lacks `api.version`, and with `KafkaNetworkError` on a
   * timeout (the connection stays open) or a failed connection.
   */
  async request<Req, Res>(api: KafkaApi<Req, Res>, request: Req, options: { timeoutMs?: number } = {}): Promise<Res> {
    if (!this.supports(api)) throw new KafkaUnsupportedVersionError(api, this.#broker, this.#versions.get(api.key));
    return this.#send(api, request, options.timeoutMs ?? this.#requestTimeoutMs);
  }

  /** Closes the socket; pending requests reject with `KafkaNetworkError`. */
  close(): void {
    this.#end('the connection was closed by the client');
  }

  #connected(options: ConnectionOptions): Promise<void> {
    const timeoutMs = options.connectTimeoutMs ?? 5_000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#connectFailed = undefined;
        reject(new KafkaNetworkError(`connecting to Kafka broker ${this.#broker} timed out after ${timeoutMs} ms`, { code: 'KAFKA_CONNECT_TIMEOUT', broker: this.#broker }));
      }, timeoutMs);
      this.#connectFailed = (error) => {
        clearTimeout(timer);
        reject(error);
      };
      this.#socket.once(options.tls ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        this.#connectFailed = undefined;
        // Requests are small and latency-bound: do not let Nagle hold them back.
        this.#socket.setNoDelay(true);
        resolve();
      });
    });
  }

  async #handshake(sasl: SaslOptions | undefined): Promise<void> {
    const response = await this.#send(apiVersionsV3, CLIENT_SOFTWARE, this.#requestTimeoutMs);
    if (response.errorCode === 35) {
      const own = response.apiKeys.find((k) => k.apiKey === apiVersionsV3.key);
      throw new KafkaUnsupportedVersionError(apiVersionsV3, this.#broker, own && { min: own.minVersion, max: own.maxVersion });
    }
    if (response.errorCode !== 0) throw protocolError(response.errorCode, `ApiVersions with Kafka broker ${this.#broker}`);
    for (const k of response.apiKeys) this.#versions.set(k.apiKey, { min: k.minVersion, max: k.maxVersion });
    if (sasl) await this.#authenticate(sasl);
  }

  async #authenticate(sasl: SaslOptions): Promise<void> {
    for (const api of [saslHandshakeV1, saslAuthenticateV2]) {
      if (!this.supports(api)) throw new KafkaUnsupportedVersionError(api, this.#broker, this.#versions.get(api.key));
    }
    const { mechanism } = sasl;
    const handshake = await this.#send(saslHandshakeV1, { mechanism }, this.#requestTimeoutMs);
    if (handshake.errorCode !== 0) {
      const enabled = handshake.mechanisms.join(', ') || 'none';
      throw new KafkaAuthenticationError(`Kafka broker ${this.#broker} refused SASL mechanism ${mechanism} (${errorName(handshake.errorCode)}); this listener enables: ${enabled}`);
    }
    let sentAt = 0;
    let lifetimeMs = 0n;
    const round = async (authBytes: Buffer): Promise<Buffer> => {
      sentAt = Date.now();
      const response = await this.#send(saslAuthenticateV2, { authBytes }, this.#requestTimeoutMs);
      if (response.errorCode !== 0) {
        throw new KafkaAuthenticationError(response.errorMessage ?? `${errorName(response.errorCode)} (${response.errorCode})`);
      }
      lifetimeMs = response.sessionLifetimeMs;
      return response.authBytes;
    };
    try {
      await authenticateSasl(sasl, round);
    } catch (error) {
      if (error instanceof KafkaNetworkError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new KafkaAuthenticationError(`SASL ${mechanism} authentication with Kafka broker ${this.#broker} failed: ${reason}`, { cause: error });
    }
    // Measured from when the last round was sent, so we stop early rather than late.
    if (lifetimeMs > 0n) this.#reauthenticateBy = sentAt + Number(lifetimeMs) * (1 - SESSION_MARGIN);
  }

  async #send<Req, Res>(api: KafkaApi<Req, Res>, request: Req, timeoutMs: number): Promise<Res> {
    if (this.#closedBecause !== undefined) {
      throw new KafkaNetworkError(`${api.name} v${api.version} to Kafka broker ${this.#broker} not sent: ${this.#closedBecause}`, { code: 'KAFKA_CONNECTION_CLOSED', broker: this.#broker });
    }
    const correlationId = this.#nextCorrelationId;
    this.#nextCorrelationId = (correlationId + 1) & 0x7fffffff;
    // Request header v1, or v2 with tagged fields for flexible versions. client_id is a
    // NULLABLE_STRING (int16 length) in both: KIP-482 kept it readable by old parsers.
    const writer = new Writer().int32(0).int16(api.key).int16(api.version).int32(correlationId).nullableString(this.#clientId);
    if (api.flexible) writer.taggedFields();
    api.encode(writer, request);
    const frame = writer.finish();
    frame.writeInt32BE(frame.length - 4, 0);
    const response = new Promise<Res>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(correlationId);
        reject(new KafkaNetworkError(`${api.name} v${api.version} to Kafka broker ${this.#broker} timed out after ${timeoutMs} ms`, { code: 'KAFKA_REQUEST_TIMEOUT', broker: this.#broker }));
      }, timeoutMs);
      this.#pending.set(correlationId, { api, resolve: resolve as (value: unknown) => void, reject, timer });
    });
    this.#socket.write(frame);
    try {
      this.#onRequest?.({ api: api.name, apiKey: api.key, version: api.version, broker: this.#broker });
    } catch {
      // An observer (metrics, logs) must not fail a request that is already on the wire.
    }
    return response;
  }

  #receive(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    for (;;) {
      if (this.#frameSize < 0) {
        if (this.#buffered < 4) return;
        const size = this.#take(4).readInt32BE(0);
        if (size < 4 || size > MAX_FRAME_BYTES) {
          this.#end(`a response frame declares ${size} bytes: not a Kafka response stream`);
          return;
        }
        this.#frameSize = size;
      }
      if (this.#buffered < this.#frameSize) return;
      const frame = this.#take(this.#frameSize);
      this.#frameSize = -1;
      this.#dispatch(frame);
      if (this.#closedBecause !== undefined) return;
    }
  }

  /** The next `size` buffered bytes: a view when one chunk holds them, else one copy. */
  #take(size: number): Buffer {
    this.#buffered -= size;
    const first = this.#chunks[0]!;
    if (first.length >= size) {
      if (first.length === size) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(size);
      return first.subarray(0, size);
    }
    const frame = Buffer.allocUnsafe(size);
    let filled = 0;
    let used = 0;
    while (filled < size) {
      const chunk = this.#chunks[used]!;
      const take = Math.min(chunk.length, size - filled);
      chunk.copy(frame, filled, 0, take);
      filled += take;
      if (take === chunk.length) used++;
      else this.#chunks[used] = chunk.subarray(take);
    }
    // One splice per frame, not one shift per chunk: a frame can span thousands of chunks.
    this.#chunks.splice(0, used);
    return frame;
  }

  #dispatch(frame: Buffer): void {
    const correlationId = frame.readInt32BE(0);
    const pending = this.#pending.get(correlationId);
    if (!pending) return; // the answer to a request that timed out
    this.#pending.delete(correlationId);
    clearTimeout(pending.timer);
    const { api } = pending;
    let response: unknown;
    try {
      const reader = new Reader(frame, 4);
      // Response header v1 adds tagged fields, except for ApiVersions, whose response is
      // always header v0 so that clients can read it before knowing any version (KIP-511).
      if (api.flexible && api.key !== apiVersionsV3.key) reader.skipTaggedFields();
      response = api.decode(reader);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      pending.reject(new KafkaMalformedResponseError(`${api.name} v${api.version} response from Kafka broker ${this.#broker} does not decode: ${reason}`, { cause: error }));
      return;
    }
    pending.resolve(response);
  }

  #end(reason: string, cause?: unknown): void {
    if (this.#closedBecause !== undefined) return;
    this.#closedBecause = reason;
    this.#socket.destroy();
    this.#connectFailed?.(new KafkaNetworkError(`cannot connect to Kafka broker ${this.#broker}: ${reason}`, { code: 'KAFKA_CONNECT_FAILED', broker: this.#broker, cause }));
    this.#connectFailed = undefined;
    for (const { api, reject, timer } of this.#pending.values()) {
      clearTimeout(timer);
      reject(new KafkaNetworkError(`${api.name} v${api.version} to Kafka broker ${this.#broker} failed: ${reason}`, { code: 'KAFKA_CONNECTION_CLOSED', broker: this.#broker, cause }));
    }
    this.#pending.clear();
    this.#chunks = [];
    this.#buffered = 0;
  }
}
