// A scripted Kafka broker on loopback: parses request frames, answers ApiVersions itself,
// and hands every other request to the test, which answers (or not) as it likes.
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { Reader, Writer } from '../../../shared/kafka/wire/index.ts';

export interface ReceivedRequest {
  apiKey: number;
  version: number;
  correlationId: number;
  clientId: string | null;
  /** Whether the header had a tagged-field section (request header v2). */
  headerTagged: boolean;
  /** The request body, positioned after the header. */
  body: Reader;
  socket: Socket;
}

/** The APIs this client sends in non-flexible versions (request header v1). */
const NOT_FLEXIBLE = new Set(['17:1', '47:0']);

/** Every API the client speaks, at a range that contains its version. */
export const ALL_VERSIONS: Array<[key: number, min: number, max: number]> = [
  [2, 1, 10], [3, 0, 13], [8, 2, 10], [9, 1, 10], [10, 0, 6], [15, 0, 6], [16, 0, 5], [17, 0, 1], [18, 0, 4], [36, 0, 2], [47, 0, 0], [69, 0, 1],
];

export function apiVersionsBody(ranges: Array<[number, number, number]>): Buffer {
  return new Writer()
    .int16(0)
    .compactArray(ranges, (w, [key, min, max]) => w.int16(key).int16(min).int16(max).taggedFields())
    .int32(0)
    .taggedFields()
    .finish();
}

/** A response frame: size, correlation id, header tagged fields when `flexible`, body. */
export function responseFrame(correlationId: number, body: Buffer, options: { flexible: boolean; headerTags?: Buffer }): Buffer {
  const header = new Writer().int32(0).int32(correlationId);
  let tagValue: Buffer = Buffer.alloc(0);
  if (options.flexible) {
    // One tagged field (tag 0): its size as an unsigned varint, then its bytes.
    if (options.headerTags) {
      header.uvarint(1).uvarint(0).uvarint(options.headerTags.length);
      tagValue = options.headerTags;
    } else {
      header.taggedFields();
    }
  }
  const frame = Buffer.concat([header.finish(), tagValue, body]);
  frame.writeInt32BE(frame.length - 4, 0);
  return frame;
}

export class FakeBroker {
  readonly requests: ReceivedRequest[] = [];
  readonly sockets: Socket[] = [];
  /** The SNI server name each TLS client sent (false when it sent none). */
  readonly serverNames: Array<string | false | null> = [];
  readonly #server: Server;
  /** The ApiVersions response body (header v0 is added); change it before a client connects. */
  apiVersions: Buffer | null = apiVersionsBody(ALL_VERSIONS);
  #handler: (request: ReceivedRequest) => void = () => undefined;

  private constructor(server: Server) {
    this.#server = server;
  }

  /** Listens on 127.0.0.1; with `tls`, speaks TLS with that key and certificate. */
  static async start(options: { tls?: { key: string; cert: string } } = {}): Promise<FakeBroker> {
    const server = options.tls ? createTlsServer(options.tls) : createServer();
    const broker = new FakeBroker(server);
    if (options.tls) {
      server.on('secureConnection', (socket: TLSSocket) => {
        broker.serverNames.push(socket.servername);
        broker.#accept(socket);
      });
      server.on('tlsClientError', () => undefined);
    } else {
      server.on('connection', (socket: Socket) => broker.#accept(socket));
    }
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return broker;
  }

  get port(): number {
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('not listening');
    return address.port;
  }

  get address(): { host: string; port: number } {
    return { host: '127.0.0.1', port: this.port };
  }

  /** Handles every request except ApiVersions (which `apiVersions` answers). */
  onRequest(handler: (request: ReceivedRequest) => void): void {
    this.#handler = handler;
  }

  /** Answers `request` with `body` in one write. */
  reply(request: ReceivedRequest, body: Buffer, headerTags?: Buffer): void {
    request.socket.write(responseFrame(request.correlationId, body, { flexible: !NOT_FLEXIBLE.has(`${request.apiKey}:${request.version}`), headerTags }));
  }

  /** Requests received with `apiKey`. */
  received(apiKey: number): ReceivedRequest[] {
    return this.requests.filter((r) => r.apiKey === apiKey);
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(socket: Socket): void {
    this.sockets.push(socket);
    let pending = Buffer.alloc(0);
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        const size = pending.readInt32BE(0);
        this.#parse(pending.subarray(4, 4 + size), socket);
        pending = pending.subarray(4 + size);
      }
    });
  }

  #parse(frame: Buffer, socket: Socket): void {
    const body = new Reader(Buffer.from(frame));
    const apiKey = body.int16();
    const version = body.int16();
    const correlationId = body.int32();
    const clientId = body.nullableString();
    const headerTagged = !NOT_FLEXIBLE.has(`${apiKey}:${version}`);
    if (headerTagged) body.skipTaggedFields();
    const request = { apiKey, version, correlationId, clientId, headerTagged, body, socket };
    this.requests.push(request);
    if (apiKey === 18) {
      // ApiVersions responses use header v0 whatever the request version.
      if (this.apiVersions) socket.write(responseFrame(correlationId, this.apiVersions, { flexible: false }));
      return;
    }
    this.#handler(request);
  }
}
