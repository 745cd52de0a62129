import { decodeGroupState, decodeIndex, decodeTopicState, encodeGroupState, encodeIndex, encodeTopicState } from './state-codec.ts';
import type { GroupLagState, LagStateChanges, LagStateStore, LoadedLagState, MonitorIndex, TopicLagState } from './types.ts';

/** Options of {@link InMemoryLagStateStore}. */
export interface InMemoryLagStateStoreOptions {
  /**
   * Keep entities encoded with the DynamoDB store's codec (and decode them on load), so a
   * round trip proves the encoding. Off, entities are kept as they are: the monitor never
   * mutates state it loaded or saved (every cycle builds new windows and tables).
   * @default false
   */
  readonly encode?: boolean;
}

/**
 * `LagStateStore` in process memory, for tests, the CLI's `--watch` and benchmarks.
 *
 * @example
 * const monitor = new LagMonitor({ admin, store: new InMemoryLagStateStore() });
 */
export class InMemoryLagStateStore implements LagStateStore {
  readonly #encode: boolean;
  readonly #groups = new Map<string, GroupLagState | string>();
  readonly #topics = new Map<string, TopicLagState | string>();
  #index: MonitorIndex | string | undefined;
  /** Calls made, for tests that assert batching. */
  readonly calls = { loadIndex: 0, load: 0, save: 0 };

  constructor(options: InMemoryLagStateStoreOptions = {}) {
    this.#encode = options.encode ?? false;
  }

  async loadIndex(): Promise<MonitorIndex | undefined> {
    this.calls.loadIndex++;
    return typeof this.#index === 'string' ? decodeIndex(this.#index) : this.#index;
  }

  async load(request: { readonly groups: readonly string[]; readonly topics: readonly string[] }): Promise<LoadedLagState> {
    this.calls.load++;
    const groups = new Map<string, GroupLagState>();
    const topics = new Map<string, TopicLagState>();
    for (const id of request.groups) {
      const stored = this.#groups.get(id);
      const state = typeof stored === 'string' ? decodeGroupState(stored, { columns: true }) : stored;
      if (state !== undefined) groups.set(id, state);
    }
    for (const name of request.topics) {
      const stored = this.#topics.get(name);
      const state = typeof stored === 'string' ? decodeTopicState(stored) : stored;
      if (state !== undefined) topics.set(name, state);
    }
    return { groups, topics };
  }

  async save(changes: LagStateChanges): Promise<void> {
    this.calls.save++;
    for (const group of changes.groups) this.#groups.set(group.groupId, this.#encode ? encodeGroupState(group) : group);
    for (const topic of changes.topics) this.#topics.set(topic.topic, this.#encode ? encodeTopicState(topic) : topic);
    for (const id of changes.deleteGroups ?? []) this.#groups.delete(id);
    if (changes.index !== undefined) this.#index = this.#encode ? encodeIndex(changes.index) : changes.index;
  }

}
