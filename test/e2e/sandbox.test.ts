import { spawn, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { GetEventSourceMappingCommand, LambdaClient, ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { Admin } from '@platformatic/kafka';
import { eventually } from '../integration/esm/support.ts';

const SANDBOX = fileURLToPath(new URL('../../local/sandbox/cli.ts', import.meta.url));

/** Processes whose command line mentions `needle` (java brokers, moto). */
function processesMentioning(needle: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.includes(needle) && !line.includes('ps -eo'));
}

describe('npm start (the sandbox)', () => {
  it('runs the synthesized app: every consumer group makes progress on demo traffic, and Ctrl-C leaves nothing behind', async () => {
    const child = spawn(process.execPath, [SANDBOX, '--produce', '40', '--no-view'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    let exitCode: number | null | undefined;
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
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(output).toContain('[sandbox] stopped');
    expect(processesMentioning(`kafka-${child.pid}-`)).toEqual([]);
    expect(processesMentioning(`aws-${child.pid}-`)).toEqual([]);
  }, 300_000);
});
