import { Consumer, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import { admin, bootstrapServers, kafkaTestResources } from '../support/kafka.ts';

describe('the local Kafka broker', () => {
  const kafka = kafkaTestResources();

  it('takes 10,000 records on 6 partitions and shows the group committed all of them', async () => {
    const topic = await kafka.topic({ partitions: 6 });
    const group = kafka.group();
    const total = 10_000;

    const producer = new Producer({ clientId: 'foundation-producer', bootstrapBrokers: bootstrapServers(), serializers: stringSerializers, idempotent: true });
    try {
      for (let start = 0; start < total; start += 1_000) {
        await producer.send({
          messages: Array.from({ length: 1_000 }, (_, i) => ({ topic, key: `order-${start + i}`, value: JSON.stringify({ n: start + i }) })),
        });
      }
    } finally {
      await producer.close();
    }

    const consumer = new Consumer({ groupId: group, clientId: 'foundation-consumer', bootstrapBrokers: bootstrapServers(), deserializers: stringDeserializers });
    const seen = new Set<string>();
    try {
      const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false, sessionTimeout: 10_000, heartbeatInterval: 500 });
      for await (const message of stream) {
        seen.add(message.key);
        await message.commit();
        if (seen.size === total) break;
      }
      await stream.close();
    } finally {
      await consumer.close(true);
    }
    expect(seen.size).toBe(total);

    const client = admin();
    try {
      const [offsets] = await client.listConsumerGroupOffsets({ groups: [group] });
      const partitions = offsets!.topics.find((t) => t.name === topic)!.partitions;
      expect(partitions).toHaveLength(6);
      const committed = partitions.reduce((sum, p) => sum + p.committedOffset, 0n);
      expect(committed).toBe(BigInt(total));

      const [ends] = await client.listOffsets({ topics: [{ name: topic, partitions: [0, 1, 2, 3, 4, 5].map((partitionIndex) => ({ partitionIndex, timestamp: -1n })) }] });
      for (const p of partitions) {
        expect(p.committedOffset).toBe(ends!.partitions.find((e) => e.partitionIndex === p.partitionIndex)!.offset);
      }
    } finally {
      await client.close();
    }
  });
});
