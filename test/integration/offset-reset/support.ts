// Shared steps of the offset-reset integration tests: records with known timestamps,
// commits written the way an operator tool writes them, and a real consumer in a group.
import { Consumer, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import type { KafkaAdmin } from '../../../shared/kafka/index.ts';
import { bootstrapServers, freshName } from '../support/kafka.ts';

/**
 * Base of every record timestamp: record i of a partition is at T0 + i seconds. Two days
 * ago: older than the 7-day retention and the broker would delete the records mid-test.
 */
export const T0 = Math.floor((Date.now() - 2 * 86_400_000) / 1_000) * 1_000;

/** Produces `count` records into each partition, record i with CREATE_TIME T0 + i*1000 ms. */
export async function produceTimed(topic: string, partitions: number, count: number): Promise<void> {
  const producer = new Producer({ clientId: freshName('reset-producer'), bootstrapBrokers: bootstrapServers(), serializers: stringSerializers });
  try {
    for (let partition = 0; partition < partitions; partition++) {
      await producer.send({
        messages: Array.from({ length: count }, (_, i) => ({ topic, partition, key: `k${i}`, value: `v${i}`, timestamp: BigInt(T0 + i * 1_000) })),
      });
    }
  } finally {
    await producer.close();
  }
}

/** Commits offsets for a group (the group must be Empty), like an operator tool. */
export async function commit(admin: KafkaAdmin, groupId: string, topic: string, offsets: Record<number, bigint>): Promise<void> {
  await admin.alterConsumerGroupOffsets({
    groupId,
    topics: [{ name: topic, partitionOffsets: Object.entries(offsets).map(([partition, offset]) => ({ partition: Number(partition), offset })) }],
  });
}

/** Committed offsets of a group for a topic, by partition (-1 when none). */
export async function committed(admin: KafkaAdmin, groupId: string, topic: string, partitions: number): Promise<bigint[]> {
  const [group] = await admin.listConsumerGroupOffsets({ groups: [{ groupId, topics: [{ name: topic, partitionIndexes: Array.from({ length: partitions }, (_, i) => i) }] }] });
  const list = group?.topics.find((t) => t.name === topic)?.partitions ?? [];
  return Array.from({ length: partitions }, (_, i) => list.find((p) => p.partitionIndex === i)?.committedOffset ?? -1n);
}

/** A real consumer that has joined `groupId` and holds an assignment; `stop()` leaves. */
export async function startConsumer(groupId: string, topic: string, clientId: string, options: { kip848?: boolean } = {}): Promise<{ stop(): Promise<void> }> {
  const consumer = options.kip848
    ? new Consumer({ groupId, clientId, bootstrapBrokers: bootstrapServers(), deserializers: stringDeserializers, groupProtocol: 'consumer' })
    : new Consumer({ groupId, clientId, bootstrapBrokers: bootstrapServers(), deserializers: stringDeserializers });
  const stream = options.kip848
    ? await consumer.consume({ topics: [topic], mode: 'committed', autocommit: false })
    : await consumer.consume({ topics: [topic], mode: 'committed', autocommit: false, sessionTimeout: 10_000, heartbeatInterval: 500 });
  stream.on('data', () => undefined);
  return {
    async stop() {
      await stream.close();
      await consumer.close(true);
    },
  };
}
