import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { STATE_DIR } from './paths.ts';

/** Remembers a detached service between CLI invocations (`.local-state/<name>.json`). */
export const stateFile = {
  read<T>(name: string): T | undefined {
    const path = join(STATE_DIR, `${name}.json`);
    return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : undefined;
  },
  write(name: string, value: unknown): void {
    mkdirSync(STATE_DIR, { recursive: true });
    writeFileSync(join(STATE_DIR, `${name}.json`), `${JSON.stringify(value, null, 2)}\n`);
  },
  remove(name: string): void {
    rmSync(join(STATE_DIR, `${name}.json`), { force: true });
  },
};
