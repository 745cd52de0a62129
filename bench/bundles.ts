// `npm run bench -- bundles [--runs N] [--only name]`: per Lambda function, the size of
// the bundle the CDK app deploys and the time a fresh Node process takes to import it
// (the module-loading part of a cold start), beside a naive bundle measured in the same
// run. Targets: <= 400 KB and <= 100 ms per function.
//
// The bundles are built with esbuild and the options of infra/lib/bundling.ts (what
// NodejsFunction uses), with the dead-letter sink each consumer's declaration names in the
// seed scenario (infra/config/scenario.ts); each import runs in a new `node` with the
// environment the function gets in Lambda, so configuration parsed at cold start is part of
// the time.
import { build } from 'esbuild';
import type { BuildOptions } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { clusterFromContext, parseDeclaration, seedScenario } from '../infra/config/index.ts';
import type { DeadLetterDeclaration } from '../infra/config/index.ts';
import { BUNDLE_EXTERNAL_MODULES, BUNDLE_NODE_OPTIONS, BUNDLE_REQUIRE_BANNER, BUNDLE_TARGET, esbuildOptions } from '../infra/lib/bundling.ts';
import type { BundleSelection } from '../infra/lib/bundling.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
// Inside the repository so a bundle that leaves packages external can resolve them.
const OUT = join(ROOT, 'node_modules', '.cache', 'scg-bench-bundles');
const MAX_BYTES = 400 * 1024;
const MAX_IMPORT_MS = 100;

const AWS_ENV = { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', AWS_LAMBDA_FUNCTION_NAME: 'bench' };
const SEED = parseDeclaration(seedScenario(clusterFromContext(() => undefined))).declaration;
// The seed's cluster (MSK with IAM auth), with the brokers the CDK app looks up at deploy time.
const CLUSTER_ENV: Record<string, string> =
  SEED.cluster.type === 'msk'
    ? { SCG_CLUSTER_ARN: SEED.cluster.clusterArn, SCG_BOOTSTRAP_SERVERS: 'b-1.demo.kafka.us-east-1.amazonaws.com:9098', SCG_KAFKA_AUTH: SEED.cluster.auth }
    : { SCG_BOOTSTRAP_SERVERS: SEED.cluster.bootstrapServers.join(','), SCG_KAFKA_AUTH: SEED.cluster.auth };
function seedDeadLetter(service: string): DeadLetterDeclaration | undefined {
  return SEED.consumers.find((c) => c.name === service)?.deadLetter;
}
/** What the construct sets SCG_DEAD_LETTER to, with made-up names for the resources it creates. */
function deadLetterVariable(service: string): Record<string, string> {
  const d = seedDeadLetter(service);
  if (d === undefined) return {};
  return { SCG_DEAD_LETTER: d.type === 'kafka' ? d.topic : d.type === 'sqs' ? 'https://sqs.us-east-1.amazonaws.com/111122223333/bench-poison' : 's3://bench-poison' };
}

const consumerEnv = (groupId: string, service: string): Record<string, string> => ({
  ...deadLetterVariable(service),
  SCG_GROUP_ID: groupId,
  SCG_IDEMPOTENCY: 'watermark',
  SCG_IDEMPOTENCY_TABLE: 'bench-idempotency',
  SCG_REPORT_BATCH_ITEM_FAILURES: 'true',
  POWERTOOLS_SERVICE_NAME: service,
  POWERTOOLS_METRICS_NAMESPACE: 'ServerlessConsumerGroups',
});

interface Target {
  readonly name: string;
  readonly entry: string;
  readonly env: Record<string, string>;
}

const TARGETS: readonly Target[] = [
  // Each with the table variable the CDK app sets for it (infra/config/scenario.ts).
  { name: 'order-processing', entry: 'functions/order-processing/handler.ts', env: { ...consumerEnv('order-processing-group', 'order-processing'), ORDERS_TABLE: 'bench-orders' } },
  { name: 'email-service', entry: 'functions/email-service/handler.ts', env: { ...consumerEnv('email-service-group', 'email-service'), SCG_IDEMPOTENCY: 'key', EMAIL_OUTBOX_TABLE: 'bench-outbox' } },
  { name: 'analytics-service', entry: 'functions/analytics-service/handler.ts', env: { ...consumerEnv('analytics-service-group', 'analytics-service'), ANALYTICS_TABLE: 'bench-analytics' } },
  { name: 'audit-service', entry: 'functions/audit-service/handler.ts', env: { ...consumerEnv('audit-service-group', 'audit-service'), AUDIT_TABLE: 'bench-audit' } },
  {
    name: 'lag-monitor',
    entry: 'functions/lag-monitor/handler.ts',
    env: { ...CLUSTER_ENV, SCG_LAG_STATE_TABLE: 'bench-lag-state', SCG_GROUPS_INCLUDE: 'order-processing-group', SCG_AUTOSCALING: '{}', SCG_PER_PARTITION_METRICS: 'false' },
  },
  { name: 'offset-reset', entry: 'functions/offset-reset/handler.ts', env: { ...CLUSTER_ENV, SCG_AUDIT_TABLE: 'bench-audit' } },
  // Not a function: what a consumer composed from shared/ costs, shown while consumer
  // handlers are still placeholders.
  { name: 'representative-consumer (fixture)', entry: 'bench/fixtures/representative-consumer.ts', env: consumerEnv('bench-group', 'bench') },
];

/** What the CDK app deploys (infra/constructs/bundled-function.ts uses the same constants). */
function deployedOptions(target: Target, outfile: string): BuildOptions {
  const deadLetter = seedDeadLetter(target.name);
  // As the constructs select them for the seed declaration (lag-monitor.ts, offset-reset.ts).
  const selection: BundleSelection = {
    deadLetterSinks: deadLetter === undefined ? [] : [deadLetter.type],
    kafkaSecret: SEED.cluster.secretArn !== undefined,
    offsetFilesS3: target.name === 'offset-reset' && SEED.offsetReset.offsetFiles !== undefined,
  };
  return esbuildOptions(join(ROOT, target.entry), outfile, selection);
}

/** The naive baseline: whole packages, CommonJS builds first, not minified. */
function naiveOptions(outfile: string): BuildOptions {
  return {
    entryPoints: [join(ROOT, 'bench/fixtures/naive-handler.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: BUNDLE_TARGET,
    minify: false,
    mainFields: ['main', 'module'],
    banner: { js: BUNDLE_REQUIRE_BANNER },
    logLevel: 'error',
  };
}

interface Measure {
  readonly bytes: number;
  readonly medianMs: number | undefined;
  readonly error?: string;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Imports `file` in `runs` fresh Node processes; the child times its own `import()`. */
function importTimes(file: string, env: Record<string, string>, runs: number, nodeOptions: string): { medianMs?: number; error?: string } {
  const script = `const t0 = performance.now(); const m = await import(${JSON.stringify(pathToFileURL(file).href)}); const ms = performance.now() - t0; if (typeof m.handler !== 'function') throw new Error('no handler export'); process.stdout.write(String(ms));`;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const child = spawnSync(process.execPath, [...(nodeOptions === '' ? [] : nodeOptions.split(' ')), '--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH ?? '', ...AWS_ENV, ...env },
      encoding: 'utf8',
      timeout: 30_000,
    });
    if (child.status !== 0) return { error: (child.stderr || child.stdout || `exit ${child.status}`).trim().split('\n').slice(0, 3).join(' | ') };
    times.push(Number(child.stdout));
  }
  return { medianMs: median(times) };
}

async function measure(options: BuildOptions, env: Record<string, string>, runs: number, nodeOptions: string): Promise<Measure> {
  await build(options);
  const file = options.outfile!;
  const { medianMs, error } = importTimes(file, env, runs, nodeOptions);
  return { bytes: statSync(file).size, medianMs, ...(error === undefined ? {} : { error }) };
}

const slug = (name: string): string => name.replace(/[^a-z0-9-]+/g, '-');
const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
const ms = (value: number | undefined): string => (value === undefined ? 'n/a' : `${value.toFixed(1)} ms`);

function isPlaceholder(entry: string): boolean {
  const first = readFileSync(join(ROOT, entry), 'utf8').split('\n', 1)[0] ?? '';
  return first.includes('PLACEHOLDER (infra)');
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, strict: true, options: { runs: { type: 'string', default: '7' }, only: { type: 'string' } } });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got ${values.runs}`);
  const targets = TARGETS.filter((t) => values.only === undefined || t.name === values.only);
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });

  console.log(`node ${process.version}, esbuild target ${BUNDLE_TARGET}, ${runs} fresh processes per import (median), NODE_OPTIONS as deployed: "${BUNDLE_NODE_OPTIONS}"`);
  const naive = await measure(naiveOptions(join(OUT, 'naive', 'index.mjs')), { ...CLUSTER_ENV }, runs, '');
  console.log(`baseline (naive: kafkajs + whole @aws-sdk/client-{dynamodb,lambda,cloudwatch}, unminified): ${kb(naive.bytes)}, import ${ms(naive.medianMs)}${naive.error ? ` (error: ${naive.error})` : ''}`);
  console.log('');
  const header = ['function', 'bundle', 'import', 'SDK external*', 'vs naive size', 'vs naive import', 'result'];
  const rows: string[][] = [header];
  for (const t of targets) {
    const placeholder = isPlaceholder(t.entry);
    const ours = await measure(deployedOptions(t, join(OUT, slug(t.name), 'index.mjs')), t.env, runs, BUNDLE_NODE_OPTIONS);
    const sdkExternal = await measure(
      { ...deployedOptions(t, join(OUT, `${slug(t.name)}-sdk-external`, 'index.mjs')), external: [...BUNDLE_EXTERNAL_MODULES, '@aws-sdk/*'] },
      t.env,
      runs,
      BUNDLE_NODE_OPTIONS,
    );
    const pass = ours.error === undefined && ours.bytes <= MAX_BYTES && ours.medianMs !== undefined && ours.medianMs <= MAX_IMPORT_MS;
    const reasons = [
      ...(ours.bytes > MAX_BYTES ? [`size > ${MAX_BYTES / 1024} KB`] : []),
      ...(ours.medianMs !== undefined && ours.medianMs > MAX_IMPORT_MS ? [`import > ${MAX_IMPORT_MS} ms`] : []),
      ...(ours.error === undefined ? [] : [`import failed: ${ours.error}`]),
    ];
    rows.push([
      `${t.name}${placeholder ? ' (PLACEHOLDER handler)' : ''}`,
      kb(ours.bytes),
      ms(ours.medianMs),
      `${kb(sdkExternal.bytes)} / ${ms(sdkExternal.medianMs)}`,
      `${((ours.bytes / naive.bytes) * 100).toFixed(0)}%`,
      naive.medianMs === undefined || ours.medianMs === undefined ? 'n/a' : `${((ours.medianMs / naive.medianMs) * 100).toFixed(0)}%`,
      pass ? 'PASS' : `FAIL (${reasons.join('; ')})`,
    ]);
  }
  const widths = header.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) console.log(r.map((cell, i) => cell.padEnd(widths[i]!)).join('  '));
  console.log('');
  console.log(`targets: bundle <= ${MAX_BYTES / 1024} KB and import <= ${MAX_IMPORT_MS} ms. *SDK external: the same bundle with @aws-sdk/* left to the runtime (here resolved from node_modules), shown to justify bundling the SDK.`);
  if (targets.some((t) => isPlaceholder(t.entry))) console.log('note: PLACEHOLDER handlers are stubs written by infra so synth works; their figures say nothing about the real handler.');
}
