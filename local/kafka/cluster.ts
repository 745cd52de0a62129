import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Admin } from '@platformatic/kafka';
import { LocalStackError, ServiceStartError } from '../support/errors.ts';
import { runRoot } from '../support/paths.ts';
import { freePorts } from '../support/ports.ts';
import { isAlive, tail, terminate, waitFor } from '../support/processes.ts';
import { type KafkaListenerSpec, type KafkaNodeSpec, serverProperties } from './config.ts';
import { type KafkaDistribution, resolveKafkaDistribution } from './jars.ts';

/** A listener every node gets besides the default one, on a port of its own. */
export interface KafkaExtraListener {
  /** Listener name: upper-case letters, digits and `_`, not PLAINTEXT or CONTROLLER. */
  readonly name: string;
  /**
   * The port advertised for node `nodeId` on this listener, e.g. the port of a proxy in
   * front of it, so that clients bootstrapping through the proxy stay behind it.
   * @default the port the listener binds
   */
  readonly advertisedPort?: (nodeId: number) => number;
  /**
   * SASL_PLAINTEXT with SCRAM-SHA-512 (users from `scramUsers`) instead of PLAINTEXT;
   * `maxReauthMs` makes the broker announce that session lifetime (KIP-368).
   * @default PLAINTEXT
   */
  readonly scram?: { readonly maxReauthMs?: number };
}

export interface KafkaClusterOptions {
  /** Number of combined broker+controller nodes. @default 1 */
  readonly nodes?: number;
  /** How long the cluster may take to serve metadata and accept a topic. @default 120000 */
  readonly startTimeoutMs?: number;
  /** Max heap per node in MB. @default 512 */
  readonly heapMb?: number;
  /** Keep the JVMs running after this process exits (the `npm run kafka -- start` CLI). @default false */
  readonly detached?: boolean;
  /**
   * Start the JVMs in their own process group. A terminal's Ctrl-C signals its whole
   * foreground group: without this the brokers stop at the same instant as this process,
   * before it can finish what needs them (the sandbox's pollers commit on the way out).
   * With it, this process must stop them (`stop()`, or its exit hook). @default false
   */
  readonly ownProcessGroup?: boolean;
  /** Progress lines (jar resolution, start). */
  readonly log?: (line: string) => void;
  /**
   * More PLAINTEXT listeners on every node (the default listener, `brokers`, is unchanged).
   * @default none
   * @example
   * const kafka = await KafkaCluster.start({ extraListeners: [{ name: 'DELAYED', advertisedPort: (id) => proxyPorts[id - 1]! }] });
   * const [{ port }] = kafka.listenerPorts('DELAYED'); // what the proxy forwards to
   */
  readonly extraListeners?: readonly KafkaExtraListener[];
  /**
   * SCRAM-SHA-512 credentials stored when the storage is formatted, for `scram` listeners.
   * Names and passwords: letters, digits, `.`, `_` and `-`.
   * @default none
   * @example
   * const kafka = await KafkaCluster.start({ extraListeners: [{ name: 'SCRAM', scram: {} }], scramUsers: [{ name: 'alice', password: 'alice-secret' }] });
   */
  readonly scramUsers?: ReadonlyArray<{ readonly name: string; readonly password: string }>;
  /**
   * server.properties entries set on every node, over the defaults (`config.ts`).
   * @default none
   * @example
   * // A killed node keeps its partitions (and the groups it coordinates) for a minute.
   * const kafka = await KafkaCluster.start({ nodes: 3, brokerProperties: { 'broker.session.timeout.ms': '60000' } });
   */
  readonly brokerProperties?: Readonly<Record<string, string>>;
}

export interface KafkaNodeState extends KafkaNodeSpec {
  pid: number | undefined;
  logFile: string;
}

/** What `npm run kafka -- start` writes so that `stop` and `status` find the cluster. */
export interface KafkaClusterState {
  runDir: string;
  clusterId: string;
  detached: boolean;
  nodes: KafkaNodeState[];
  classpath: string;
  log4jConfig: string;
  heapMb: number;
  scramUsers?: Array<{ name: string; password: string }>;
  ownProcessGroup?: boolean;
  brokerProperties?: Record<string, string>;
}

const OWNER_FILE = 'owner.json';

/**
 * A real Apache Kafka cluster in KRaft mode on loopback, from Maven Central jars.
 *
 * @example
 * const kafka = await KafkaCluster.start({ nodes: 3 });
 * console.log(kafka.bootstrapServers); // 127.0.0.1:40123,127.0.0.1:40125,...
 * await kafka.killNode(2);
 * await kafka.restartNode(2);
 * await kafka.stop();
 */
export class KafkaCluster {
  readonly #state: KafkaClusterState;
  readonly #children = new Map<number, ChildProcess>();
  #exitHook: (() => void) | undefined;

  private constructor(state: KafkaClusterState) {
    this.#state = state;
  }

  /** Resolves the jars if needed, formats storage, starts the nodes, waits until ready. */
  static async start(options: KafkaClusterOptions = {}): Promise<KafkaCluster> {
    const count = options.nodes ?? 1;
    if (!Number.isInteger(count) || count < 1 || count > 9) {
      throw new LocalStackError(`nodes must be an integer from 1 to 9, got ${String(count)}`, { code: 'LOCAL_BAD_OPTION' });
    }
    checkExtraListeners(options.extraListeners ?? [], options.scramUsers ?? []);
    checkBrokerProperties(options.brokerProperties ?? {});
    const dist = await resolveKafkaDistribution(options.log ? { log: options.log } : {});
    sweepStaleRuns(options.log);
    let lastError: unknown;
    // A port can be taken between choosing it and binding it: retry with fresh ports.
    for (let attempt = 1; attempt <= 3; attempt++) {
      const cluster = new KafkaCluster(await newState(dist, count, options));
      try {
        await cluster.#startAll(options.startTimeoutMs ?? 120_000);
        return cluster;
      } catch (error) {
        lastError = error;
        await cluster.stop();
        const portClash = error instanceof ServiceStartError && /Address already in use/.test(error.logTail);
        if (!portClash) throw error;
        options.log?.(`a port was taken while starting; retrying with new ports (attempt ${attempt + 1})`);
      }
    }
    throw lastError;
  }

  /** Re-attaches to a cluster started elsewhere (detached), e.g. for `npm run kafka -- stop`. */
  static attach(state: KafkaClusterState): KafkaCluster {
    return new KafkaCluster(structuredClone(state));
  }

  /** `host:port,host:port`, the format Lambda's `bootstrapServers` uses. */
  get bootstrapServers(): string {
    return this.brokers.join(',');
  }

  get brokers(): string[] {
    return this.#state.nodes.map((n) => `127.0.0.1:${n.brokerPort}`);
  }

  /**
   * Per node, the port an extra listener binds and the port it advertises.
   * @example
   * kafka.listenerPorts('DELAYED'); // [{ nodeId: 1, port: 40127, advertisedPort: 40200 }]
   */
  listenerPorts(name: string): Array<{ nodeId: number; port: number; advertisedPort: number }> {
    const ports = this.#state.nodes.flatMap((n) => (n.extraListeners ?? []).filter((l) => l.name === name).map((l) => ({ nodeId: n.id, port: l.port, advertisedPort: l.advertisedPort })));
    if (ports.length === 0) throw new LocalStackError(`no listener named ${name}; the cluster was started without it in extraListeners`, { code: 'LOCAL_BAD_OPTION' });
    return ports;
  }

  get nodeIds(): number[] {
    return this.#state.nodes.map((n) => n.id);
  }

  get state(): KafkaClusterState {
    return structuredClone(this.#state);
  }

  /** Whether every node's process is alive. */
  isRunning(): boolean {
    return this.#state.nodes.every((n) => n.pid !== undefined && isAlive(n.pid));
  }

  /** SIGTERM every node (then SIGKILL after a grace period) and remove the data. */
  async stop(): Promise<void> {
    await Promise.all(this.#state.nodes.map((n) => this.#stopNode(n, 15_000)));
    rmSync(this.#state.runDir, { recursive: true, force: true });
    if (this.#exitHook) process.off('exit', this.#exitHook);
  }

  /** SIGKILL one node, as a crash would. */
  async killNode(id: number): Promise<void> {
    await this.#stopNode(this.#node(id), 0);
  }

  /** Stop one node gracefully (controlled shutdown). */
  async stopNode(id: number): Promise<void> {
    await this.#stopNode(this.#node(id), 15_000);
  }

  /** Start a stopped or killed node on its old ports and data; wait until it is back in the cluster. */
  async restartNode(id: number, timeoutMs = 90_000): Promise<void> {
    const node = this.#node(id);
    if (node.pid !== undefined && isAlive(node.pid)) {
      throw new LocalStackError(`node ${id} is still running`, { code: 'LOCAL_BAD_OPTION' });
    }
    const logOffset = existsSync(node.logFile) ? statSync(node.logFile).size : 0;
    this.#spawn(node);
    // The controller may still list the old incarnation as registered (until its session
    // times out), so ask the restarted node itself, after it logged its own start.
    const back = await waitFor(
      async () => readFileSync(node.logFile, 'utf8').slice(logOffset).includes('Kafka Server started') && (await this.#brokerIds([`127.0.0.1:${node.brokerPort}`])).includes(id),
      timeoutMs,
      500,
    );
    if (!back) throw new ServiceStartError(`Kafka node ${id} did not rejoin within ${timeoutMs} ms`, tail(node.logFile));
  }

  #node(id: number): KafkaNodeState {
    const node = this.#state.nodes.find((n) => n.id === id);
    if (!node) throw new LocalStackError(`no Kafka node ${id}; nodes are ${this.nodeIds.join(', ')}`, { code: 'LOCAL_BAD_OPTION' });
    return node;
  }

  async #startAll(timeoutMs: number): Promise<void> {
    const { runDir, clusterId, nodes, classpath, log4jConfig, scramUsers = [] } = this.#state;
    // KRaft keeps SCRAM credentials in the metadata log: they are added when formatting.
    const scram = scramUsers.flatMap((u) => ['--add-scram', `SCRAM-SHA-512=[name=${u.name},password=${u.password}]`]);
    mkdirSync(runDir, { recursive: true });
    this.#writeOwner();
    for (const node of nodes) {
      mkdirSync(node.dir, { recursive: true });
      writeFileSync(join(node.dir, 'server.properties'), serverProperties(node, nodes, this.#state.brokerProperties));
      const format = spawnSync(
        'java',
        [`-Dlog4j2.configurationFile=${log4jConfig}`, '-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', join(node.dir, 'server.properties'), ...scram],
        { encoding: 'utf8' },
      );
      if (format.status !== 0) {
        throw new ServiceStartError(`formatting storage of Kafka node ${node.id} failed`, `${format.stdout}\n${format.stderr}`.trim());
      }
    }
    for (const node of nodes) this.#spawn(node);
    if (!this.#state.detached) {
      // If the owning process dies without stop() (an uncaught error), take the JVMs down with it.
      this.#exitHook = () => {
        for (const n of this.#state.nodes) if (n.pid !== undefined) try { process.kill(n.pid, 'SIGKILL'); } catch { /* gone */ }
      };
      process.on('exit', this.#exitHook);
    }
    const ready = await waitFor(() => this.#ready(), timeoutMs, 300);
    if (!ready) {
      const dead = nodes.find((n) => n.pid === undefined || !isAlive(n.pid)) ?? nodes[0]!;
      // Stop the JVMs first, so their last lines (shutdown included) are in the log we show.
      await Promise.all(nodes.map((n) => this.#stopNode(n, 5_000)));
      throw new ServiceStartError(`Kafka did not become ready within ${timeoutMs} ms (${nodes.length} node(s), log: ${dead.logFile})`, tail(dead.logFile) || '(the broker wrote nothing before it was stopped)');
    }
  }

  #spawn(node: KafkaNodeState): void {
    const { classpath, log4jConfig, heapMb, detached, ownProcessGroup = false } = this.#state;
    const out = openSync(node.logFile, 'a');
    const child = spawn(
      'java',
      [
        `-Xms128m`,
        `-Xmx${heapMb}m`,
        '-XX:+UseG1GC',
        '-Djava.awt.headless=true',
        `-Dlog4j2.configurationFile=${log4jConfig}`,
        `-Dkafka.logs.dir=${node.dir}`,
        '-cp',
        classpath,
        'kafka.Kafka',
        join(node.dir, 'server.properties'),
      ],
      // `detached` makes the child a process group leader; only a detached cluster is unref'd.
      { stdio: ['ignore', out, out], detached: detached || ownProcessGroup },
    );
    closeSync(out);
    if (detached) child.unref();
    node.pid = child.pid;
    if (child.pid !== undefined) this.#children.set(node.id, child);
    this.#writeOwner();
  }

  async #stopNode(node: KafkaNodeState, graceMs: number): Promise<void> {
    if (node.pid === undefined) return;
    await terminate(node.pid, { graceMs });
    this.#children.delete(node.id);
    node.pid = undefined;
  }

  async #ready(): Promise<boolean> {
    if (this.#state.nodes.some((n) => n.pid === undefined || !isAlive(n.pid))) {
      throw new ServiceStartError('a Kafka node exited during start', tail(this.#state.nodes.find((n) => n.pid === undefined || !isAlive(n.pid))!.logFile));
    }
    const ids = await this.#brokerIds();
    if (ids.length < this.#state.nodes.length) return false;
    // Metadata alone is not enough: a topic must actually be creatable with full replication.
    const admin = this.#admin();
    const probe = `__scg_ready_${randomBytes(4).toString('hex')}`;
    try {
      await admin.createTopics({ topics: [probe], partitions: 1, replicas: Math.min(3, this.#state.nodes.length) });
      await admin.deleteTopics({ topics: [probe] });
      return true;
    } finally {
      await admin.close();
    }
  }

  async #brokerIds(brokers: string[] = this.brokers): Promise<number[]> {
    const admin = this.#admin(brokers);
    try {
      const metadata = await admin.metadata({ topics: [], forceUpdate: true });
      return [...metadata.brokers.keys()];
    } catch {
      return [];
    } finally {
      await admin.close().catch(() => undefined);
    }
  }

  #admin(brokers: string[] = this.brokers): Admin {
    return new Admin({ clientId: 'scg-local-readiness', bootstrapBrokers: brokers, retries: 0, timeout: 5_000, connectTimeout: 2_000 });
  }

  #writeOwner(): void {
    writeFileSync(
      join(this.#state.runDir, OWNER_FILE),
      JSON.stringify({ ownerPid: process.pid, detached: this.#state.detached, pids: this.#state.nodes.map((n) => n.pid).filter((p) => p !== undefined) }),
    );
  }
}

async function newState(dist: KafkaDistribution, count: number, options: KafkaClusterOptions): Promise<KafkaClusterState> {
  const extra = options.extraListeners ?? [];
  const ports = await freePorts(count * (2 + extra.length));
  const runDir = join(runRoot(), `kafka-${process.pid}-${randomBytes(3).toString('hex')}`);
  const nodes = Array.from({ length: count }, (_, i): KafkaNodeState => {
    const dir = join(runDir, `node-${i + 1}`);
    const node: KafkaNodeState = { id: i + 1, brokerPort: ports[2 * i]!, controllerPort: ports[2 * i + 1]!, dir, pid: undefined, logFile: join(dir, 'server.log') };
    if (extra.length > 0) {
      // Extra ports come after every node's default pair, so the default layout is unchanged.
      node.extraListeners = extra.map((l, j): KafkaListenerSpec => {
        const port = ports[2 * count + i * extra.length + j]!;
        return { name: l.name, port, advertisedPort: l.advertisedPort?.(i + 1) ?? port, ...(l.scram ? { scram: { ...l.scram } } : {}) };
      });
    }
    return node;
  });
  return {
    runDir,
    clusterId: newClusterId(),
    detached: options.detached ?? false,
    nodes,
    classpath: dist.classpath,
    log4jConfig: dist.log4jConfig,
    heapMb: options.heapMb ?? 512,
    ...(options.ownProcessGroup ? { ownProcessGroup: true } : {}),
    ...(options.brokerProperties ? { brokerProperties: { ...options.brokerProperties } } : {}),
    ...(options.scramUsers?.length ? { scramUsers: options.scramUsers.map((u) => ({ name: u.name, password: u.password })) } : {}),
  };
}

/** One `key=value` line each: property names as Kafka spells them, values without line breaks. */
function checkBrokerProperties(properties: Readonly<Record<string, string>>): void {
  for (const [key, value] of Object.entries(properties)) {
    if (!/^[a-z][a-z0-9._-]*$/.test(key)) {
      throw new LocalStackError(`brokerProperties: "${key}" is not a Kafka property name (lower-case letters, digits, ".", "_" and "-")`, { code: 'LOCAL_BAD_OPTION' });
    }
    if (typeof value !== 'string' || /[\r\n]/.test(value)) {
      throw new LocalStackError(`brokerProperties.${key}: expected a string on one line, got ${JSON.stringify(value)}`, { code: 'LOCAL_BAD_OPTION' });
    }
  }
}

function checkExtraListeners(listeners: readonly KafkaExtraListener[], scramUsers: NonNullable<KafkaClusterOptions['scramUsers']>): void {
  // The storage tool parses `[name=...,password=...]` itself: keep both plain.
  for (const { name, password } of scramUsers) {
    if (!/^[\w.-]+$/.test(name) || !/^[\w.-]+$/.test(password)) {
      throw new LocalStackError(`scramUsers: "${name}" must have a name and password of letters, digits, '.', '_' and '-'`, { code: 'LOCAL_BAD_OPTION' });
    }
  }
  const seen = new Set<string>();
  for (const { name } of listeners) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(name) || name === 'PLAINTEXT' || name === 'CONTROLLER' || seen.has(name)) {
      throw new LocalStackError(`extraListeners: "${name}" must be a distinct upper-case listener name other than PLAINTEXT and CONTROLLER`, { code: 'LOCAL_BAD_OPTION' });
    }
    seen.add(name);
  }
}

/**
 * Removes data left by runs that were killed before they could clean up, so a new run
 * never reuses old log dirs silently. JVMs still running for a dead, non-detached owner
 * are leftovers too and are killed.
 */
function sweepStaleRuns(log?: (line: string) => void): void {
  const root = runRoot();
  if (!existsSync(root)) return;
  for (const entry of readdirSync(root)) {
    if (!entry.startsWith('kafka-')) continue;
    const dir = join(root, entry);
    let owner: { ownerPid: number; detached: boolean; pids: number[] };
    try {
      owner = JSON.parse(readFileSync(join(dir, OWNER_FILE), 'utf8')) as typeof owner;
    } catch {
      continue; // being created right now, or not ours
    }
    if (isAlive(owner.ownerPid)) continue;
    const live = owner.pids.filter(isAlive);
    if (owner.detached && live.length > 0) continue; // a cluster started by `npm run kafka -- start`
    for (const pid of live) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    rmSync(dir, { recursive: true, force: true });
    log?.(`removed data left by a killed run: ${dir}${live.length ? ` (killed ${live.length} leftover JVM(s))` : ''}`);
  }
}

/**
 * A Kafka cluster id: a base64url-encoded 16-byte UUID (22 characters). Like Kafka's own
 * `Uuid.randomUuid()`, never one that starts with '-': the storage tool's argument parser
 * would read `-t -abc...` as an option (a 1-in-64 failure of every start).
 */
export function newClusterId(random: () => Buffer = () => randomBytes(16)): string {
  for (;;) {
    const id = random().toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
