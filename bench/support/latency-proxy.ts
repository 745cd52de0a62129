// A user-space TCP proxy that adds a network round-trip time to loopback connections.
//
// This machine's kernel has no netem qdisc (CONFIG_NET_SCH_NETEM is off and there are no
// modules to load), so the delay is added here instead: every chunk read from either side
// is written to the other side a fixed one-way delay later (RTT/2 each way), in the
// order it was read. It models propagation delay only: bandwidth, TCP handshakes and ACK
// clocking are not modelled (the proxy terminates TCP on both sides).
//
// The proxy runs in a worker thread of its own so that its forwarding work does not run
// on the event loop of the clients being measured (a real network hop costs them nothing).
import { type Server, type Socket, connect, createServer } from 'node:net';
import { Worker } from 'node:worker_threads';
import { PreciseTimer } from './precise-timer.ts';

export interface ProxyUpstream {
  readonly host: string;
  readonly port: number;
}

/** Messages to the proxy thread; each is answered with `{ id, ports? , error? }`. */
export type ProxyRequest =
  | { readonly id: number; readonly type: 'route'; readonly upstreams: readonly ProxyUpstream[] }
  | { readonly id: number; readonly type: 'delay'; readonly oneWayMs: number }
  | { readonly id: number; readonly type: 'close' };

export interface ProxyReply {
  readonly id: number;
  readonly ports?: number[];
  readonly error?: string;
}

/**
 * `count` listening ports on 127.0.0.1; port `i` forwards to upstream `i` (set with
 * `route`), delaying each direction by the one-way delay. Use it from a dedicated thread:
 * see {@link LatencyProxyThread}.
 */
export class LatencyProxy {
  readonly #servers: Server[];
  readonly #sockets = new Set<Socket>();
  readonly #timer: PreciseTimer;
  // FIFO of pending writes; with one delay for all chunks, arrival order is due order.
  #queue: Array<{ due: bigint; act: () => void }> = [];
  #head = 0;
  #upstreams: readonly ProxyUpstream[] = [];
  #oneWayNs = 0n;

  private constructor(servers: Server[]) {
    this.#servers = servers;
    this.#timer = new PreciseTimer(() => this.#flush());
  }

  static async listen(count: number): Promise<LatencyProxy> {
    const servers: Server[] = [];
    const proxy = new LatencyProxy(servers);
    for (let i = 0; i < count; i++) {
      const server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => proxy.#accept(i, socket));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: '127.0.0.1', port: 0 }, () => resolve());
      });
      servers.push(server);
    }
    return proxy;
  }

  get ports(): number[] {
    return this.#servers.map((s) => {
      const address = s.address();
      if (address === null || typeof address === 'string') throw new Error('latency proxy is not listening');
      return address.port;
    });
  }

  route(upstreams: readonly ProxyUpstream[]): void {
    this.#upstreams = upstreams;
  }

  /** Applies to chunks read from now on. */
  setOneWayDelayMs(ms: number): void {
    this.#oneWayNs = BigInt(Math.max(0, Math.round(ms * 1e6)));
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await Promise.all(this.#servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    await this.#timer.close();
  }

  #accept(index: number, client: Socket): void {
    const target = this.#upstreams[index];
    if (target === undefined) {
      client.destroy();
      return;
    }
    const upstream = connect({ host: target.host, port: target.port, allowHalfOpen: true, noDelay: true });
    client.setNoDelay(true);
    this.#pipe(client, upstream);
    this.#pipe(upstream, client);
  }

  #pipe(from: Socket, to: Socket): void {
    this.#sockets.add(from);
    from.on('data', (chunk: Buffer) => this.#later(() => void (to.writable && to.write(chunk))));
    from.on('end', () => this.#later(() => void (to.writable && to.end())));
    from.on('error', () => this.#later(() => void to.destroy()));
    from.on('close', () => this.#sockets.delete(from));
  }

  #later(act: () => void): void {
    if (this.#oneWayNs === 0n && this.#head === this.#queue.length) {
      act();
      return;
    }
    const wasEmpty = this.#head === this.#queue.length;
    this.#queue.push({ due: process.hrtime.bigint() + this.#oneWayNs, act });
    if (wasEmpty) this.#timer.arm(this.#queue[this.#head]!.due);
  }

  #flush(): void {
    const now = process.hrtime.bigint();
    while (this.#head < this.#queue.length && this.#queue[this.#head]!.due <= now) {
      this.#queue[this.#head++]!.act();
    }
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
      return;
    }
    if (this.#head > 4096) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    this.#timer.arm(this.#queue[this.#head]!.due);
  }
}

/**
 * A {@link LatencyProxy} in a worker thread (it ends with this process, whatever ends it).
 *
 * @example
 * const proxy = await LatencyProxyThread.start(1);
 * await proxy.route([{ host: '127.0.0.1', port: brokerPort }]);
 * await proxy.setRttMs(1); // clients of 127.0.0.1:${proxy.ports[0]} now wait 1 ms per round trip
 * await proxy.close();
 */
export class LatencyProxyThread {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (reply: ProxyReply) => void; reject: (error: Error) => void }>();
  #nextId = 1;
  #ports: number[] = [];
  #rttMs = 0;
  #exited = false;
  #closing: Promise<void> | undefined;

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.on('message', (reply: ProxyReply) => {
      const waiter = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      if (reply.error !== undefined) waiter?.reject(new Error(`latency proxy: ${reply.error}`));
      else waiter?.resolve(reply);
    });
    const failAll = (error: Error): void => {
      for (const waiter of this.#pending.values()) waiter.reject(error);
      this.#pending.clear();
    };
    worker.on('error', failAll);
    worker.on('exit', (code) => {
      this.#exited = true;
      failAll(new Error(`latency proxy thread exited (${code})`));
    });
  }

  static async start(count: number): Promise<LatencyProxyThread> {
    const worker = new Worker(new URL('./latency-proxy-worker.ts', import.meta.url), { workerData: count });
    const proxy = new LatencyProxyThread(worker);
    // Reply 0 is the worker's first message: its listening ports.
    const ready = await new Promise<ProxyReply>((resolve, reject) => proxy.#pending.set(0, { resolve, reject }));
    proxy.#ports = ready.ports ?? [];
    return proxy;
  }

  /** The proxy's listening ports on 127.0.0.1, one per upstream. */
  get ports(): number[] {
    return [...this.#ports];
  }

  /** The round-trip time added now (two one-way delays). */
  get rttMs(): number {
    return this.#rttMs;
  }

  async route(upstreams: readonly ProxyUpstream[]): Promise<void> {
    await this.#request({ type: 'route', upstreams });
  }

  /** Delays each direction by half of `ms`. */
  async setRttMs(ms: number): Promise<void> {
    await this.#request({ type: 'delay', oneWayMs: ms / 2 });
    this.#rttMs = ms;
  }

  /** Closes the sockets and ends the thread; safe to call more than once. */
  async close(): Promise<void> {
    this.#closing ??= (async () => {
      try {
        if (!this.#exited) await this.#request({ type: 'close' });
      } finally {
        await this.#worker.terminate();
      }
    })();
    await this.#closing;
  }

  async #request(message: { type: 'route'; upstreams: readonly ProxyUpstream[] } | { type: 'delay'; oneWayMs: number } | { type: 'close' }): Promise<ProxyReply> {
    if (this.#exited) throw new Error('latency proxy thread has exited');
    const id = this.#nextId++;
    return new Promise<ProxyReply>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ ...message, id } satisfies ProxyRequest);
    });
  }
}
