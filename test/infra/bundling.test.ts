import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BUNDLE_NODE_OPTIONS, bundleDefines, esbuildOptions } from '../../infra/lib/bundling.ts';
import type { BundleSelection } from '../../infra/lib/bundling.ts';
import { REPO_ROOT } from './support.ts';

/** Imports a bundle in a fresh Node (as Lambda would) and returns its exit status and output. */
function importInFreshNode(file: string): { status: number | null; output: string } {
  const script = `const m = await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(await m.handler());`;
  const child = spawnSync(process.execPath, [BUNDLE_NODE_OPTIONS, '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  return { status: child.status, output: `${child.stdout}${child.stderr}` };
}

const CONSUMER_ENV = {
  PATH: process.env.PATH ?? '',
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'AKIDBUNDLETEST',
  AWS_SECRET_ACCESS_KEY: 'secret',
  SCG_GROUP_ID: 'order-processing-group',
  SCG_IDEMPOTENCY_TABLE: 'idempotency',
  ORDERS_TABLE: 'orders',
};

/** Bundles the order-processing function into `dir` and lists the modules it holds. */
async function bundleConsumer(dir: string, selection: BundleSelection): Promise<{ file: string; inputs: string[] }> {
  const file = join(dir, 'index.mjs');
  const result = await build({ ...esbuildOptions(join(REPO_ROOT, 'functions/order-processing/handler.ts'), file, selection), metafile: true });
  return { file, inputs: Object.keys(result.metafile.inputs) };
}

/** Imports a consumer bundle in a fresh Node with `env`; prints `typeof handler`. */
function importConsumer(file: string, env: Record<string, string>): { status: number | null; output: string } {
  const script = `const m = await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(typeof m.handler);`;
  const child = spawnSync(process.execPath, [BUNDLE_NODE_OPTIONS, '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000, env });
  return { status: child.status, output: `${child.stdout}${child.stderr}` };
}

const SINK_MODULES = ['shared/batch/dead-letter/kafka-sink.ts', 'shared/batch/dead-letter/sqs-sink.ts', 'shared/batch/dead-letter/s3-sink.ts'];
const holds = (inputs: readonly string[], part: string): boolean => inputs.some((input) => input.includes(part));

describe('function bundling', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'scg-bundling-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // Regression: @platformatic/wasm-utils reads ../dist/native.wasm beside itself when
  // imported; bundled into /var/task/index.mjs that file is gone and the cold start fails
  // with ENOENT. The alias to its `bundled` entry makes the bundle self-contained.
  it('produces a self-contained ESM bundle of a @platformatic/kafka client (no native.wasm beside it)', async () => {
    const outfile = join(dir, 'kafka', 'index.mjs');
    await build(esbuildOptions(join(REPO_ROOT, 'test/infra/fixtures/kafka-client-entry.ts'), outfile));
    const { status, output } = importInFreshNode(outfile);
    expect(output).not.toContain('native.wasm');
    expect({ status, output }).toEqual({ status: 0, output: 'function' });
  }, 60_000);

  it('fails without the alias, which is why it exists', async () => {
    const outfile = join(dir, 'no-alias', 'index.mjs');
    await build({ ...esbuildOptions(join(REPO_ROOT, 'test/infra/fixtures/kafka-client-entry.ts'), outfile), alias: {} });
    const { status, output } = importInFreshNode(outfile);
    expect(status).not.toBe(0);
    expect(output).toContain('native.wasm');
  }, 60_000);

  it('sets one define per dead-letter sink and optional client, true only for the selected ones', () => {
    const none = { __SCG_DEAD_LETTER_KAFKA__: 'false', __SCG_DEAD_LETTER_SQS__: 'false', __SCG_DEAD_LETTER_S3__: 'false', __SCG_KAFKA_SECRET__: 'false', __SCG_OFFSET_FILES_S3__: 'false' };
    expect(bundleDefines()).toEqual(none);
    expect(bundleDefines({ deadLetterSinks: ['s3'] })).toEqual({ ...none, __SCG_DEAD_LETTER_S3__: 'true' });
    expect(bundleDefines({ kafkaSecret: true, offsetFilesS3: true })).toEqual({ ...none, __SCG_KAFKA_SECRET__: 'true', __SCG_OFFSET_FILES_S3__: 'true' });
  });

  it('leaves every dead-letter sink, the Kafka client and the SQS/S3 clients out of a consumer that declares none', async () => {
    const { inputs } = await bundleConsumer(join(dir, 'no-sink'), {});
    for (const part of [...SINK_MODULES, '@platformatic/kafka', '@aws-sdk/client-sqs', '@aws-sdk/client-s3']) expect({ part, bundled: holds(inputs, part) }).toEqual({ part, bundled: false });
    expect(holds(inputs, '@aws-sdk/client-dynamodb')).toBe(true);
  }, 60_000);

  it('bundles the declared sink only', async () => {
    const { inputs } = await bundleConsumer(join(dir, 'sqs-sink'), { deadLetterSinks: ['sqs'] });
    expect(SINK_MODULES.map((part) => holds(inputs, part))).toEqual([false, true, false]);
    expect(holds(inputs, '@platformatic/kafka')).toBe(false);
  }, 60_000);

  it('fails the cold start of a bundle without the sink SCG_DEAD_LETTER names, saying how to fix it', async () => {
    const { file } = await bundleConsumer(join(dir, 'missing-sink'), { deadLetterSinks: ['sqs'] });
    const { status, output } = importConsumer(file, { ...CONSUMER_ENV, SCG_DEAD_LETTER: 'kafka://orders-poison' });
    expect(status).not.toBe(0);
    expect(output).toContain('SCG_DEAD_LETTER names a Kafka topic dead-letter sink, but this function was bundled without it');
    expect(output).toContain("set the consumer's `deadLetter` in the declaration");
    expect(importConsumer(file, { ...CONSUMER_ENV, SCG_DEAD_LETTER: 'https://sqs.eu-west-1.amazonaws.com/111122223333/poison' })).toEqual({ status: 0, output: 'function' });
  }, 60_000);

  // The bundle sits in the system temp dir, where no node_modules can supply the credential
  // providers left external: the environment's credentials must be all a function needs.
  it('resolves AWS credentials from the environment without the credential providers left out of the bundle', async () => {
    const outfile = join(dir, 'credentials', 'index.mjs');
    const result = await build({ ...esbuildOptions(join(REPO_ROOT, 'test/infra/fixtures/dynamodb-credentials-entry.ts'), outfile), metafile: true });
    expect(holds(Object.keys(result.metafile.inputs), 'credential-provider-ini')).toBe(false);
    const script = `const m = await import(${JSON.stringify(pathToFileURL(outfile).href)}); process.stdout.write(await m.handler());`;
    const child = spawnSync(process.execPath, [BUNDLE_NODE_OPTIONS, '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000, env: CONSUMER_ENV });
    expect({ status: child.status, output: `${child.stdout}${child.stderr}` }).toEqual({ status: 0, output: 'AKIDBUNDLETEST' });
  }, 60_000);
});
