import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ServiceStartError } from '../support/errors.ts';
import { REPO_ROOT } from '../support/paths.ts';
import { runCommand as run } from '../support/processes.ts';
import { requireTool } from '../support/prereqs.ts';
import { MOTO_VERSION } from './version.ts';

/** The project-local virtualenv (`.venv/`, git-ignored). `SCG_VENV_DIR` overrides. */
export function venvDir(): string {
  return process.env.SCG_VENV_DIR ?? join(REPO_ROOT, '.venv');
}

/**
 * Creates `.venv` with the pinned `moto[server]` once; later calls return at once.
 * Returns the path of the `moto_server` executable.
 */
export async function ensureMoto(options: { log?: (line: string) => void } = {}): Promise<string> {
  const venv = venvDir();
  const server = join(venv, 'bin', 'moto_server');
  const marker = join(venv, `.moto-${MOTO_VERSION}`);
  if (existsSync(marker) && existsSync(server)) return server;
  requireTool('python');
  mkdirSync(venv, { recursive: true });
  const lock = join(venv, '.install-lock');
  while (true) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      await sleep(500);
      if (existsSync(marker)) return server;
    }
  }
  try {
    options.log?.(`installing moto[server]==${MOTO_VERSION} into ${venv} (first run only)`);
    if (!existsSync(join(venv, 'bin', 'python'))) {
      const made = await run('python3', ['-m', 'venv', venv]);
      if (made.code !== 0) throw new ServiceStartError('could not create the Python virtualenv (is the python3-venv package installed?)', made.text);
    }
    const pip = await run(join(venv, 'bin', 'python'), ['-m', 'pip', 'install', '--disable-pip-version-check', '--quiet', `moto[server]==${MOTO_VERSION}`]);
    if (pip.code !== 0 || !existsSync(server)) throw new ServiceStartError(`pip could not install moto[server]==${MOTO_VERSION}`, pip.text.split('\n').slice(-30).join('\n'));
    writeFileSync(marker, new Date().toISOString());
    return server;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
