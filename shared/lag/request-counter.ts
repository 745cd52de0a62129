import type { RequestEvent } from '../kafka/index.ts';
import type { RequestCounts } from './types.ts';

/** What the counter listens to: the admin client's per-request hook. */
export interface RequestSource {
  onRequest(listener: (event: RequestEvent) => void): () => void;
}

/**
 * Counts the Kafka requests one admin client sends, per API and per broker.
 *
 * It listens to the client's `onRequest` hook, which fires once per request frame written
 * to a broker connection. So it counts what really goes on the wire: retries, the
 * FindCoordinator and Metadata requests the client sends on its own, and the
 * ApiVersions/SASL requests of new connections. It does not count TCP connects.
 *
 * @example
 * const counter = new KafkaRequestCounter(admin);
 * counter.start();
 * await admin.listGroups();
 * counter.stop();
 * console.log(counter.snapshot().total);
 */
export class KafkaRequestCounter {
  readonly #source: RequestSource;
  readonly #byApi = new Map<string, number>();
  readonly #byBroker = new Map<string, number>();
  #total = 0;
  #unsubscribe: (() => void) | undefined;
  readonly #onRequest = (event: RequestEvent): void => {
    this.#total++;
    this.#byApi.set(event.api, (this.#byApi.get(event.api) ?? 0) + 1);
    this.#byBroker.set(event.broker, (this.#byBroker.get(event.broker) ?? 0) + 1);
  };

  constructor(source: RequestSource) {
    this.#source = source;
  }

  /** Starts counting (idempotent). */
  start(): void {
    this.#unsubscribe ??= this.#source.onRequest(this.#onRequest);
  }

  /** Stops counting; the counts stay readable. */
  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  reset(): void {
    this.#total = 0;
    this.#byApi.clear();
    this.#byBroker.clear();
  }

  snapshot(): RequestCounts {
    return {
      total: this.#total,
      byApi: Object.fromEntries([...this.#byApi.entries()].sort(([a], [b]) => (a < b ? -1 : 1))),
      byBroker: Object.fromEntries([...this.#byBroker.entries()].sort(([a], [b]) => (a < b ? -1 : 1))),
    };
  }
}
