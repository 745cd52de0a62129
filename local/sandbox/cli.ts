// npm start: the local sandbox. Synthesizes the CDK app, starts a real Kafka broker and the
// AWS emulator on loopback, creates the topics and AWS resources the app expects, runs every
// Kafka event source mapping of the synthesized template through the local runtime (with its
// Lambda API), runs scheduled functions (the lag monitor) on their schedule, optionally drives
// demo traffic, and shows a live view. Ctrl-C stops everything, leaving no process behind:
// the pollers finish and commit first; a second Ctrl-C stops without waiting for them.
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { AwsEmulator } from '../aws/index.ts';
import { KafkaCluster } from '../kafka/index.ts';
import { LocalRuntime } from '../esm/index.ts';
import { readSynthesizedApp } from '../esm/template.ts';
import { REPO_ROOT, STATE_DIR } from '../support/paths.ts';
import { freePort } from '../support/ports.ts';
import { ServerlessConsumerGroupsError } from '../../shared/errors/index.ts';
import { startDemoProducer, type DemoProducer } from './demo-producer.ts';
import { startLiveView, type LiveView } from './live-view.ts';
import { localizeFunction } from './local-environment.ts';
import { createAwsResources, createTopics } from './provision.ts';

const USAGE = `usage: npm start -- [--nodes N] [--produce RATE] [--no-synth] [--no-view] [--schedule-seconds N]
  --nodes N             Kafka nodes (default 1)
  --produce RATE        demo records per second to order-events and user-events (default 0)
  --no-synth            run the existing cdk.out instead of synthesizing
  --no-view             plain log lines instead of the live view
  --schedule-seconds N  run scheduled functions every N seconds instead of their rate`;

const { values } = parseArgs({
  args: process.argv.slice(2),
  strict: true,
  options: {
    nodes: { type: 'string', default: '1' },
    produce: { type: 'string', default: '0' },
    'no-synth': { type: 'boolean', default: false },
    'no-view': { type: 'boolean', default: false },
    'schedule-seconds': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const nodes = Number(values.nodes);
const rate = Number(values.produce);
const scheduleSeconds = values['schedule-seconds'] === undefined ? undefined : Number(values['schedule-seconds']);
for (const [flag, value, ok] of [
  ['--nodes', values.nodes, Number.isInteger(nodes) && nodes >= 1],
  ['--produce', values.produce, Number.isFinite(rate) && rate >= 0],
  ['--schedule-seconds', values['schedule-seconds'], scheduleSeconds === undefined || (Number.isFinite(scheduleSeconds) && scheduleSeconds > 0)],
] as const) {
  if (!ok) {
    console.error(`${flag} must be a positive number, got "${value}"\n${USAGE}`);
    process.exit(2);
  }
}

const log = (line: string): void => console.error(`[sandbox] ${line}`);
let kafka: KafkaCluster | undefined;
let aws: AwsEmulator | undefined;
let runtime: LocalRuntime | undefined;
let producer: DemoProducer | undefined;
let view: LiveView | undefined;
const timers: NodeJS.Timeout[] = [];
let stopping = false;

async function shutdown(code: number): Promise<void> {
  if (stopping) {
    // A second Ctrl-C: stop waiting. The exit hooks kill the brokers and the emulator.
    log('stopping now, without waiting for the pollers');
    process.exit(130);
  }
  stopping = true;
  view?.stop();
  timers.forEach(clearInterval);
  log('stopping: pollers finish their batches and commit...');
  await producer?.stop();
  await runtime?.stop().catch((error: Error) => log(`runtime: ${error.message}`));
  await Promise.allSettled([kafka?.stop(), aws?.stop()]);
  log('stopped');
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

function synth(): Promise<void> {
  return new Promise((resolve, reject) => {
    // cdk runs `node infra/app.ts` (cdk.json): this Node (24, with type stripping) must be
    // the `node` it finds, even when the sandbox was not started through npm.
    // No notices or telemetry: both would reach out to the internet, which a sandbox must not need.
    const env = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`, CDK_DISABLE_CLI_TELEMETRY: 'true' };
    const child = spawn(process.execPath, [join(REPO_ROOT, 'node_modules', 'aws-cdk', 'bin', 'cdk'), 'synth', '--quiet', '--no-notices'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`cdk synth failed (exit ${code}):\n${err.slice(-3000)}`))));
  });
}

try {
  const started = Date.now();
  log(`${values['no-synth'] ? 'using existing cdk.out' : 'synthesizing the CDK app'}; starting Kafka (${nodes} node${nodes > 1 ? 's' : ''}) and the AWS emulator`);
  // Their own process groups: Ctrl-C reaches this process only, which lets the pollers
  // finish and commit before it stops the broker and the emulator they need.
  [kafka, aws] = await Promise.all([KafkaCluster.start({ nodes, log, ownProcessGroup: true }), AwsEmulator.start({ log, ownProcessGroup: true }), values['no-synth'] ? Promise.resolve() : synth()]);
  Object.assign(process.env, aws.environment());
  const app = readSynthesizedApp(join(REPO_ROOT, 'cdk.out'), { sqsEndpoint: aws.endpoint });
  app.warnings.forEach((w) => log(`warning: ${w}`));
  await Promise.all([createTopics(kafka.brokers, app.topics), createAwsResources(app.resources)]);

  const lambdaPort = await freePort();
  const lambdaEndpoint = `http://127.0.0.1:${lambdaPort}`;
  const functions = app.functions.map((fn) => localizeFunction(fn, { bootstrapServers: kafka!.bootstrapServers, awsEnvironment: aws!.environment(), lambdaEndpoint }));
  mkdirSync(STATE_DIR, { recursive: true });
  const metricsFile = join(STATE_DIR, 'lambda-metrics.emf.jsonl');
  runtime = await LocalRuntime.start({
    functions,
    mappings: app.mappings,
    bootstrapServers: kafka.bootstrapServers,
    controlPlanePort: lambdaPort,
    log,
    // Lambda's own mapping metrics (OffsetLag, EventCount), as EMF lines in a file.
    metrics: { write: (line) => appendFileSync(metricsFile, `${line}\n`), intervalMs: 60_000 },
  });

  for (const s of app.schedules) {
    const every = (scheduleSeconds ?? s.everySeconds) * 1000;
    timers.push(
      setInterval(() => {
        runtime!.invoke(s.functionName, s.input).catch((error: Error) => log(`${s.functionName}: ${error.message}`));
      }, every),
    );
  }
  if (rate > 0) producer = startDemoProducer(kafka.brokers, rate, log);

  const header = (): string[] => [
    `serverless-consumer-groups sandbox (ready in ${((Date.now() - started) / 1000).toFixed(1)} s before this view)  —  Ctrl-C stops everything`,
    `Kafka ${kafka!.bootstrapServers}   AWS emulator ${aws!.endpoint}   Lambda API ${runtime!.endpoint}`,
    `functions: ${runtime!.functionNames.length}   mappings: ${app.mappings.length}   topics: ${app.topics.map((t) => `${t.name}(${t.partitions})`).join(' ')}${producer ? `   demo records sent: ${producer.sent()}` : ''}`,
    `try: AWS_ENDPOINT_URL_LAMBDA=${runtime!.endpoint} SCG_KAFKA_BOOTSTRAP=${kafka!.bootstrapServers} npm run groupctl -- lag`,
  ];
  log(`ready in ${Date.now() - started} ms`);
  if (values['no-view'] || !process.stdout.isTTY) header().forEach((line) => console.log(line));
  view = startLiveView(runtime, kafka.brokers, header, { tty: !values['no-view'] && process.stdout.isTTY === true });
} catch (error) {
  console.error(error instanceof ServerlessConsumerGroupsError ? `[sandbox] ${error.message}` : error);
  await shutdown(1);
}
