import { randomBytes } from 'node:crypto';
import { Admin, Consumer, Producer, type MessageToProduce } from '@platformatic/kafka';
import { KafkaAdmin, type KafkaAdminOptions } from '../../../shared/kafka/index.ts';

/** The broker the global setup started (or the one SCG_KAFKA_BOOTSTRAP names). */
export function bootstrapServers(): string[] {
  const value = process.env.SCG_KAFKA_BOOTSTRAP;
  if (!value) throw new Error('SCG_KAFKA_BOOTSTRAP is not set: run integration tests through `npm run test:integration`');
  return value.split(',');
}

/** A name no other test uses: `<prefix>-<time>-<random>`. */
export function freshName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** A @platformatic/kafka admin, for test setup (create topics, delete groups...). */
export function admin(brokers: string[] = bootstrapServers()): Admin {
  return new Admin({ clientId: freshName('test-admin'), bootstrapBrokers: brokers });
}

/** The project's own admin client (shared/kafka), the one the lag monitor and the offset reset run on. */
export function kafkaAdmin(options: Partial<KafkaAdminOptions> = {}): KafkaAdmin {
  return new KafkaAdmin({ clientId: freshName('test-kafka-admin'), bootstrapBrokers: bootstrapServers(), ...options });
}

/**
 * Waits until every broker's metadata names a leader for each partition of a new topic.
 * CreateTopics returns once the controller has committed the topic; brokers apply that to
 * their metadata image asynchronously, so a Metadata request right after it can still say
 * UNKNOWN_TOPIC_OR_PARTITION (seen on a loaded machine). Kafka's own tests wait the same way.
 */
async function untilLeadersKnown(client: Admin, topic: string, partitions: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const known = await client
      .metadata({ topics: [topic], forceUpdate: true })
      .then((m) => {
        const layout = m.topics.get(topic);
        return layout !== undefined && layout.partitionsCount === partitions && layout.partitions.every((p) => p.leader >= 0);
      })
      .catch(() => false);
    if (known) return;
    if (Date.now() > deadline) throw new Error(`topic ${topic}: partition leaders still unknown 15 s after it was created`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Fresh topics and groups for one test file, deleted afterwards.
 *
 * @example
 * const kafka = kafkaTestResources();   // at the top of a describe block
 * const topic = await kafka.topic({ partitions: 6 });
 * const group = kafka.group();
 */
export function kafkaTestResources(options: { brokers?: () => string[] } = {}) {
  const topics: string[] = [];
  const groups: string[] = [];
  const brokers = (): string[] => options.brokers?.() ?? bootstrapServers();

  afterAll(async () => {
    if (topics.length === 0 && groups.length === 0) return;
    const client = admin(brokers());
    try {
      if (groups.length) await client.deleteGroups({ groups: [...groups] }).catch(() => undefined);
      if (topics.length) await client.deleteTopics({ topics: [...topics] }).catch(() => undefined);
    } finally {
      await client.close();
    }
  });

  return {
    async topic(spec: { partitions?: number; replicas?: number; prefix?: string } = {}): Promise<string> {
      const name = freshName(spec.prefix ?? 'topic');
      const client = admin(brokers());
      try {
        await client.createTopics({ topics: [name], partitions: spec.partitions ?? 1, replicas: spec.replicas ?? 1 });
        await untilLeadersKnown(client, name, spec.partitions ?? 1);
      } finally {
        await client.close();
      }
      topics.push(name);
      return name;
    },
    group(prefix = 'group'): string {
      const name = freshName(prefix);
      groups.push(name);
      return name;
    },
  };
}

/**
 * A producer for fault tests. @platformatic/kafka 2.12's producer can keep sending to a
 * partition's old leader after a broker is killed (NOT_LEADER_OR_FOLLOWER until its retries
 * run out); a new producer reads fresh metadata. So a failed send is retried on a new one.
 */
export function resilientProducer(brokers: string[], options: { clientId: string; attempts?: number }) {
  const create = (): Producer => new Producer({ clientId: options.clientId, bootstrapBrokers: brokers, retries: 10, retryDelay: 300 });
  let producer = create();
  return {
    async send(messages: MessageToProduce[]): Promise<void> {
      for (let attempt = 1; ; attempt++) {
        try {
          // acks is a per-send option in @platformatic/kafka 2.12: a constructor `acks` is not
          // applied, and the default (leader only) loses records when the leader is killed.
          await producer.send({ messages, acks: -1 });
          return;
        } catch (error) {
          if (attempt >= (options.attempts ?? 20)) throw error;
          await producer.close().catch(() => undefined);
          await new Promise((r) => setTimeout(r, 1_000));
          producer = create();
        }
      }
    },
    close: (): Promise<void> => producer.close(),
  };
}

/**
 * Reads `topic` from the earliest offset until `count` distinct keys were seen. Like
 * `resilientProducer`, it replaces its consumer when nothing arrives for `stallMs`: after a
 * broker is killed, a @platformatic/kafka 2.12 consumer can keep fetching from the dead leader.
 */
export async function consumeDistinctKeys(brokers: string[], topic: string, count: number, options: { stallMs?: number; timeoutMs?: number } = {}): Promise<Set<string>> {
  const seen = new Set<string>();
  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  while (seen.size < count) {
    if (Date.now() > deadline) throw new Error(`only ${seen.size} of ${count} keys of ${topic} arrived`);
    const consumer = new Consumer({ groupId: freshName('reader'), clientId: 'reader', bootstrapBrokers: brokers });
    try {
      const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false, sessionTimeout: 10_000, heartbeatInterval: 500 });
      await new Promise<void>((resolve) => {
        let timer = setTimeout(resolve, options.stallMs ?? 10_000);
        stream.on('data', (message: { key: Buffer }) => {
          seen.add(message.key.toString());
          clearTimeout(timer);
          if (seen.size >= count) resolve();
          else timer = setTimeout(resolve, options.stallMs ?? 10_000);
        });
        stream.on('error', () => resolve());
      });
      await stream.close().catch(() => undefined);
    } catch {
      // metadata or join failed while the cluster recovers: try again with a new consumer
    } finally {
      await consumer.close(true).catch(() => undefined);
    }
  }
  return seen;
}
