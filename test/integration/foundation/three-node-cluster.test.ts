import { KafkaCluster } from '../../../local/kafka/index.ts';
import { admin, consumeDistinctKeys, freshName, resilientProducer } from '../support/kafka.ts';

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
    const client = admin(cluster.brokers);
    await client.createTopics({ topics: [topic], partitions: 3, replicas: 3 });

    const producer = resilientProducer(cluster.brokers, { clientId: 'rf3-producer' });
    const send = async (from: number, count: number): Promise<void> => {
      await producer.send(Array.from({ length: count }, (_, i) => ({ topic, key: Buffer.from(String(from + i)), value: Buffer.from(`v${from + i}`) })));
    };
    try {
      await send(0, 100);
      await cluster.killNode(2);
      // min.insync.replicas=2 of 3: still writable with one node down, once the controller
      // has fenced it and moved its leaderships (broker.session.timeout.ms, 4 s locally).
      await send(100, 100);

      const seen = await consumeDistinctKeys(cluster.brokers, topic, 200);
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
