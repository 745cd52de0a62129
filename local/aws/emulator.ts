import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ServiceStartError } from '../support/errors.ts';
import { runRoot } from '../support/paths.ts';
import { freePort } from '../support/ports.ts';
import { isAlive, tail, terminate, waitFor } from '../support/processes.ts';
import { ensureMoto } from './venv.ts';

export interface AwsEmulatorOptions {
  /** How long moto may take to answer. @default 60000 */
  readonly startTimeoutMs?: number;
  /** Keep running after this process exits (`npm run aws -- start`). @default false */
  readonly detached?: boolean;
  /** Start moto in its own process group, out of reach of a terminal's Ctrl-C (see `KafkaClusterOptions.ownProcessGroup`). @default false */
  readonly ownProcessGroup?: boolean;
  readonly log?: (line: string) => void;
}

export interface AwsEmulatorState {
  pid: number | undefined;
  port: number;
  logFile: string;
  runDir: string;
  detached: boolean;
}

/** Credentials and region the emulator accepts; any non-empty values work with moto. */
export const EMULATOR_CREDENTIALS = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
} as const;

/**
 * The AWS emulator (`moto[server]`) on a free loopback port. Every AWS SDK v3 client
 * honours `AWS_ENDPOINT_URL`, so `emulator.environment()` is all a process needs.
 *
 * @example
 * const aws = await AwsEmulator.start();
 * Object.assign(process.env, aws.environment());
 * await aws.stop();
 */
export class AwsEmulator {
  readonly #state: AwsEmulatorState;
  #exitHook: (() => void) | undefined;

  private constructor(state: AwsEmulatorState) {
    this.#state = state;
  }

  static async start(options: AwsEmulatorOptions = {}): Promise<AwsEmulator> {
    const server = await ensureMoto(options.log ? { log: options.log } : {});
    const timeoutMs = options.startTimeoutMs ?? 60_000;
    for (let attempt = 1; ; attempt++) {
      const runDir = join(runRoot(), `aws-${process.pid}-${randomBytes(3).toString('hex')}`);
      mkdirSync(runDir, { recursive: true });
      const port = await freePort();
      const logFile = join(runDir, 'moto.log');
      const out = openSync(logFile, 'a');
      const detached = options.detached ?? false;
      const child = spawn(server, ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', out, out], detached: detached || (options.ownProcessGroup ?? false) });
      closeSync(out);
      if (detached) child.unref();
      const emulator = new AwsEmulator({ pid: child.pid, port, logFile, runDir, detached });
      if (!detached) {
        emulator.#exitHook = () => {
          if (child.pid !== undefined) try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ }
        };
        process.on('exit', emulator.#exitHook);
      }
      const ready = await waitFor(async () => {
        if (child.pid === undefined || !isAlive(child.pid)) throw new Error('exited');
        return (await fetch(`${emulator.endpoint}/moto-api/`)).ok;
      }, timeoutMs, 200).catch(() => false);
      if (ready) return emulator;
      const logTail = tail(logFile);
      await emulator.stop();
      if (attempt < 3 && /Address already in use/i.test(logTail)) continue;
      throw new ServiceStartError(`the AWS emulator (moto) did not become ready within ${timeoutMs} ms`, logTail);
    }
  }

  static attach(state: AwsEmulatorState): AwsEmulator {
    return new AwsEmulator(structuredClone(state));
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.#state.port}`;
  }

  get state(): AwsEmulatorState {
    return structuredClone(this.#state);
  }

  isRunning(): boolean {
    return this.#state.pid !== undefined && isAlive(this.#state.pid);
  }

  /** Environment variables that point every AWS SDK client at the emulator. */
  environment(): Record<string, string> {
    return { AWS_ENDPOINT_URL: this.endpoint, ...EMULATOR_CREDENTIALS };
  }

  /** Forget every resource (moto's reset API): a clean slate between test files. */
  async reset(): Promise<void> {
    await fetch(`${this.endpoint}/moto-api/reset`, { method: 'POST' });
  }

  async stop(): Promise<void> {
    if (this.#state.pid !== undefined) await terminate(this.#state.pid, { graceMs: 5_000 });
    this.#state.pid = undefined;
    rmSync(this.#state.runDir, { recursive: true, force: true });
    if (this.#exitHook) process.off('exit', this.#exitHook);
  }
}
