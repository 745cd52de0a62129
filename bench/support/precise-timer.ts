// A one-shot timer with sub-millisecond precision that does not spin a CPU.
//
// Node's timers count whole milliseconds on the event loop's cached clock, so a 0.5 ms
// delay fires after 1 to 2 ms: useless for modelling a 1 ms network round trip. A worker
// thread sleeps in Atomics.wait (a condition variable with a microsecond timeout) until
// the deadline and then posts a message, which wakes this thread's event loop at once.
import { Worker } from 'node:worker_threads';

/**
 * Calls `onFire` once at the armed deadline (a `process.hrtime.bigint()` time), on this
 * thread's event loop. Arming again replaces the deadline.
 *
 * @example
 * const timer = new PreciseTimer(() => flush());
 * timer.arm(process.hrtime.bigint() + 500_000n); // in 0.5 ms
 */
export class PreciseTimer {
  // [0]: sequence number the worker waits on; deadline in ns at byte 8 (0n: disarmed).
  readonly #control: Int32Array;
  readonly #deadline: BigInt64Array;
  readonly #worker: Worker;

  constructor(onFire: () => void) {
    const shared = new SharedArrayBuffer(16);
    this.#control = new Int32Array(shared, 0, 1);
    this.#deadline = new BigInt64Array(shared, 8, 1);
    this.#worker = new Worker(new URL('./precise-timer-worker.ts', import.meta.url), { workerData: shared });
    this.#worker.on('message', onFire);
    this.#worker.unref();
  }

  /** The deadline armed now, or `undefined`. */
  get armedAt(): bigint | undefined {
    const deadline = Atomics.load(this.#deadline, 0);
    return deadline === 0n ? undefined : deadline;
  }

  arm(deadlineNs: bigint): void {
    Atomics.store(this.#deadline, 0, deadlineNs <= 0n ? 1n : deadlineNs);
    this.#wake();
  }

  disarm(): void {
    Atomics.store(this.#deadline, 0, 0n);
    this.#wake();
  }

  async close(): Promise<void> {
    await this.#worker.terminate();
  }

  #wake(): void {
    Atomics.add(this.#control, 0, 1);
    Atomics.notify(this.#control, 0);
  }
}
