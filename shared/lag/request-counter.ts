import { connectionsApiChannel, protocolAPIsById } from '@platformatic/kafka';
import type { RequestCounts } from './types.ts';

interface ApiStartEvent {
  connection?: { ownerId?: number; host?: string; port?: number };
  apiKey?: number;
}

/**
 * Counts the Kafka requests one @platformatic/kafka client sends, per API and per broker.
 *
 * It listens on the library's `plt:kafka:connections:api` diagnostics channel, whose
 * `start` event fires once per request frame written to a broker connection, and keeps
 * the events of connections owned by the given client (`connection.ownerId` is the
 * client's `instanceId`). So it counts what really goes on the wire: retries, the
 * FindCoordinator and Metadata requests the admin client sends on its own, and the
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
  readonly #ownerId: number;
  readonly #byApi = new Map<string, number>();
  readonly #byBroker = new Map<string, number>();
  #total = 0;
  #listening = false;
  readonly #onStart = (message: unknown): void => {
    const event = message as ApiStartEvent;
    if (event.connection?.ownerId !== this.#ownerId) return;
    const api = protocolAPIsById[event.apiKey ?? -1] ?? `api-${String(event.apiKey)}`;
    const broker = `${event.connection.host ?? '?'}:${String(event.connection.port ?? '?')}`;
    this.#total++;
    this.#byApi.set(api, (this.#byApi.get(api) ?? 0) + 1);
    this.#byBroker.set(broker, (this.#byBroker.get(broker) ?? 0) + 1);
  };

  constructor(client: { readonly instanceId: number }) {
    this.#ownerId = client.instanceId;
  }

  /** Starts counting (idempotent). */
  start(): void {
    if (this.#listening) return;
    connectionsApiChannel.start.subscribe(this.#onStart);
    this.#listening = true;
  }

  /** Stops counting; the counts stay readable. */
  stop(): void {
    if (!this.#listening) return;
    connectionsApiChannel.start.unsubscribe(this.#onStart);
    this.#listening = false;
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
