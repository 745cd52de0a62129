import { spawn, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { GetEventSourceMappingCommand, LambdaClient, ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { Admin } from '@platformatic/kafka';
import { eventually } from '../integration/esm/support.ts';

const SANDBOX = fileURLToPath(new URL('../../local/sandbox/cli.ts', import.meta.url));

/** The children of `parent` whose command line matches `pattern`, with their process groups. */
function childProcesses(parent: number, pattern: RegExp): Array<{ pid: number; group: number; args: string }> {
  const out = execFileSync('ps', ['-o', 'pid=,pgid=,args=', '--ppid', String(parent)], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((m) => m !== null && pattern.test(m[3]!))
    .map((m) => ({ pid: Number(m![1]), group: Number(m![2]), args: m![3]! }));
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Processes whose command line mentions `needle` (java brokers, moto). */
function processesMentioning(needle: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.includes(needle) && !line.includes('ps -eo'));
}

describe('npm start (the sandbox)', () => {
  it('runs the synthesized app: every consumer group makes progress on demo traffic, and Ctrl-C stops it cleanly, leaving nothing behind', async () => {
    // Its own process group, as a shell runs a foreground job: Ctrl-C in a terminal signals
    // the whole group, the sandbox's children included unless they are in groups of their own.
    const child = spawn(process.execPath, [SANDBOX, '--produce', '40', '--no-view'], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    let exitCode: number | null | undefined;
    let services: Array<{ pid: number; group: number; args: string }>;
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => {
        exitCode = code;
        resolve(code);
      }),
    );
    try {
      await eventually(
        'the sandbox is ready',
        () => {
          // Fail at once, with what the sandbox said, if it stopped before being ready.
          if (exitCode !== undefined) throw new Error(`the sandbox exited with ${exitCode} before it was ready:\n${output.slice(-4000)}`);
          return /Lambda API (http:\/\/127\.0\.0\.1:\d+)/.test(output);
        },
        180_000,
      ).catch((error: Error) => {
        throw new Error(`${error.message}\n--- sandbox output ---\n${output.slice(-4000)}`);
      });
      const lambdaEndpoint = /Lambda API (http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1]!;
      const brokers = /Kafka (127\.0\.0\.1:\d+(?:,127\.0\.0\.1:\d+)*)/.exec(output)![1]!.split(',');

      // Ctrl-C must reach the sandbox only: it stops the broker and the emulator itself, after
      // the pollers have finished and committed.
      services = childProcesses(child.pid!, /java|moto/);
      expect(services.filter((p) => p.args.includes('kafka.Kafka'))).toHaveLength(1);
      expect(services.filter((p) => p.args.includes('moto'))).toHaveLength(1);
      for (const service of services) expect(service.group).not.toBe(child.pid);

      const lambda = new LambdaClient({ endpoint: lambdaEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
      const { EventSourceMappings } = await lambda.send(new ListEventSourceMappingsCommand({}));
      const groups = EventSourceMappings!.map((m) => m.AmazonManagedKafkaEventSourceConfig?.ConsumerGroupId ?? m.SelfManagedKafkaEventSourceConfig?.ConsumerGroupId);
      expect(groups.sort()).toEqual(['analytics-service-group', 'audit-service-group', 'email-service-group', 'order-processing-group']);
      for (const m of EventSourceMappings!) expect((await lambda.send(new GetEventSourceMappingCommand({ UUID: m.UUID! }))).State).toBe('Enabled');
      lambda.destroy();

      const admin = new Admin({ clientId: 'e2e', bootstrapBrokers: brokers });
      try {
        await eventually(
          'every group committed offsets',
          async () => {
            const offsets = await admin.listConsumerGroupOffsets({ groups: groups as string[] });
            return offsets.every((g) => g.topics.some((t) => t.partitions.some((p) => p.committedOffset > 0n)));
          },
          90_000,
        );
      } finally {
        await admin.close();
      }
    } finally {
      // Ctrl-C.
      process.kill(-child.pid!, 'SIGINT');
    }
    expect(await exited).toBe(0);
    expect(output).toContain('[sandbox] stopped');
    // The pollers finished and committed with the broker and the emulator still up.
    const stopping = output.slice(output.indexOf('[sandbox] stopping'));
    expect(stopping).not.toMatch(/poller \d+: (commit failed|stream error)/);
    expect(stopping).not.toContain('could not store the watermark');
    expect(processesMentioning(`kafka-${child.pid}-`)).toEqual([]);
    expect(services.filter((p) => isRunning(p.pid))).toEqual([]);
  }, 300_000);
});
