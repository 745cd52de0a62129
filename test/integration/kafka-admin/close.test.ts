import { KafkaRoutingError } from '../../../shared/kafka/index.ts';
import { freshName, kafkaAdmin, kafkaTestResources } from '../support/kafka.ts';
import { coordinatorsReady, countRequests } from './support.ts';

describe('KafkaAdmin against a real broker: close', () => {
  const kafka = kafkaTestResources();

  it('rejects every later call with a clear, non-retriable error, even one the caches could answer, and sends nothing', async () => {
    const topic = await kafka.topic({ partitions: 1, prefix: 'admin-close' });
    const groupId = kafka.group('admin-close');
    await coordinatorsReady([groupId]);
    const admin = kafkaAdmin();
    // Warm every cache: brokers, the topic's layout, the group's coordinator.
    await admin.metadata({ topics: [topic] });
    await admin.findCoordinator({ keys: [groupId] });
    await admin.listOffsets({ topics: [{ name: topic, partitions: [{ partitionIndex: 0 }] }] });
    const counter = countRequests(admin);
    await admin.close();

    const calls: Array<[string, () => Promise<unknown>]> = [
      ['metadata', () => admin.metadata({ topics: [topic] })],
      ['metadata from the cache', () => admin.metadata({ topics: [topic], metadataMaxAge: 60_000 })],
      ['listTopics', () => admin.listTopics()],
      ['listGroups', () => admin.listGroups()],
      ['listGroupsOnBroker', () => admin.listGroupsOnBroker(1)],
      ['findCoordinator from the cache', () => admin.findCoordinator({ keys: [groupId] })],
      ['describeGroups', () => admin.describeGroups({ groups: [groupId] })],
      ['consumerGroupDescribe', () => admin.consumerGroupDescribe([groupId])],
      ['listConsumerGroupOffsets', () => admin.listConsumerGroupOffsets({ groups: [groupId] })],
      ['listOffsets', () => admin.listOffsets({ topics: [{ name: topic, partitions: [{ partitionIndex: 0 }] }] })],
      ['alterConsumerGroupOffsets', () => admin.alterConsumerGroupOffsets({ groupId, topics: [{ name: topic, partitionOffsets: [{ partition: 0, offset: 0n }] }] })],
      ['deleteConsumerGroupOffsets', () => admin.deleteConsumerGroupOffsets({ groupId, topics: [{ name: topic, partitionIndexes: [0] }] })],
    ];
    for (const [name, call] of calls) {
      const outcome = await call().then(
        () => 'resolved',
        (error: unknown) => error,
      );
      expect([name, outcome instanceof KafkaRoutingError, (outcome as Error).message, (outcome as KafkaRoutingError).retriable]).toEqual([name, true, 'the admin client is closed', false]);
    }
    counter.stop();
    expect(counter.byApi.size).toBe(0);
  });

  it('closes more than once without an error', async () => {
    const admin = kafkaAdmin();
    await admin.metadata({ topics: [] });
    await admin.close();
    await expect(admin.close()).resolves.toBeUndefined();
    await expect(admin.metadata({ topics: [] })).rejects.toThrow('the admin client is closed');
  });

  it('fails a call in flight when closed with the same error, without retrying it', async () => {
    const admin = kafkaAdmin({ retries: 5, retryDelayMs: 1_000 });
    const outcome = admin.listConsumerGroupOffsets({ groups: [freshName('admin-close-in-flight')] }).then(
      () => 'resolved',
      (error: unknown) => error,
    );
    await admin.close();
    const started = Date.now();
    const error = await outcome;
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(error).toBeInstanceOf(KafkaRoutingError);
    expect((error as KafkaRoutingError).message).toBe('the admin client is closed');
    expect((error as KafkaRoutingError).retriable).toBe(false);
  });
});
