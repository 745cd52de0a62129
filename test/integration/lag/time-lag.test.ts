import { setTimeout as sleep } from 'node:timers/promises';
import { InMemoryLagStateStore, LagMonitor } from '../../../shared/lag/index.ts';
import { admin as newAdmin, kafkaAdmin, kafkaTestResources } from '../support/kafka.ts';
import { commit, producer } from './support.ts';

// Real clock: records are produced at a steady pace while the monitor samples the log end
// every SAMPLE_MS; the estimated age of the oldest unconsumed record must match the time
// that record was really produced within one sampling interval (the table's resolution)
// plus 150 ms of scheduling slack.
const SAMPLE_MS = 400;
const TOLERANCE_S = (SAMPLE_MS + 150) / 1000;

describe('time lag against known produce times', () => {
  const kafka = kafkaTestResources();

  it(`matches the age of the oldest unconsumed record within ${TOLERANCE_S} s`, async () => {
    const topic = await kafka.topic({ partitions: 1, prefix: 'timelag' });
    const groupId = kafka.group('timelag');
    const admin = newAdmin();
    const p = producer();
    const monitorAdmin = kafkaAdmin();
    const monitor = new LagMonitor({ admin: monitorAdmin, store: new InMemoryLagStateStore(), emfSink: null }, { include: [groupId] });
    // appendedAt[i]: when record i was acknowledged, i.e. when the log end became i + 1.
    const appendedAt: number[] = [];
    try {
      await commit(admin, groupId, topic, [0]);
      let lastSample = 0;
      const end = Date.now() + 3_000;
      while (Date.now() < end) {
        await p.send({ messages: [{ topic, partition: 0, value: String(appendedAt.length) }] });
        appendedAt.push(Date.now());
        if (Date.now() - lastSample >= SAMPLE_MS) {
          await monitor.runCycle();
          lastSample = Date.now();
        }
        await sleep(20);
      }
      await monitor.runCycle();
      const committed = Math.floor(appendedAt.length / 2);
      await commit(admin, groupId, topic, [committed]);
      await sleep(SAMPLE_MS);
      const { summary } = await monitor.runCycle();
      const now = Date.parse(summary.cycleAt);
      const partition = summary.groups.find((g) => g.groupId === groupId)!.partitions![0]!;

      // The log end became `committed` when record committed − 1 was appended.
      const truth = (now - appendedAt[committed - 1]!) / 1000;
      expect(partition.timeLagQuality).toBe('interpolated');
      expect(Math.abs(partition.timeLagSeconds! - truth)).toBeLessThanOrEqual(TOLERANCE_S);
      expect(partition.lag).toBe(String(appendedAt.length - committed));
    } finally {
      await p.close();
      await admin.close();
      await monitorAdmin.close();
    }
  });

  it('reports no time lag (unknown) on the first cycle of a new monitor, and 0 once caught up', async () => {
    const topic = await kafka.topic({ partitions: 1, prefix: 'timelag0' });
    const lagging = kafka.group('tl-lagging');
    const caughtUp = kafka.group('tl-caught');
    const admin = newAdmin();
    const p = producer();
    const monitorAdmin = kafkaAdmin();
    try {
      await p.send({ messages: Array.from({ length: 5 }, (_, i) => ({ topic, partition: 0, value: String(i) })) });
      await commit(admin, lagging, topic, [2]);
      await commit(admin, caughtUp, topic, [5]);
      const monitor = new LagMonitor({ admin: monitorAdmin, store: new InMemoryLagStateStore(), emfSink: null }, { include: [lagging, caughtUp] });
      const { summary } = await monitor.runCycle();
      const of = (id: string) => summary.groups.find((g) => g.groupId === id)!.partitions![0]!;
      expect(of(lagging)).toMatchObject({ lag: '3', timeLagSeconds: null, timeLagQuality: 'unknown' });
      expect(of(caughtUp)).toMatchObject({ lag: '0', timeLagSeconds: 0, timeLagQuality: 'caught-up' });
    } finally {
      await p.close();
      await admin.close();
      await monitorAdmin.close();
    }
  });
});

