import { randomUUID } from 'node:crypto';
import { KEY_STATUS } from './constants.ts';
import { IdempotencyInProgressError, IdempotencyKeyError, IdempotencyResultNotSerializableError } from './errors.ts';
import { checkedKeyFunction, keyFromPath } from './key-extraction.ts';
import type { ValueDecoder } from './key-extraction.ts';
import { epochSeconds, isReplayable } from './key-item.ts';
import { businessKeyOptionsSchema, parseOptions } from './options.ts';
import { topicPartitionKey } from './partition-keys.ts';
import type { IdempotencyKeyItem, IdempotencyKeyStore, KeyFunction, KeyScope, KeyedRecord } from './types.ts';

/** Options of {@link BusinessKeyIdempotency}. */
export interface BusinessKeyIdempotencyOptions<R extends KeyedRecord> {
  /** The consumer group: part of every key, so fan-out groups do not suppress each other. */
  readonly groupId: string;
  /** Separates two handlers in one group. @default undefined (the group alone scopes keys) */
  readonly functionName?: string;
  /** A dotted path into the JSON value (`order.id`) or a function returning the key. */
  readonly key: string | KeyFunction<R>;
  /** Where keys live: `DynamoDbIdempotencyStore` or `InMemoryIdempotencyStore`. */
  readonly store: IdempotencyKeyStore;
  /** How long a key is remembered, in seconds. @default 3600 (see `DEFAULT_EXPIRES_AFTER_SECONDS`) */
  readonly expiresAfterSeconds?: number;
  /** Lock duration when `load` gets no `remainingTimeMs`. @default 900000 (Lambda's maximum timeout) */
  readonly lockTimeoutMs?: number;
  /** Turns a record into the JSON value `key` paths walk. @default decodeJsonValue */
  readonly decodeValue?: ValueDecoder<R>;
  /** Clock, epoch milliseconds. @default Date.now */
  readonly now?: () => number;
}

/** What `execute` did with a record. */
export type BusinessKeyOutcome<T> =
  | { readonly status: 'executed'; readonly key: string; readonly result: T }
  /** A duplicate: the stored result of an earlier execution, the handler did not run. */
  | { readonly status: 'replayed'; readonly key: string; readonly result: T };

/** Counts for metrics, over one `BusinessKeyBatch`. */
export interface BusinessKeySummary {
  readonly executed: number;
  readonly duplicatesSkipped: number;
  readonly inProgressConflicts: number;
  /** Executions that took over a crashed invocation's expired lock. */
  readonly locksTakenOver: number;
  /** Executions that re-ran a key whose completed item had expired. */
  readonly expiredItemsRerun: number;
  /** Handler failures (the key was released). */
  readonly failures: number;
}

interface Settings<R extends KeyedRecord> {
  readonly scope: KeyScope;
  readonly keyOf: KeyFunction<R>;
  readonly store: IdempotencyKeyStore;
  readonly expiresAfterSeconds: number;
  readonly now: () => number;
}

/**
 * Business-key idempotency: one item per key with status, lock and stored result. Reads
 * are batched (`load`: one BatchGetItem per 100 keys); each execution costs two writes
 * (claim, then complete or release). Of two invocations racing on a key exactly one runs
 * the handler; the other gets `IdempotencyInProgressError` (retriable) or, once the first
 * completed, its stored result.
 *
 * @example
 * const idempotency = new BusinessKeyIdempotency({ groupId: 'email', key: 'order.id', store });
 * const batch = await idempotency.load(records, { remainingTimeMs: () => context.getRemainingTimeInMillis() });
 * for (const record of records) {
 *   const { result } = await batch.execute(record, (r) => sendEmail(r));
 * }
 */
export class BusinessKeyIdempotency<R extends KeyedRecord> {
  readonly #settings: Settings<R>;
  readonly #lockTimeoutMs: number;

  constructor(options: BusinessKeyIdempotencyOptions<R>) {
    const parsed = parseOptions(businessKeyOptionsSchema, options, 'business-key idempotency');
    const { key } = options;
    this.#settings = {
      scope: { groupId: options.groupId, functionName: options.functionName },
      keyOf: typeof key === 'string' ? keyFromPath(key, options.decodeValue) : checkedKeyFunction(key),
      store: options.store,
      expiresAfterSeconds: parsed.expiresAfterSeconds,
      now: options.now ?? Date.now,
    };
    this.#lockTimeoutMs = parsed.lockTimeoutMs;
  }

  /** The business key of a record; throws `IdempotencyKeyError` when there is none. */
  keyOf(record: R): string {
    return this.#settings.keyOf(record);
  }

  /**
   * Reads the items of all the batch's keys up front. Records without a key do not fail
   * the load: their `execute` throws the `IdempotencyKeyError`, so only their partition stops.
   *
   * @param options.remainingTimeMs the invocation's remaining time (Lambda's
   *   `context.getRemainingTimeInMillis`): a lock expires with the invocation, so a crashed
   *   invocation's lock frees itself. Without it locks last `lockTimeoutMs`.
   */
  async load(records: readonly R[], options: { readonly remainingTimeMs?: () => number } = {}): Promise<BusinessKeyBatch<R>> {
    const keys = new Map<R, string | IdempotencyKeyError>();
    for (const record of records) {
      try {
        keys.set(record, this.#settings.keyOf(record));
      } catch (error) {
        if (!(error instanceof IdempotencyKeyError)) throw error;
        keys.set(record, error);
      }
    }
    const distinct = [...new Set([...keys.values()].filter((key) => typeof key === 'string'))];
    const items = distinct.length === 0 ? new Map<string, IdempotencyKeyItem>() : await this.#settings.store.getKeys(this.#settings.scope, distinct);
    const lockTimeoutMs = this.#lockTimeoutMs;
    return new BusinessKeyBatch(this.#settings, keys, items, options.remainingTimeMs ?? (() => lockTimeoutMs));
  }
}

/** The keys of one batch, with the per-record `execute`. */
export class BusinessKeyBatch<R extends KeyedRecord> {
  readonly #settings: Settings<R>;
  readonly #keys: Map<R, string | IdempotencyKeyError>;
  readonly #items: Map<string, IdempotencyKeyItem>;
  readonly #remainingTimeMs: () => number;
  readonly #counts = { executed: 0, duplicatesSkipped: 0, inProgressConflicts: 0, locksTakenOver: 0, expiredItemsRerun: 0, failures: 0 };

  /** @internal Use `BusinessKeyIdempotency.load`. */
  constructor(
    settings: Settings<R>,
    keys: Map<R, string | IdempotencyKeyError>,
    items: ReadonlyMap<string, IdempotencyKeyItem>,
    remainingTimeMs: () => number,
  ) {
    this.#settings = settings;
    this.#keys = keys;
    this.#items = new Map(items);
    this.#remainingTimeMs = remainingTimeMs;
  }

  /**
   * Runs `handler` once per business key: replays the stored result of a completed key,
   * throws `IdempotencyInProgressError` while another invocation holds it, otherwise
   * claims it, runs the handler and stores its result (JSON; a `bigint` is stored as a
   * string). A handler failure releases the key and is rethrown unchanged.
   */
  async execute<T>(record: R, handler: (record: R) => T | Promise<T>): Promise<BusinessKeyOutcome<T>> {
    const { scope, store, now } = this.#settings;
    const key = this.#keyOf(record);
    const nowMs = now();
    const known = this.#items.get(key);
    if (known !== undefined && isReplayable(known, nowMs)) return this.#replay(key, known);

    const lockExpiresAtMs = nowMs + Math.max(0, this.#remainingTimeMs());
    const lock = {
      lockToken: randomUUID(),
      lockExpiresAtMs,
      // An in-progress item must outlive its lock, or `expiresAt < :now` would let a
      // second invocation in while the first still runs.
      expiresAtSeconds: Math.max(epochSeconds(nowMs) + this.#settings.expiresAfterSeconds, Math.ceil(lockExpiresAtMs / 1000)),
    };
    const claim = await store.acquireKey(scope, key, lock, nowMs);
    if (!claim.acquired) {
      const { current } = claim;
      if (current !== undefined) this.#items.set(key, current);
      if (current !== undefined && isReplayable(current, nowMs)) return this.#replay(key, current);
      this.#counts.inProgressConflicts += 1;
      throw new IdempotencyInProgressError(
        `idempotency key "${key}" of group "${scope.groupId}" (${describe(record)}) is being processed by another invocation` +
          (current?.lockExpiresAtMs === undefined ? '' : ` until ${new Date(current.lockExpiresAtMs).toISOString()}`),
        { key, lockExpiresAtMs: current?.lockExpiresAtMs },
      );
    }
    if (claim.previous?.status === KEY_STATUS.inProgress) this.#counts.locksTakenOver += 1;
    else if (claim.previous !== undefined) this.#counts.expiredItemsRerun += 1;
    this.#items.set(key, { status: KEY_STATUS.inProgress, ...lock });

    let result: T;
    try {
      result = await handler(record);
    } catch (error) {
      this.#counts.failures += 1;
      await this.#release(key, lock.lockToken);
      throw error;
    }
    const serialized = serialize(result);
    const completion = { resultJson: serialized.json, expiresAtSeconds: epochSeconds(now()) + this.#settings.expiresAfterSeconds };
    // If this write fails the item stays IN_PROGRESS until its lock expires; a retry then
    // runs the handler again. That window is the at-least-once remainder.
    await store.completeKey(scope, key, completion);
    this.#items.set(key, { status: KEY_STATUS.completed, ...completion });
    this.#counts.executed += 1;
    if ('error' in serialized) {
      // The effect happened: the key stays COMPLETED (without a result) so nothing repeats it.
      throw new IdempotencyResultNotSerializableError(
        `result of idempotency key "${key}" of group "${scope.groupId}" (${describe(record)}) cannot be stored as JSON; the key is completed without a result`,
        { cause: serialized.error },
      );
    }
    return { status: 'executed', key, result };
  }

  /** Counts so far, for metrics. */
  summary(): BusinessKeySummary {
    return { ...this.#counts };
  }

  #keyOf(record: R): string {
    const known = this.#keys.get(record);
    const key = known ?? this.#settings.keyOf(record); // records not passed to load still work
    if (key instanceof IdempotencyKeyError) throw key;
    return key;
  }

  #replay<T>(key: string, item: IdempotencyKeyItem): BusinessKeyOutcome<T> {
    this.#counts.duplicatesSkipped += 1;
    return { status: 'replayed', key, result: (item.resultJson === undefined ? undefined : JSON.parse(item.resultJson)) as T };
  }

  async #release(key: string, lockToken: string): Promise<void> {
    try {
      await this.#settings.store.releaseKey(this.#settings.scope, key, lockToken);
      this.#items.delete(key);
    } catch {
      // The caller gets the handler's error, which matters more; the lock frees itself at
      // lockExpiresAt, after which a retry takes the key over.
    }
  }
}

function describe(record: KeyedRecord): string {
  return `record ${topicPartitionKey(record)}@${record.offset}`;
}

function serialize(result: unknown): { json: string | undefined; error?: unknown } {
  try {
    return { json: JSON.stringify(result, (_name, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)) };
  } catch (error) {
    return { json: undefined, error };
  }
}
