import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is local/support/paths.ts). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Downloads (Kafka jars) live outside the tracked tree and outside node_modules, so a
 * fresh clone on the same machine reuses them. `SCG_CACHE_DIR` overrides.
 */
export function cacheDir(): string {
  const base = process.env.SCG_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'serverless-consumer-groups');
  return base;
}

/** Runtime data (broker logs and log dirs) of every local run; removed on stop. */
export function runRoot(): string {
  return join(process.env.SCG_RUN_DIR ?? tmpdir(), 'scg-local');
}

/** Where `npm run kafka -- start` / `npm run aws -- start` remember detached services. */
export const STATE_DIR = join(REPO_ROOT, '.local-state');
