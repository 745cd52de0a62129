import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Consumer, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import type { MessagesStream , Admin} from '@platformatic/kafka';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDbLagStateStore, LagMonitor, ensureLagStateTable } from '../../../shared/lag/index.ts';
import type { LagCycleResult, LagMonitorDeps, LagMonitorOptions } from '../../../shared/lag/index.ts';
import { bootstrapServers, freshName, kafkaAdmin } from '../support/kafka.ts';

/** A fresh state table in the emulator, created once per test file. */
export async function freshStateTable(): Promise<{ tableName: string; client: DynamoDBClient }> {
  const client = new DynamoDBClient({});
  const tableName = freshName('lag-state');
  await ensureLagStateTable(client, tableName);
  return { tableName, client };
}

/**
 * One monitor cycle as a freshly started Lambda instance would run it: a new admin client
 * and a new monitor, state only through the DynamoDB table.
 */
export async function coldCycle(
  table: { tableName: string; client: DynamoDBClient },
  nowMs: number,
  options: LagMonitorOptions,
  deps: Partial<LagMonitorDeps> = {},
): Promise<{ result: LagCycleResult; emf: string[] }> {
  const admin = kafkaAdmin({ clientId: freshName('lag-monitor'), retries: 1, retryDelayMs: 100 });
  const emf: string[] = [];
  try {
    const monitor = new LagMonitor(
      { admin, store: new DynamoDbLagStateStore({ tableName: table.tableName, client: table.client, clock: () => nowMs }), clock: () => nowMs, emfSink: (l) => emf.push(l), ...deps },
      options,
    );
    return { result: await monitor.runCycle(), emf };
  } finally {
    await admin.close();
  }
}

/**
 * An idempotent producer: the lag tests assert exact log end offsets, and a plain producer
 * that retries a send (a fresh topic's leader is still being elected) can write the batch
 * twice; CI saw 9 records where 5 were sent.
 */
export function producer(): Producer<string, string, string, string> {
  return new Producer({ clientId: freshName('lag-producer'), bootstrapBrokers: bootstrapServers(), serializers: stringSerializers, idempotent: true });
}

/** Produces `count` records to every partition of `topic`. */
export async function produceEach(p: Producer<string, string, string, string>, topic: string, partitions: number, count: number): Promise<void> {
  const messages = [];
  for (let partition = 0; partition < partitions; partition++) for (let i = 0; i < count; i++) messages.push({ topic, partition, value: `v${i}` });
  await p.send({ messages });
}

/** Commits offsets for an empty group (AlterConsumerGroupOffsets), as an operator would. */
export async function commit(admin: Admin, groupId: string, topic: string, offsets: number[]): Promise<void> {
  await admin.alterConsumerGroupOffsets({ groupId, topics: [{ name: topic, partitionOffsets: offsets.map((offset, partition) => ({ partition, offset: BigInt(offset) })) }] });
}

/**
 * A consumer that joins `groupId`, gets every partition of `topic` and never commits:
 * the group is Stable with a live member whose offsets do not move.
 */
export async function idleMember(admin: Admin, groupId: string, topic: string): Promise<{ close(): Promise<void> }> {
  const consumer = new Consumer({ groupId, clientId: freshName('idle'), bootstrapBrokers: bootstrapServers(), deserializers: stringDeserializers });
  const stream: MessagesStream<string, string, string, string> = await consumer.consume({ topics: [topic], mode: 'committed', fallbackMode: 'earliest', autocommit: false, sessionTimeout: 10_000, heartbeatInterval: 500 });
  stream.pause();
  for (let attempt = 0; attempt < 100; attempt++) {
    const group = (await admin.describeGroups({ groups: [groupId] })).get(groupId);
    const member = group ? [...group.members.values()][0] : undefined;
    if (group?.state === 'Stable' && member?.assignments?.get(topic)?.partitions.length) break;
    await sleep(100);
  }
  return {
    async close() {
      await stream.close();
      await consumer.close(true);
    },
  };
}
