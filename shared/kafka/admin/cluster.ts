// Connections to the brokers of one cluster: opened on demand, one per broker address,
// reused while usable (a closed socket or an expiring SASL session opens a new one), and
// the retry loop every admin call runs in.
import { BrokerConnection, KafkaNetworkError, type KafkaApi } from '../wire/index.ts';
import { KafkaRoutingError, KafkaUnknownTopicsError } from './errors.ts';
import type { BrokerInfo, KafkaAdminOptions, RequestEvent } from './types.ts';

const DEFAULT_RETRIES = 3;
const DEFAULT_RETRY_DELAY_MS = 100;
/** Doubling stops here: ten retries should not wait most of a minute. */
const MAX_RETRY_DELAY_MS = 5_000;

/**
 * `host:port`, or `[ipv6]:port`. The port is decimal digits only (`Number()` alone would
 * take ' 9092', '0x10' or '1e3'), and an IPv6 host must be bracketed: in `fe80::1:9092`
 * nothing says where the address ends.
 */
const BROKER = /^(?:\[([^\]\s]+)\]|([^:[\]\s]+)):(\d{1,5})$/;

/** `host:port` parsed; IPv6 hosts must be bracketed (`[::1]:9092`). */
export function parseBroker(value: string): BrokerInfo {
  const match = BROKER.exec(value);
  const port = Number(match?.[3]);
  if (!match || port <= 0 || port > 65_535) throw new KafkaRoutingError(`bootstrap broker '${value}' is not host:port`, { retriable: false });
  return { host: match[1] ?? match[2]!, port };
}

/** What every call of a closed client rejects with; `cause`: what failed a call in flight. */
export function closedError(cause?: unknown): KafkaRoutingError {
  return new KafkaRoutingError('the admin client is closed', { retriable: false, cause });
}

export class ClusterConnections {
  readonly #options: KafkaAdminOptions;
  readonly #bootstrap: BrokerInfo[];
  readonly #pool = new Map<string, Promise<BrokerConnection>>();
  readonly #listeners = new Set<(event: RequestEvent) => void>();
  #brokers = new Map<number, BrokerInfo>();
  #brokersFromMetadata = false;
  #closed = false;

  constructor(options: KafkaAdminOptions) {
    if (options.bootstrapBrokers.length === 0) throw new KafkaRoutingError('bootstrapBrokers: at least one host:port is required', { retriable: false });
    this.#options = options;
    this.#bootstrap = options.bootstrapBrokers.map(parseBroker);
  }

  get retries(): number {
    return this.#options.retries ?? DEFAULT_RETRIES;
  }

  /** Listens to every request frame written by this client's connections. */
  onRequest(listener: (event: RequestEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The brokers the last Metadata named, and coordinators found since. */
  get brokers(): ReadonlyMap<number, BrokerInfo> {
    return this.#brokers;
  }

  /**
   * Whether `brokers` came from a Metadata answer. Until then it may hold only the
   * coordinators FindCoordinator named, not every broker of the cluster.
   */
  get brokersFromMetadata(): boolean {
    return this.#brokersFromMetadata;
  }

  get closed(): boolean {
    return this.#closed;
  }

  setBrokers(brokers: Map<number, BrokerInfo>): void {
    this.#brokers = brokers;
    this.#brokersFromMetadata = true;
  }

  addBroker(nodeId: number, broker: BrokerInfo): void {
    if (!this.#brokers.has(nodeId)) this.#brokers.set(nodeId, broker);
  }

  broker(nodeId: number): BrokerInfo {
    const broker = this.#brokers.get(nodeId);
    if (!broker) throw new KafkaRoutingError(`broker ${nodeId} is not in the cluster metadata`);
    return broker;
  }

  /** Sends `request` to the broker at `address` (one attempt). A network failure drops the connection. */
  async request<Req, Res>(address: BrokerInfo, api: KafkaApi<Req, Res>, request: Req): Promise<Res> {
    const connection = await this.#connection(address);
    try {
      return await connection.request(api, request);
    } catch (error) {
      if (!connection.usable) this.#drop(address, connection);
      throw error;
    }
  }

  /**
   * Sends `request` to any reachable broker: an open connection first, else the bootstrap
   * brokers, then the known ones, in order. Only for requests any broker answers alike
   * and that are safe to send twice (Metadata, FindCoordinator): an open connection that
   * fails (its broker just went away) falls through to the other brokers.
   */
  async requestAny<Req, Res>(api: KafkaApi<Req, Res>, request: Req): Promise<Res> {
    const failures: string[] = [];
    for (const [key, pending] of this.#pool) {
      const open = await pending.catch(() => undefined);
      if (open?.usable) {
        try {
          return await this.request(open.address, api, request);
        } catch (error) {
          if (!isNetworkFailure(error)) throw error;
          failures.push(error instanceof Error ? error.message : String(error));
          break;
        }
      }
      if (open) this.#pool.delete(key);
    }
    // A bootstrap broker is usually also a known one: try each address once (a blackholed
    // one costs a whole connect timeout per try).
    const candidates = [...new Map([...this.#bootstrap, ...this.#brokers.values()].map((b) => [`${b.host}:${b.port}`, b])).values()];
    for (const address of candidates) {
      try {
        return await this.request(address, api, request);
      } catch (error) {
        if (!isNetworkFailure(error)) throw error;
        failures.push(error instanceof Error ? error.message : String(error));
      }
    }
    throw new KafkaRoutingError(`no broker reachable (${candidates.map((b) => `${b.host}:${b.port}`).join(', ')}): ${failures.join('; ')}`);
  }

  /**
   * Runs `attempt` until it succeeds, fails with an error that retrying cannot fix, or
   * `retries` retries have failed. `attempt` gets its number: > 0 means the previous one
   * failed and cached routing (coordinators, leaders) should be refreshed.
   */
  async withRetries<T>(attempt: (n: number) => Promise<T>): Promise<T> {
    for (let n = 0; ; n++) {
      try {
        return await attempt(n);
      } catch (error) {
        if (!shouldRetry(error)) throw error;
        // A call in flight when close() ran fails on its closed connections: say so, rather
        // than "no broker reachable".
        if (this.#closed) throw closedError(error);
        if (n >= this.retries) throw error;
        await this.backoff(n);
      }
    }
  }

  /** The pause after failed attempt `n` (from 0): `retryDelayMs`, doubled each attempt, at most {@link MAX_RETRY_DELAY_MS}. */
  backoff(n: number): Promise<void> {
    const delay = this.#options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
    return new Promise((resolve) => setTimeout(resolve, Math.min(delay * 2 ** n, Math.max(delay, MAX_RETRY_DELAY_MS))));
  }

  close(): void {
    this.#closed = true;
    for (const pending of this.#pool.values()) void pending.then((c) => c.close()).catch(() => undefined);
    this.#pool.clear();
  }

  async #connection(address: BrokerInfo): Promise<BrokerConnection> {
    if (this.#closed) throw closedError();
    const key = `${address.host}:${address.port}`;
    const pending = this.#pool.get(key);
    if (pending) {
      const open = await pending.catch(() => undefined);
      if (open?.usable) return open;
      if (this.#pool.get(key) === pending) this.#pool.delete(key);
      open?.close();
    }
    const opening = BrokerConnection.open(address, { ...this.#options, onRequest: (event) => this.#emit(event) });
    this.#pool.set(key, opening);
    opening.catch(() => {
      if (this.#pool.get(key) === opening) this.#pool.delete(key);
    });
    return opening;
  }

  #drop(address: BrokerInfo, connection: BrokerConnection): void {
    const key = `${address.host}:${address.port}`;
    void this.#pool.get(key)?.then((c) => {
      if (c === connection) this.#pool.delete(key);
    });
    connection.close();
  }

  #emit(event: RequestEvent): void {
    for (const listener of this.#listeners) listener(event);
  }
}

function isNetworkFailure(error: unknown): boolean {
  return error instanceof KafkaNetworkError;
}

/** Retriable errors are retried, except unknown topics: a deleted topic does not come back. */
export function shouldRetry(error: unknown): boolean {
  if (error instanceof KafkaUnknownTopicsError) return false;
  return error instanceof Error && (error as { retriable?: unknown }).retriable === true;
}
