// Measures the round trip of the smallest Kafka request, ApiVersions v0, on one raw
// connection: what one request costs on the wire, without any client library's work.
import { type Socket, connect } from 'node:net';
import { performance } from 'node:perf_hooks';

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** One connection that sends ApiVersions v0 requests one at a time. */
class ProbeConnection {
  readonly #socket: Socket;
  #buffered = Buffer.alloc(0);
  #waiter: (() => void) | undefined;
  #correlationId = 0;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#buffered = Buffer.concat([this.#buffered, chunk]);
      if (this.#buffered.length >= 4 && this.#buffered.length >= 4 + this.#buffered.readInt32BE(0)) {
        this.#buffered = this.#buffered.subarray(4 + this.#buffered.readInt32BE(0));
        this.#waiter?.();
      }
    });
  }

  static async open(address: string): Promise<ProbeConnection> {
    const [host, port] = address.split(':');
    const socket = connect({ host: host!, port: Number(port), noDelay: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new ProbeConnection(socket);
  }

  /** One request's round trip in ms. */
  async roundTripMs(): Promise<number> {
    const started = performance.now();
    await new Promise<void>((resolve) => {
      this.#waiter = resolve;
      this.#socket.write(apiVersionsRequest(this.#correlationId++));
    });
    return performance.now() - started;
  }

  close(): void {
    this.#socket.destroy();
  }
}

const CLIENT_ID = Buffer.from('rtt-probe');

function apiVersionsRequest(correlationId: number): Buffer {
  // Request header v1: api_key, api_version, correlation_id, client_id; ApiVersions v0 has no body.
  const frame = Buffer.alloc(4 + 2 + 2 + 4 + 2 + CLIENT_ID.length);
  frame.writeInt32BE(frame.length - 4, 0);
  frame.writeInt16BE(18, 4);
  frame.writeInt16BE(0, 6);
  frame.writeInt32BE(correlationId, 8);
  frame.writeInt16BE(CLIENT_ID.length, 12);
  CLIENT_ID.copy(frame, 14);
  return frame;
}

/**
 * Median round trips in ms of `samples` requests to `direct` and to `proxied`, sent in
 * alternation (after a few unmeasured ones) so that load from other processes on this
 * machine hits both alike, and the median of the per-pair differences.
 *
 * @example
 * const { addedMs } = await pairedRoundTripMs('127.0.0.1:9092', '127.0.0.1:9192', 100);
 */
export async function pairedRoundTripMs(direct: string, proxied: string, samples: number): Promise<{ directMs: number; proxiedMs: number; addedMs: number }> {
  const a = await ProbeConnection.open(direct);
  const b = await ProbeConnection.open(proxied);
  const directTimes: number[] = [];
  const proxiedTimes: number[] = [];
  const added: number[] = [];
  try {
    for (let i = 0; i < samples + 5; i++) {
      const d = await a.roundTripMs();
      const p = await b.roundTripMs();
      if (i < 5) continue;
      directTimes.push(d);
      proxiedTimes.push(p);
      added.push(p - d);
    }
  } finally {
    a.close();
    b.close();
  }
  return { directMs: median(directTimes), proxiedMs: median(proxiedTimes), addedMs: median(added) };
}

/** What {@link calibrateRtt} settled on. */
export interface RttCalibration {
  /** The round-trip time asked for. */
  readonly targetMs: number;
  /** The proxy delay set (two one-way delays), below the target by the proxy's own cost. */
  readonly configuredMs: number;
  /** ApiVersions round trip on the broker's own port and through the proxy. */
  readonly directMs: number;
  readonly proxiedMs: number;
  /** Median of paired (proxied - direct) round trips: the RTT clients really get on top of loopback. */
  readonly addedMs: number;
}

/**
 * Sets the proxy's delay so that a request through it costs `targetMs` more than on the
 * broker's own port: the proxy's hop and timer wake-ups cost ~0.1–0.3 ms per round trip
 * themselves, which would otherwise hand the approach with more round trips a penalty
 * above the stated RTT. Up to four probe-and-correct steps.
 *
 * @example
 * const c = await calibrateRtt(proxy, 1, '127.0.0.1:9092', `127.0.0.1:${proxy.ports[0]}`);
 */
export async function calibrateRtt(
  proxy: { setRttMs(ms: number): Promise<void> },
  targetMs: number,
  direct: string,
  proxied: string,
  samples = 120,
): Promise<RttCalibration> {
  let configuredMs = targetMs;
  let result: RttCalibration | undefined;
  for (let step = 0; step < 4; step++) {
    await proxy.setRttMs(configuredMs);
    result = { targetMs, configuredMs, ...(await pairedRoundTripMs(direct, proxied, samples)) };
    if (Math.abs(result.addedMs - targetMs) <= Math.max(0.02, 0.03 * targetMs)) break;
    if (configuredMs === 0 && result.addedMs > targetMs) break; // the proxy's own cost: nothing left to take off
    configuredMs = Math.max(0, configuredMs + targetMs - result.addedMs);
  }
  return result!;
}
