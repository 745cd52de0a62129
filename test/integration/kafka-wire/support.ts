import { setTimeout as sleep } from 'node:timers/promises';
import { BrokerConnection, findCoordinatorV4, type ConnectionOptions, type Coordinator } from '../../../shared/kafka/wire/index.ts';
import { bootstrapServers, freshName } from '../support/kafka.ts';

/** The first bootstrap broker as host and port. */
export function bootstrapAddress(): { host: string; port: number } {
  const first = bootstrapServers()[0]!;
  const cut = first.lastIndexOf(':');
  return { host: first.slice(0, cut), port: Number(first.slice(cut + 1)) };
}

/** A connection to the first bootstrap broker. */
export function connect(options: Partial<ConnectionOptions> = {}): Promise<BrokerConnection> {
  return BrokerConnection.open(bootstrapAddress(), { clientId: freshName('wire-test'), ...options });
}

// Errors a coordinator answers while __consumer_offsets is created or loaded: the first
// FindCoordinator of a fresh cluster creates the topic, then its partitions load.
const LOADING = new Set([14, 15, 16]);

/**
 * Runs `attempt` until `errorCodes` of its result are free of coordinator-loading errors
 * (or 20 s pass), and returns the last result.
 */
export async function untilCoordinatorReady<T>(attempt: () => Promise<T>, errorCodes: (result: T) => number[]): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const result = await attempt();
    if (!errorCodes(result).some((code) => LOADING.has(code)) || Date.now() > deadline) return result;
    await sleep(200);
  }
}

/** The coordinators of `groups`, once the broker has them. */
export async function coordinators(connection: BrokerConnection, groups: string[]): Promise<Coordinator[]> {
  const response = await untilCoordinatorReady(
    () => connection.request(findCoordinatorV4, { keyType: 0, keys: groups }),
    (r) => r.coordinators.map((c) => c.errorCode),
  );
  return response.coordinators;
}
