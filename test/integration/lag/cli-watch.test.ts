// `groupctl lag --watch`, run as an operator runs it: a child process on the real broker.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { GroupSummary } from '../../../shared/lag/index.ts';
import { admin as newAdmin, bootstrapServers, kafkaTestResources } from '../support/kafka.ts';
import { commit, produceEach, producer } from './support.ts';

const GROUPCTL = fileURLToPath(new URL('../../../cli/groupctl.ts', import.meta.url));

/** Starts `groupctl lag --watch --json` and hands out its refreshes one at a time. */
function watch(groupId: string) {
  const child = spawn(process.execPath, [GROUPCTL, 'lag', '--watch', '--interval', '1', '--json', '--group', groupId, '--bootstrap-servers', bootstrapServers().join(',')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    /** The group of the next refresh; undefined while the cluster does not list it. */
    async next(): Promise<GroupSummary | undefined> {
      const line = await lines.next();
      if (line.done === true) throw new Error(`groupctl exited before its next refresh: ${stderr}`);
      return (JSON.parse(line.value) as { groups: GroupSummary[] }).groups[0];
    },
    /** Ctrl-C, as an operator stops it; resolves with the exit code. */
    stop(): Promise<number | null> {
      child.kill('SIGINT');
      return exited;
    },
  };
}

describe('groupctl lag --watch', () => {
  const kafka = kafkaTestResources();

  it('shows a partition added to a topic at the next refresh, and exits 0 on Ctrl-C', async () => {
    const topic = await kafka.topic({ partitions: 2, prefix: 'cli-watch' });
    const groupId = kafka.group('cli-watch');
    const admin = newAdmin();
    const p = producer();
    const watching = watch(groupId);
    try {
      await produceEach(p, topic, 2, 3);
      await commit(admin, groupId, topic, [1, 2]);
      // The group may not exist yet at the first refresh: wait for a refresh that shows it.
      let group = await watching.next();
      while (group?.partitions?.length !== 2) group = await watching.next();
      expect(group.partitions.map((x) => [x.partition, x.lag])).toEqual([
        [0, '2'],
        [1, '1'],
      ]);

      // Nobody commits on, or is assigned, the new partition: only Metadata can show it.
      await admin.createPartitions({ topics: [{ name: topic, count: 3 }] });
      // A refresh already under way may still see two, and the broker applies the new
      // layout to its metadata asynchronously: a few refreshes (seconds, not the deployed
      // monitor's 5 minutes) must show three.
      for (let refresh = 0; refresh < 4 && group?.partitions?.length !== 3; refresh++) group = await watching.next();
      expect(group?.partitions?.map((x) => [x.partition, x.offsetStatus])).toEqual([
        [0, 'COMMITTED'],
        [1, 'COMMITTED'],
        [2, 'NO_COMMITTED_OFFSET'],
      ]);
    } finally {
      const code = await watching.stop();
      await p.close();
      await admin.close();
      expect(code).toBe(0);
    }
  });
});
