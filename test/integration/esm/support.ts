import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { Producer } from '@platformatic/kafka';
import type { LocalFunction } from '../../../local/esm/index.ts';
import { bootstrapServers } from '../support/kafka.ts';

export const RECORDING_HANDLER = fileURLToPath(new URL('./fixtures/recording-handler.ts', import.meta.url));

export interface SinkLine {
  key: string;
  offset: number;
  value: string | null;
  requestId: string;
  eventSource: string;
  /** When the invocation started (ms). */
  at: number;
}

/** A temp file the recording handler appends to. */
export function sinkFile(): { path: string; lines(): SinkLine[]; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'scg-sink-'));
  const path = join(dir, 'sink.jsonl');
  return {
    path,
    lines: () => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as SinkLine) : []),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function recordingFunction(name: string, environment: Record<string, string>, overrides: Partial<LocalFunction> = {}): LocalFunction {
  return {
    functionName: name,
    functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    modulePath: RECORDING_HANDLER,
    handlerName: 'handler',
    timeoutSeconds: 30,
    memoryMb: 256,
    environment,
    ...overrides,
  };
}

/** Produces `count` records `v<i>` keyed `k<i>` (round-robin over partitions by key hash). */
export async function produce(topic: string, count: number, options: { partition?: number; from?: number } = {}): Promise<void> {
  // Idempotent, so a producer retry never turns into a duplicate record that a test would count.
  const producer = new Producer({ clientId: 'esm-test-producer', bootstrapBrokers: bootstrapServers(), idempotent: true });
  const from = options.from ?? 0;
  try {
    for (let start = 0; start < count; start += 1_000) {
      const n = Math.min(1_000, count - start);
      await producer.send({
        messages: Array.from({ length: n }, (_, i) => ({
          topic,
          key: Buffer.from(`k${from + start + i}`),
          value: Buffer.from(`v${from + start + i}`),
          ...(options.partition !== undefined ? { partition: options.partition } : {}),
        })),
      });
    }
  } finally {
    await producer.close();
  }
}

/** Polls until `predicate` holds, or fails with `what` after `timeoutMs`. */
export async function eventually(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await sleep(100);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
}

const RUNTIME_CLI = fileURLToPath(new URL('../../../local/esm/cli.ts', import.meta.url));

/** Starts the local runtime as its own process (so a test can SIGKILL it); resolves once it polls. */
export function startRuntimeProcess(configPath: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [RUNTIME_CLI, '--config', configPath], { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('ready ')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`runtime exited with ${code}`)));
  });
}
