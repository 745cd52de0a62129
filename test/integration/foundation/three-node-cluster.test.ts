import { Consumer, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import { KafkaCluster } from '../../../local/kafka/index.ts';
import { admin, freshName } from '../support/kafka.ts';

describe('a 3-node KRaft cluster', () => {
  let cluster: KafkaCluster;

  beforeAll(async () => {
    cluster = await KafkaCluster.start({ nodes: 3 });
  }, 180_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('keeps serving produce and consume with one node killed, and the node rejoins after restart', async () => {
    const topic = freshName('rf3');
    const group = freshName('rf3-group');
    const client = admin(cluster.brokers);
    await client.createTopics({ topics: [topic], partitions: 3, replicas: 3 });

    const producer = new Producer({ clientId: 'rf3-producer', bootstrapBrokers: cluster.brokers, serializers: stringSerializers, acks: -1, retries: 60, retryDelay: 500 });
    const send = async (from: number, count: number): Promise<void> => {
      await producer.send({ messages: Array.from({ length: count }, (_, i) => ({ topic, key: String(from + i), value: `v${from + i}` })) });
    };
    try {
      await send(0, 100);
      await cluster.killNode(2);
      // min.insync.replicas=2 of 3: still writable with one node down, once the controller
      // has fenced it and moved its leaderships (broker.session.timeout.ms, 4 s locally).
      await send(100, 100);

      const consumer = new Consumer({ groupId: group, clientId: 'rf3-consumer', bootstrapBrokers: [cluster.brokers[0]!], deserializers: stringDeserializers });
      const seen = new Set<string>();
      try {
        const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false, sessionTimeout: 10_000, heartbeatInterval: 500 });
        for await (const message of stream) {
          seen.add(message.key);
          if (seen.size === 200) break;
        }
        await stream.close();
      } finally {
        await consumer.close(true);
      }
      expect(seen.size).toBe(200);

      await cluster.restartNode(2);
      const metadata = await client.metadata({ topics: [topic], forceUpdate: true });
      expect([...metadata.brokers.keys()].sort()).toEqual([1, 2, 3]);
    } finally {
      await producer.close();
      await client.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await client.close();
    }
  });
});
