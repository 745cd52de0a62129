import { Producer } from '@platformatic/kafka';
import { ControlPlane } from './control-plane.ts';
import { FunctionRuntime, type LocalFunction } from './function-runtime.ts';
import { MappingRunner } from './mapping-runner.ts';
import { startMappingMetrics } from './metrics.ts';
import type { CommitEvent, InvocationEvent, MappingSpec } from './types.ts';

export interface LocalRuntimeOptions {
  /** The functions and the mappings that trigger them (from the template, or declared). */
  readonly functions: readonly LocalFunction[];
  readonly mappings: readonly MappingSpec[];
  /** The Kafka cluster every mapping reads (the local broker). */
  readonly bootstrapServers: string;
  /** Port of the Lambda API; 0 picks a free one. @default 0 */
  readonly controlPlanePort?: number;
  readonly transitionDelayMs?: number;
  readonly log?: (line: string) => void;
  /** Extra @platformatic/kafka consumer options for every poller (e.g. a partition assigner). */
  readonly consumerOptions?: Record<string, unknown>;
  /** Called after each durable commit (tests use it to prove no committed record is re-delivered). */
  readonly onCommit?: (commit: CommitEvent) => void;
  /** Called after each invocation is settled (benchmarks read latencies from it). */
  readonly onInvocation?: (invocation: InvocationEvent) => void;
  /** How pollers of one mapping split its partitions: range, roundrobin, sticky or cooperative-sticky. @default the Kafka client's */
  readonly partitionAssignmentStrategy?: string;
  /** Where Lambda-style mapping metrics (EMF lines) go, and how often. @default not emitted */
  readonly metrics?: { readonly write: (line: string) => void; readonly intervalMs?: number };
}

/**
 * Lambda's Kafka event source mapping on one machine: runs every mapping's pollers against
 * a real Kafka cluster, invokes the functions in Lambda-like execution environments, and
 * serves the Lambda API subset that drives mappings.
 *
 * @example
 * const runtime = await LocalRuntime.start({ functions, mappings, bootstrapServers: kafka.bootstrapServers });
 * process.env.AWS_ENDPOINT_URL_LAMBDA = runtime.endpoint;
 * await runtime.stop();
 */
export class LocalRuntime {
  readonly #functions: FunctionRuntime[];
  readonly #mappings: MappingRunner[];
  readonly #controlPlane: ControlPlane;
  #producer: Promise<Producer> | undefined;
  readonly #brokers: string[];
  #metrics: { stop(): Promise<void> } | undefined;

  private constructor(options: LocalRuntimeOptions) {
    const log = options.log ?? (() => undefined);
    this.#brokers = options.bootstrapServers.split(',');
    this.#functions = options.functions.map((f) => new FunctionRuntime(f));
    this.#mappings = options.mappings.map((spec) => {
      const fn = this.#functions.find((f) => f.fn.functionName === spec.functionName);
      if (!fn) throw new Error(`mapping ${spec.uuid} targets function ${spec.functionName}, which is not declared`);
      return new MappingRunner({
        spec,
        fn,
        brokers: this.#brokers,
        producer: () => this.#sharedProducer(),
        log,
        ...(options.transitionDelayMs !== undefined ? { transitionDelayMs: options.transitionDelayMs } : {}),
        ...(options.consumerOptions ? { consumerOptions: options.consumerOptions } : {}),
        ...(options.onCommit ? { onCommit: options.onCommit } : {}),
        ...(options.onInvocation ? { onInvocation: options.onInvocation } : {}),
        ...(options.partitionAssignmentStrategy ? { assignmentStrategy: options.partitionAssignmentStrategy } : {}),
      });
    });
    this.#controlPlane = new ControlPlane({ mappings: () => this.#mappings, functions: () => this.#functions });
  }

  static async start(options: LocalRuntimeOptions): Promise<LocalRuntime> {
    const runtime = new LocalRuntime(options);
    await runtime.#controlPlane.listen(options.controlPlanePort ?? 0);
    await Promise.all(runtime.#mappings.map((m) => m.start()));
    if (options.metrics) {
      runtime.#metrics = startMappingMetrics({
        brokers: runtime.#brokers,
        mappings: () => runtime.#mappings,
        functionName: (m) => m.mapping.functionName,
        intervalMs: options.metrics.intervalMs ?? 60_000,
        write: options.metrics.write,
      });
    }
    return runtime;
  }

  /** The Lambda API endpoint (`AWS_ENDPOINT_URL_LAMBDA`). */
  get endpoint(): string {
    return this.#controlPlane.endpoint;
  }

  get mappings(): readonly MappingRunner[] {
    return this.#mappings;
  }

  /** Invokes a function directly (a schedule, or `aws lambda invoke` through the control plane). */
  async invoke(functionName: string, event: unknown): Promise<unknown> {
    const fn = this.#functions.find((f) => f.fn.functionName === functionName);
    if (!fn) throw new Error(`no function ${functionName}`);
    return (await fn.invoke(event)).payload;
  }

  get functionNames(): string[] {
    return this.#functions.map((f) => f.fn.functionName);
  }

  mapping(uuid: string): MappingRunner {
    const m = this.#mappings.find((r) => r.uuid === uuid);
    if (!m) throw new Error(`no mapping ${uuid}`);
    return m;
  }

  /** Stops gracefully: every poller finishes its batch, commits and leaves its group. */
  async stop(): Promise<void> {
    await this.#metrics?.stop();
    await Promise.all(this.#mappings.map((m) => m.stop()));
    await this.#controlPlane.close();
    await Promise.all(this.#functions.map((f) => f.close()));
    if (this.#producer) await (await this.#producer).close().catch(() => undefined);
  }

  #sharedProducer(): Promise<Producer> {
    this.#producer ??= Promise.resolve(new Producer({ clientId: 'lambda-esm-destination', bootstrapBrokers: this.#brokers }));
    return this.#producer;
  }
}
