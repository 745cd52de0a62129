// Helpers of the admin client's integration tests: request counting, live group members,
// and waiting for the real broker to settle.
import { Consumer, type MessagesStream } from '@platformatic/kafka';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KafkaAdmin } from '../../../shared/kafka/index.ts';
import { bootstrapServers, freshName, kafkaAdmin } from '../support/kafka.ts';

/** Counts the request frames `admin` writes, per API name, until `stop()`. */
export function countRequests(admin: KafkaAdmin): { of(api: string): number; readonly byApi: ReadonlyMap<string, number>; stop(): void } {
  const byApi = new Map<string, number>();
  const stop = admin.onRequest((event) => byApi.set(event.api, (byApi.get(event.api) ?? 0) + 1));
  return { of: (api) => byApi.get(api) ?? 0, byApi, stop };
}

/** Polls `read` until `ready` holds (or 30 s pass) and returns the last answer. */
export async function until<T>(read: () => Promise<T>, ready: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await read();
    if (ready(value) || Date.now() > deadline) return value;
    await sleep(200);
  }
}

export interface LiveMember {
  readonly clientId: string;
  close(): Promise<void>;
}

/**
 * A consumer that joins `groupId` with `protocol` (classic, or KIP-848 `consumer`),
 * subscribes to `topic` and then idles: paused, never committing.
 */
export async function liveMember(groupId: string, topic: string, protocol: 'classic' | 'consumer'): Promise<LiveMember> {
  const clientId = freshName(`admin-${protocol}`);
  const base = { groupId, clientId, bootstrapBrokers: bootstrapServers() };
  const consumer = protocol === 'consumer' ? new Consumer({ ...base, groupProtocol: 'consumer' }) : new Consumer(base);
  const stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> = await consumer.consume({
    topics: [topic],
    mode: 'earliest',
    autocommit: false,
    sessionTimeout: 10_000,
    heartbeatInterval: 500,
  });
  stream.pause();
  return {
    clientId,
    async close() {
      await stream.close();
      await consumer.close(true);
    },
  };
}

/**
 * Waits until the broker's group coordinator answers for `groups` (a fresh cluster creates
 * and loads __consumer_offsets on the first FindCoordinator), with a client of its own so
 * the client under test starts cold.
 */
export async function coordinatorsReady(groups: readonly string[]): Promise<void> {
  const warm = kafkaAdmin({ retries: 8, retryDelayMs: 100 });
  try {
    await warm.findCoordinator({ keys: groups });
  } finally {
    await warm.close();
  }
}
