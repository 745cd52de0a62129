import { describeError } from './errors.ts';
import type { CycleEvaluator } from './evaluate.ts';
import type { CollectedGroup, CollectedTopic, GroupLagState, LagCollection, LagStateStore, LoadedLagState, TopicLagState } from './types.ts';

/** What {@link EarlyEvaluation.complete} hands back: the evaluator, with every group's and topic's state loaded. */
export interface CompletedEvaluation {
  readonly evaluator: CycleEvaluator;
  /** The state it evaluates with (also what autoscaling reads). */
  readonly loaded: LoadedLagState;
  /** `false` when part of the state could not be read: then the cycle must not save. */
  readonly stateReadable: boolean;
  readonly error?: string;
}

/**
 * Evaluates groups while the cycle's Kafka requests are still being answered, for a warm
 * monitor: the state of the groups and topics the previous cycle saw is loaded alongside
 * the requests, and each group `collectLag` hands out early (`onGroup`) is evaluated at
 * once if that state covers it. Groups it does not cover (new ones, or new topics) wait for
 * the end of the cycle, as do all groups when the early load fails.
 *
 * The outcome is what evaluating the whole collection at the end would give
 * (`CycleEvaluator`), with one difference: the cycle's clock is read when the first
 * group is evaluated rather than after the last answer, which is closer to when the log
 * end offsets were read.
 *
 * @example
 * const early = new EarlyEvaluation(store, { groups, topics }, (loaded) => new CycleEvaluator(loaded, Date.now()));
 * const collection = await collectLag(admin, { onGroup: early.onGroup });
 * const completed = await early.complete(collection);
 */
export class EarlyEvaluation {
  readonly #store: LagStateStore;
  readonly #groups: ReadonlySet<string>;
  readonly #topics: ReadonlySet<string>;
  readonly #evaluatorFor: (loaded: LoadedLagState) => CycleEvaluator;
  readonly #loading: Promise<void>;
  /** The early load's answer, in maps the late load adds to; `undefined` until it is in (or when it failed). */
  #loaded: { groups: Map<string, GroupLagState>; topics: Map<string, TopicLagState> } | undefined;
  #evaluator: CycleEvaluator | undefined;
  /** Groups handed out before the early load was in. */
  #waiting: Array<[CollectedGroup, ReadonlyMap<string, CollectedTopic>]> = [];

  constructor(store: LagStateStore, request: { readonly groups: readonly string[]; readonly topics: readonly string[] }, evaluatorFor: (loaded: LoadedLagState) => CycleEvaluator) {
    this.#store = store;
    this.#groups = new Set(request.groups);
    this.#topics = new Set(request.topics);
    this.#evaluatorFor = evaluatorFor;
    this.#loading = store.load(request).then(
      (loaded) => {
        this.#loaded = { groups: new Map(loaded.groups), topics: new Map(loaded.topics) };
        const waiting = this.#waiting;
        this.#waiting = [];
        for (const [group, topics] of waiting) this.#evaluate(group, topics);
      },
      // The end of the cycle loads everything again and reports the failure then.
      () => void (this.#waiting = []),
    );
  }

  /** For `CollectLagOptions.onGroup`. */
  readonly onGroup = (group: CollectedGroup, topics: ReadonlyMap<string, CollectedTopic>): void => {
    if (!this.#covers(group)) return;
    if (this.#loaded === undefined) this.#waiting.push([group, topics]);
    else this.#evaluate(group, topics);
  };

  /**
   * After `collectLag`: loads the state the early load did not cover and returns the
   * evaluator, or `undefined` when the early load failed (then nothing was evaluated and
   * the caller loads and evaluates as without this class).
   */
  async complete(collection: LagCollection): Promise<CompletedEvaluation | undefined> {
    await this.#loading;
    const loaded = this.#loaded;
    if (loaded === undefined) return undefined;
    const groups = [...collection.groups.map((g) => g.groupId), ...collection.vanishedGroups].filter((id) => !this.#groups.has(id));
    const topics = [...collection.topics.keys()].filter((topic) => !this.#topics.has(topic));
    let stateReadable = true;
    let error: string | undefined;
    if (groups.length > 0 || topics.length > 0) {
      try {
        const more = await this.#store.load({ groups, topics });
        for (const [id, state] of more.groups) loaded.groups.set(id, state);
        for (const [topic, state] of more.topics) loaded.topics.set(topic, state);
      } catch (e) {
        stateReadable = false;
        error = `state table: loading failed, statuses start afresh for ${groups.length} group(s) and ${topics.length} topic(s) new this cycle and nothing is saved: ${describeError(e)}`;
      }
    }
    const evaluator = this.#evaluator ?? this.#evaluatorFor(loaded);
    return error === undefined ? { evaluator, loaded, stateReadable } : { evaluator, loaded, stateReadable, error };
  }

  #covers(group: CollectedGroup): boolean {
    if (!this.#groups.has(group.groupId)) return false;
    let topic: string | undefined;
    for (const p of group.partitions) {
      if (p.topic === topic) continue;
      topic = p.topic;
      if (!this.#topics.has(topic)) return false;
    }
    return true;
  }

  #evaluate(group: CollectedGroup, topics: ReadonlyMap<string, CollectedTopic>): void {
    this.#evaluator ??= this.#evaluatorFor(this.#loaded!);
    this.#evaluator.add(group, topics);
  }
}
