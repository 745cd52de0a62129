import { RESET_OUTCOME, deleteGroupOffsets, describeGroup, formatDescribeOffsets, toJson } from '../../../shared/offset-reset/index.ts';
import { FakeKafka, MemoryAudit } from './fakes.ts';

function cluster(): FakeKafka {
  return new FakeKafka().addUniformTopic('orders', 2, 10).addUniformTopic('payments', 1, 4).commit('email', 'orders', 0, 7n).commit('email', 'payments', 0, 4n);
}

describe('describeGroup', () => {
  it('lists committed offset, log end and lag per partition, "-" where unknown', async () => {
    const d = await describeGroup(cluster(), 'email');
    expect(d.state).toBe('Empty');
    expect(d.partitions.map((p) => [p.topic, p.partition, p.committed, p.logEnd, p.lag])).toEqual([
      ['orders', 0, 7n, 10n, 3n],
      ['payments', 0, 4n, 4n, 0n],
    ]);
    expect(d.totalLag).toBe(3n);
    expect(formatDescribeOffsets(toJson(d))).toContain("Consumer group 'email' has no active members.");
  });

  it('shows members with client id, host and assignment, and assigned partitions without a commit', async () => {
    const kafka = cluster().join('email', { id: 'm-1', clientId: 'worker', host: '/10.0.0.7', topics: ['orders'] });
    const d = await describeGroup(kafka, 'email');
    expect(d.state).toBe('Stable');
    expect(d.members).toEqual([expect.objectContaining({ clientId: 'worker', host: '/10.0.0.7', assignment: [{ topic: 'orders', partition: 0 }, { topic: 'orders', partition: 1 }] })]);
    expect(d.partitions.find((p) => p.topic === 'orders' && p.partition === 1)).toMatchObject({ committed: undefined, lag: undefined, logEnd: 10n, clientId: 'worker' });
    expect(kafka.calls.filter((c) => c.startsWith('listOffsets'))).toHaveLength(1);
  });
});

describe('deleteGroupOffsets', () => {
  const request = { action: 'deleteOffsets' as const, groupId: 'email', topics: [{ topic: 'orders' }], reason: 'topic retired', requestedBy: 'ops' };

  it('deletes the group\'s offsets for every partition of the topic and audits it', async () => {
    const kafka = cluster();
    const audit = new MemoryAudit();
    const result = await deleteGroupOffsets(request, { admin: kafka, audit });
    expect(result.outcome).toBe(RESET_OUTCOME.succeeded);
    expect(result.deleted).toEqual([{ topic: 'orders', partition: 0 }, { topic: 'orders', partition: 1 }]);
    expect(kafka.committedOf('email', 'orders', 0)).toBeUndefined();
    expect(kafka.committedOf('email', 'payments', 0)).toBe(4n);
    expect(audit.puts.map((p) => p.entry.outcome)).toEqual(['IN_PROGRESS', 'SUCCEEDED']);
  });

  it('refuses while a member is subscribed to the topic, naming it, and deletes nothing', async () => {
    const kafka = cluster().join('email', { id: 'm-1', clientId: 'worker', host: '/10.0.0.7', topics: ['orders'] });
    const result = await deleteGroupOffsets(request, { admin: kafka });
    expect(result.outcome).toBe(RESET_OUTCOME.refused);
    expect(result.summary).toMatch(/worker@\/10\.0\.0\.7/);
    expect(kafka.calls).not.toContain('deleteConsumerGroupOffsets');
    expect(kafka.committedOf('email', 'orders', 0)).toBe(7n);
  });

  it('deletes offsets of a topic the active members do not subscribe to', async () => {
    const kafka = cluster().join('email', { id: 'm-1', clientId: 'worker', host: '/10.0.0.7', topics: ['orders'] });
    const result = await deleteGroupOffsets({ ...request, topics: [{ topic: 'payments' }] }, { admin: kafka });
    expect(result.outcome).toBe(RESET_OUTCOME.succeeded);
    expect(kafka.committedOf('email', 'payments', 0)).toBeUndefined();
  });
});
