import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { KafkaCluster } from '../../../local/kafka/index.ts';
import { ServiceStartError, PrerequisiteError } from '../../../local/support/errors.ts';
import { requireTool } from '../../../local/support/prereqs.ts';

function processesMentioning(needle: string): string[] {
  return execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(needle) && !line.includes('ps -eo'));
}

describe('the local Kafka launcher when things go wrong', () => {
  it('stops what it started and shows the broker’s last log lines when the broker is not ready in time', async () => {
    const error = await KafkaCluster.start({ nodes: 1, startTimeoutMs: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceStartError);
    expect((error as ServiceStartError).message).toMatch(/did not become ready within 1 ms/);
    expect((error as ServiceStartError).message).toContain('--- last log lines ---');
    // The failed cluster's own run directory (the suite's broker runs in this process too).
    const runDir = /log: (\/\S+)\/node-1\/server\.log/.exec((error as ServiceStartError).message)![1]!;
    expect(processesMentioning(runDir)).toEqual([]);
    expect(existsSync(runDir)).toBe(false);
  });
});

describe('prerequisites', () => {
  it('names the missing tool and the version needed, before anything starts', () => {
    const env = { ...process.env, PATH: '/nonexistent' };
    expect(() => requireTool('java', env)).toThrow(PrerequisiteError);
    expect(() => requireTool('java', env)).toThrow(/`java` was not found on PATH; version 17\.0 or newer is needed/);
    expect(() => requireTool('python', env)).toThrow(/`python3` was not found on PATH; version 3\.10 or newer is needed/);
    expect(() => requireTool('java')).not.toThrow();
  });
});
