import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BUNDLE_NODE_OPTIONS, esbuildOptions } from '../../infra/lib/bundling.ts';
import { REPO_ROOT } from './support.ts';

/** Imports a bundle in a fresh Node (as Lambda would) and returns its exit status and output. */
function importInFreshNode(file: string): { status: number | null; output: string } {
  const script = `const m = await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(await m.handler());`;
  const child = spawnSync(process.execPath, [BUNDLE_NODE_OPTIONS, '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  return { status: child.status, output: `${child.stdout}${child.stderr}` };
}

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
});
