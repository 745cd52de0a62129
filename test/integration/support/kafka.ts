import { randomBytes } from 'node:crypto';
import { Admin } from '@platformatic/kafka';

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

export function admin(brokers: string[] = bootstrapServers()): Admin {
  return new Admin({ clientId: freshName('test-admin'), bootstrapBrokers: brokers });
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
