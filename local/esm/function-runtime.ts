import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { FunctionInvokeError, FunctionTimeoutError } from './errors.ts';

/** A function as the template describes it (bundle/handler/env/timeout/memory). */
export interface LocalFunction {
  readonly functionName: string;
  readonly functionArn: string;
  /** Absolute path of the module that exports the handler (bundle `index.mjs` or a `.ts` source). */
  readonly modulePath: string;
  /** Export name, e.g. `handler`. */
  readonly handlerName: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly environment: Readonly<Record<string, string>>;
}

export interface InvokeResult {
  readonly requestId: string;
  readonly durationMs: number;
  /** What the handler returned (JSON-serializable). */
  readonly payload: unknown;
}

interface Environment {
  worker: Worker;
  busy: boolean;
  ready: Promise<void>;
}

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

/**
 * Runs one function like Lambda does: each concurrent invocation gets its own execution
 * environment (a worker thread with the function's environment variables), environments
 * are reused while warm, and one that times out is discarded (the next invocation is a
 * cold start).
 */
export class FunctionRuntime {
  readonly fn: LocalFunction;
  readonly #idle: Environment[] = [];
  readonly #all = new Set<Environment>();
  #closed = false;

  constructor(fn: LocalFunction) {
    this.fn = fn;
  }

  /** Invokes the handler; rejects with `FunctionInvokeError` / `FunctionTimeoutError`. */
  async invoke(event: unknown, options: { requestId?: string } = {}): Promise<InvokeResult> {
    if (this.#closed) throw new FunctionInvokeError(this.fn.functionName, 'Runtime.Closed', 'the runtime is shutting down');
    const env = this.#idle.pop() ?? this.#spawn();
    env.busy = true;
    const requestId = options.requestId ?? randomUUID();
    const timeoutMs = this.fn.timeoutSeconds * 1000;
    const started = Date.now();
    try {
      await env.ready;
      const deadlineMs = Date.now() + timeoutMs;
      const outcome = await new Promise<{ ok: boolean; result?: unknown; error?: { errorType: string; errorMessage: string } }>((resolve, reject) => {
        const timer = setTimeout(() => {
          cleanup();
          // Lambda discards a timed-out sandbox; so do we.
          this.#discard(env);
          reject(new FunctionTimeoutError(this.fn.functionName, timeoutMs));
        }, timeoutMs);
        const onMessage = (message: { requestId?: string; ok: boolean; result?: unknown; error?: { errorType: string; errorMessage: string } }): void => {
          if (message.requestId !== requestId) return;
          cleanup();
          resolve(message);
        };
        const onExit = (code: number): void => {
          cleanup();
          this.#discard(env);
          reject(new FunctionInvokeError(this.fn.functionName, 'Runtime.ExitError', `the execution environment exited with code ${code}`));
        };
        const cleanup = (): void => {
          clearTimeout(timer);
          env.worker.off('message', onMessage);
          env.worker.off('exit', onExit);
        };
        env.worker.on('message', onMessage);
        env.worker.on('exit', onExit);
        env.worker.postMessage({ requestId, event, deadlineMs });
      });
      if (!outcome.ok) throw new FunctionInvokeError(this.fn.functionName, outcome.error?.errorType ?? 'Error', outcome.error?.errorMessage ?? 'unknown error');
      return { requestId, durationMs: Date.now() - started, payload: outcome.result ?? null };
    } finally {
      env.busy = false;
      if (this.#all.has(env) && !this.#closed) this.#idle.push(env);
    }
  }

  /** Stops every execution environment. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#all].map((env) => env.worker.terminate()));
    this.#all.clear();
    this.#idle.length = 0;
  }

  #spawn(): Environment {
    const worker = new Worker(WORKER, {
      workerData: { modulePath: this.fn.modulePath, handlerName: this.fn.handlerName, functionName: this.fn.functionName, functionArn: this.fn.functionArn, memoryMb: this.fn.memoryMb },
      // Lambda sets these for every function; the function's own variables win.
      env: {
        ...process.env,
        AWS_LAMBDA_FUNCTION_NAME: this.fn.functionName,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(this.fn.memoryMb),
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
        AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
        ...this.fn.environment,
      },
      resourceLimits: { maxOldGenerationSizeMb: Math.max(64, this.fn.memoryMb) },
    });
    const ready = new Promise<void>((resolve, reject) => {
      const onMessage = (m: { ready?: boolean }): void => {
        if (m.ready) {
          worker.off('message', onMessage);
          resolve();
        }
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
    // An unhandled error inside the function module must not crash the runtime.
    worker.on('error', () => this.#discard(env));
    const env: Environment = { worker, busy: false, ready };
    this.#all.add(env);
    return env;
  }

  #discard(env: Environment): void {
    this.#all.delete(env);
    const i = this.#idle.indexOf(env);
    if (i >= 0) this.#idle.splice(i, 1);
    void env.worker.terminate();
  }
}
