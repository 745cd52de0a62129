import { KafkaUnknownTopicsError, type KafkaAdmin } from '../../../shared/kafka/index.ts';
import { bootstrapServers, freshName, kafkaAdmin, kafkaTestResources } from '../support/kafka.ts';
import { coordinatorsReady, countRequests } from './support.ts';

/** The bootstrap broker as Metadata names it (the test cluster has one node). */
function bootstrapBroker(): { host: string; port: number } {
  const [first] = bootstrapServers();
  const cut = first!.lastIndexOf(':');
  return { host: first!.slice(0, cut), port: Number(first!.slice(cut + 1)) };
}

/** The error `promise` rejects with (fails the test when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection, got a result');
}

describe('KafkaAdmin against a real broker: metadata and topics', () => {
  const kafka = kafkaTestResources();
  let admin: KafkaAdmin;
  let three: string;
  let one: string;

  beforeAll(async () => {
    [three, one] = await Promise.all([kafka.topic({ partitions: 3, prefix: 'admin-meta' }), kafka.topic({ partitions: 1, prefix: 'admin-meta' })]);
  });

  beforeEach(() => {
    admin = kafkaAdmin();
  });

  afterEach(async () => {
    await admin.close();
  });

  it('names the brokers and describes each asked topic: partitions in order, leader, replicas and in-sync replicas', async () => {
    const metadata = await admin.metadata({ topics: [three, one] });
    expect(metadata.brokers).toEqual(new Map([[1, bootstrapBroker()]]));
    expect(metadata.id).not.toBe('');
    expect(metadata.controllerId).toBe(1);
    expect([...metadata.topics.keys()].sort()).toEqual([three, one].sort());
    const layout = metadata.topics.get(three)!;
    expect(layout.partitionsCount).toBe(3);
    expect(layout.partitions).toEqual([0, 1, 2].map(() => ({ leader: 1, leaderEpoch: expect.any(Number), replicas: [1], isr: [1], offlineReplicas: [] })));
    // A real topic id, not the all-zero id of an unknown topic.
    expect(layout.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(layout.id).not.toBe('AAAAAAAAAAAAAAAAAAAAAA');
    expect(metadata.topics.get(one)!.partitionsCount).toBe(1);
    expect(metadata.topics.get(three)!.id).not.toBe(metadata.topics.get(one)!.id);
  });

  it('names only the brokers when asked for no topics', async () => {
    const metadata = await admin.metadata({ topics: [] });
    expect(metadata.brokers.size).toBe(1);
    expect(metadata.topics.size).toBe(0);
  });

  it.each([
    ['known first', (known: string, unknown: string) => [known, unknown]],
    ['unknown first', (known: string, unknown: string) => [unknown, known]],
  ])('names exactly the unknown topic when a known and an unknown one are asked together (%s)', async (_, order) => {
    const unknown = freshName('admin-missing');
    const error = await rejection(admin.metadata({ topics: order(three, unknown) }));
    expect(error).toBeInstanceOf(KafkaUnknownTopicsError);
    expect((error as KafkaUnknownTopicsError).topics).toEqual([unknown]);
    expect((error as KafkaUnknownTopicsError).message).toBe(`Unknown topic: ${unknown}`);
    expect((error as KafkaUnknownTopicsError).retriable).toBe(true);
  });

  it('names every unknown topic, and only those, among several', async () => {
    const [a, b] = [freshName('admin-missing-a'), freshName('admin-missing-b')];
    const error = await rejection(admin.metadata({ topics: [a, three, b, one] }));
    expect(error).toBeInstanceOf(KafkaUnknownTopicsError);
    expect([...(error as KafkaUnknownTopicsError).topics].sort()).toEqual([a, b].sort());
  });

  it('does not retry an unknown topic: one Metadata request', async () => {
    const counter = countRequests(admin);
    await rejection(admin.metadata({ topics: [freshName('admin-missing')] }));
    counter.stop();
    expect(counter.of('Metadata')).toBe(1);
  });

  it('caches the known topics of a request that named an unknown one', async () => {
    await rejection(admin.metadata({ topics: [freshName('admin-missing'), one] }));
    const counter = countRequests(admin);
    const metadata = await admin.metadata({ topics: [one], metadataMaxAge: 60_000 });
    counter.stop();
    expect(counter.of('Metadata')).toBe(0);
    expect(metadata.topics.get(one)!.partitionsCount).toBe(1);
  });

  it('answers from the cache without a request within metadataMaxAge, and asks again when forced or not cached', async () => {
    const first = await admin.metadata({ topics: [three] });
    const counter = countRequests(admin);

    const cached = await admin.metadata({ topics: [three], metadataMaxAge: 60_000 });
    expect(counter.of('Metadata')).toBe(0);
    expect(cached.topics.get(three)).toEqual(first.topics.get(three));
    expect(cached.brokers).toEqual(first.brokers);

    const forced = await admin.metadata({ topics: [three], metadataMaxAge: 60_000, forceUpdate: true });
    expect(counter.of('Metadata')).toBe(1);
    expect(forced.topics.get(three)!.lastUpdate).toBeGreaterThanOrEqual(first.topics.get(three)!.lastUpdate);

    // Without metadataMaxAge the cache is not used; a topic not cached yet is asked for too.
    await admin.metadata({ topics: [three] });
    expect(counter.of('Metadata')).toBe(2);
    await admin.metadata({ topics: [three, one], metadataMaxAge: 60_000 });
    expect(counter.of('Metadata')).toBe(3);
    counter.stop();
  });

  it('lists every topic name without the internal ones, or with them when asked', async () => {
    // __consumer_offsets exists once a group coordinator was looked up.
    await coordinatorsReady([freshName('admin-warm')]);
    const topics = await admin.listTopics();
    expect(topics).toEqual(expect.arrayContaining([three, one]));
    expect(topics).not.toContain('__consumer_offsets');
    const all = await admin.listTopics({ includeInternals: true });
    expect(all).toEqual(expect.arrayContaining([three, one, '__consumer_offsets']));
    expect(all).toEqual(expect.arrayContaining(topics));
  });
});
