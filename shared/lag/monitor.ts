import type { EventSourceMappingsApi } from '../aws/index.ts';
import type { KafkaAdmin } from '../kafka/index.ts';
import { performance } from 'node:perf_hooks';
import type { ScalingPolicy } from './autoscale-policy.ts';
import { autoscaleGroups } from './autoscaler.ts';
import type { AutoscaleResult } from './autoscaler.ts';
import { collectLag } from './collect.ts';
import type { CollectLagOptions } from './collect.ts';
import { LAG_DEFAULTS } from './constants.ts';
import { LagConfigError, describeError } from './errors.ts';
import { CycleEvaluator, checkEvaluateOptions } from './evaluate.ts';
import { EarlyEvaluation } from './early-evaluation.ts';
import type { EvaluateOptions } from './evaluate.ts';
import { publishLagMetrics } from './publish.ts';
import type { EmfSink } from './publish.ts';
import { KafkaRequestCounter } from './request-counter.ts';
import { groupSummary } from './summary.ts';
import type { LagSummary } from './summary.ts';
import type { GroupEvaluation, LagCollection, LagStateStore, LoadedLagState, MonitorIndex, ScalingState } from './types.ts';

/** Structured logging; Powertools' `Logger` fits. */
export interface LagLogger {
  info(message: string, ...attributes: Record<string, unknown>[]): void;
  warn(message: string, ...attributes: Record<string, unknown>[]): void;
  error(message: string, ...attributes: Record<string, unknown>[]): void;
}

const silentLogger: LagLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** What the monitor talks to; every piece is injectable. */
export interface LagMonitorDeps {
  /** The admin client, reused across cycles (warm invocations keep its connections). */
  readonly admin: KafkaAdmin;
  readonly store: LagStateStore;
  /** Needed only with autoscaling policies: `LambdaEventSourceMappings`, whose endpoint follows `AWS_ENDPOINT_URL_LAMBDA`. */
  readonly lambda?: EventSourceMappingsApi;
  /** @default Date.now */
  readonly clock?: () => number;
  /** @default silent */
  readonly logger?: LagLogger;
  /** Where EMF documents go; `null` publishes nothing (CLI). @default stdout */
  readonly emfSink?: EmfSink | null;
}

/** Options of {@link LagMonitor}; defaults in `LAG_DEFAULTS`. */
export interface LagMonitorOptions extends CollectLagOptions, EvaluateOptions {
  /** Per-partition metrics. @default false */
  readonly perPartitionMetrics?: boolean;
  /** Scaling policy per group id. @default none */
  readonly autoscaling?: Readonly<Record<string, ScalingPolicy>>;
  /** Partitions in the summary. @default true */
  readonly summaryPartitions?: boolean;
  /**
   * How long the partition counts and leaders of the topics known from earlier cycles are
   * used before a cycle asks Metadata for them again (`CollectLagOptions.refreshKnownTopics`);
   * 0 asks every cycle. Until then, a partition added to a topic shows as soon as a group
   * commits on or is assigned it, and otherwise at the next refresh.
   * @default 300 000 (5 minutes, as Kafka clients' `metadata.max.age.ms`)
   */
  readonly topicRefreshMs?: number;
}

/** Result of {@link LagMonitor.runCycle}. */
export interface LagCycleResult {
  readonly summary: LagSummary;
  readonly groups: readonly GroupEvaluation[];
  readonly collection: LagCollection;
}

/**
 * The lag monitor: one `runCycle()` per scheduled invocation. Collects (one batched
 * round of Kafka requests), evaluates against the state of previous cycles, scales
 * pollers, saves the state, publishes EMF metrics and returns a JSON summary. It never
 * throws for a group, a broker or the state table: those problems become per-group or
 * cycle errors in the summary and the `MonitorErrors` metric.
 *
 * @example
 * const monitor = new LagMonitor({ admin, store: new DynamoDbLagStateStore({ tableName }) }, { include: ['orders-*'] });
 * const { summary } = await monitor.runCycle();
 */
export class LagMonitor {
  readonly #deps: LagMonitorDeps;
  readonly #options: LagMonitorOptions;
  readonly #counter: KafkaRequestCounter;
  readonly #policies: Map<string, ScalingPolicy>;
  /** Partition counts of the topics the last cycle read: a warm instance prefetches their offsets. */
  #knownTopics: ReadonlyMap<string, number> | undefined;
  /**
   * When a cycle last read the metadata of every topic it collected (clock ms). Kept here,
   * not read from the admin client's metadata cache ages: the interval is this monitor's
   * policy, on its injectable clock, and a cycle that saw a topic grow forces the next refresh.
   */
  #topicsRefreshedAtMs = Number.NEGATIVE_INFINITY;

  constructor(deps: LagMonitorDeps, options: LagMonitorOptions = {}) {
    // Here, once, rather than as a failed cycle every invocation.
    checkEvaluateOptions(options);
    const refresh = options.topicRefreshMs;
    if (refresh !== undefined && !(Number.isFinite(refresh) && refresh >= 0)) throw new LagConfigError('topicRefreshMs', `expected milliseconds from 0, got ${refresh}`);
    this.#deps = deps;
    this.#options = options;
    this.#counter = new KafkaRequestCounter(deps.admin);
    this.#policies = new Map(Object.entries(options.autoscaling ?? {}));
  }

  async runCycle(): Promise<LagCycleResult> {
    const { admin, store } = this.#deps;
    const clock = this.#deps.clock ?? Date.now;
    const logger = this.#deps.logger ?? silentLogger;
    const started = performance.now();
    const errors: string[] = [];
    const cycleStartedMs = clock();

    let index: MonitorIndex | undefined;
    try {
      index = await store.loadIndex();
    } catch (error) {
      errors.push(`state table: reading the group index failed: ${describeError(error)}`);
    }

    // A warm instance evaluates groups while the brokers still answer for others, with the
    // state of the groups and topics the last cycle saw, loaded alongside the requests.
    const known = this.#knownTopics;
    // A cold cycle (no known topics) asks Metadata for every topic it collects.
    const refreshKnownTopics = known === undefined || cycleStartedMs - this.#topicsRefreshedAtMs >= (this.#options.topicRefreshMs ?? LAG_DEFAULTS.topicRefreshMs);
    const early =
      index !== undefined && known !== undefined
        ? new EarlyEvaluation(store, { groups: index.groups.map((g) => g.groupId), topics: [...known.keys()] }, (loaded) => new CycleEvaluator(loaded, Math.round(clock()), this.#options))
        : undefined;

    this.#counter.reset();
    this.#counter.start();
    let collection: LagCollection;
    try {
      collection = await collectLag(admin, {
        ...this.#options,
        ...(index ? { knownGroups: index.groups } : {}),
        ...(known ? { knownTopics: known, refreshKnownTopics } : {}),
        ...(early ? { onGroup: early.onGroup } : {}),
      });
      this.#knownTopics = new Map([...collection.topics].map(([topic, t]) => [topic, t.partitionCount]));
      // Partitions were added to a topic read by cached metadata: refresh next cycle.
      if (collection.outdatedTopics.length > 0) this.#topicsRefreshedAtMs = Number.NEGATIVE_INFINITY;
      else if (refreshKnownTopics) this.#topicsRefreshedAtMs = cycleStartedMs;
    } catch (error) {
      errors.push(`collection failed: ${describeError(error)}`);
      collection = { groups: [], topics: new Map(), vanishedGroups: [], errors: [], listingComplete: false, outdatedTopics: [] };
    } finally {
      this.#counter.stop();
    }
    errors.push(...collection.errors);
    const kafkaRequests = this.#counter.snapshot();

    const completed = await early?.complete(collection);
    let loaded: LoadedLagState;
    let stateReadable = true;
    let evaluator: CycleEvaluator;
    if (completed !== undefined) {
      ({ evaluator, loaded, stateReadable } = completed);
      if (completed.error !== undefined) errors.push(completed.error);
    } else {
      loaded = { groups: new Map(), topics: new Map() };
      try {
        loaded = await store.load({ groups: [...collection.groups.map((g) => g.groupId), ...collection.vanishedGroups], topics: [...collection.topics.keys()] });
      } catch (error) {
        stateReadable = false;
        errors.push(`state table: loading failed, statuses start afresh this cycle and nothing is saved: ${describeError(error)}`);
      }
      evaluator = new CycleEvaluator(loaded, Math.round(clock()), this.#options);
    }
    const nowMs = evaluator.nowMs;
    const evaluation = evaluator.finish(collection);
    const scaling = await this.#autoscale(evaluation.groups, loaded, nowMs, errors);
    const groups = evaluation.groups.map((g) => {
      const failure = scaling.errors.get(g.groupId);
      return failure === undefined ? g : { ...g, errors: [...g.errors, failure] };
    });

    if (stateReadable) {
      const newIndex: MonitorIndex | undefined = collection.listingComplete
        ? { updatedAtMs: nowMs, groups: collection.groups.map((g) => ({ groupId: g.groupId, type: g.type })) }
        : undefined;
      try {
        await store.save({
          groups: evaluation.groupStates.map((s) => {
            const changed = scaling.scalingStates.get(s.groupId);
            return changed === undefined ? s : { ...s, scaling: changed };
          }),
          topics: evaluation.topicStates,
          ...(newIndex ? { index: newIndex } : {}),
          deleteGroups: collection.vanishedGroups,
        });
      } catch (error) {
        errors.push(`state table: saving failed, this cycle's observations are lost: ${describeError(error)}`);
      }
    }

    let metricsDocuments = 0;
    if (this.#deps.emfSink !== null) {
      try {
        metricsDocuments = publishLagMetrics(groups, scaling.outcomes, errors, {
          timestampMs: nowMs,
          perPartitionMetrics: this.#options.perPartitionMetrics ?? false,
          logger,
          ...(this.#deps.emfSink ? { sink: this.#deps.emfSink } : {}),
        });
      } catch (error) {
        errors.push(`publishing metrics failed: ${describeError(error)}`);
      }
    }

    for (const outcome of scaling.outcomes) logger.info(`poller scaling ${outcome.action} for group ${outcome.groupId}: ${outcome.reason}`, { ...outcome });
    for (const g of groups) if (g.errors.length > 0) logger.warn(`group ${g.groupId}: partial results`, { groupId: g.groupId, errors: g.errors });
    for (const message of errors) logger.error(message);

    const summary: LagSummary = {
      cycleAt: new Date(nowMs).toISOString(),
      durationMs: Math.round(performance.now() - started),
      kafkaRequests,
      groups: groups.map((g) => groupSummary(g, { partitions: this.#options.summaryPartitions ?? true })),
      scaling: scaling.outcomes,
      errors,
      metricsDocuments,
    };
    logger.info('lag monitor cycle', {
      groups: groups.length,
      groupsWithErrors: groups.filter((g) => g.errors.length > 0).length,
      kafkaRequests: kafkaRequests.total,
      durationMs: summary.durationMs,
    });
    return { summary, groups, collection };
  }

  async #autoscale(groups: readonly GroupEvaluation[], loaded: LoadedLagState, nowMs: number, errors: string[]): Promise<AutoscaleResult> {
    const none: AutoscaleResult = { outcomes: [], scalingStates: new Map(), errors: new Map() };
    if (this.#policies.size === 0) return none;
    if (this.#deps.lambda === undefined) {
      errors.push('autoscaling policies are configured but the monitor has no Lambda client');
      return none;
    }
    const previous = new Map<string, ScalingState | null>([...loaded.groups].map(([id, s]) => [id, s.scaling]));
    try {
      return await autoscaleGroups(this.#deps.lambda, groups, this.#policies, previous, nowMs);
    } catch (error) {
      errors.push(`autoscaling failed: ${describeError(error)}`);
      return none;
    }
  }
}
