import { randomUUID } from 'node:crypto';
import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { KEY_STATUS } from './constants.ts';
import { describeItem, TableKeySchemas } from './effect-items.ts';
import { checkEffects, isTransactionalEffects } from './effects.ts';
import type { TransactionalEffects } from './effects.ts';
import {
  IdempotencyEffectsError,
  IdempotencyInProgressError,
  IdempotencyKeyError,
  IdempotencyLockLostError,
  IdempotencyResultNotSerializableError,
  IdempotencyUsageError,
} from './errors.ts';
import { checkedKeyFunction, keyFromPath } from './key-extraction.ts';
import type { ValueDecoder } from './key-extraction.ts';
import { epochSeconds, isReplayable } from './key-item.ts';
import { businessKeyOptionsSchema, parseOptions } from './options.ts';
import { topicPartitionKey } from './partition-keys.ts';
import type { IdempotencyKeyItem, IdempotencyKeyStore, KeyCompletion, KeyEffectsResult, KeyFunction, KeyLock, KeyScope, KeyedRecord } from './types.ts';

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
  /** Executions whose lock was lost before their effects were committed (nothing applied). */
  readonly locksLost: number;
  /** Handler failures and rejected effects (the key was released). */
  readonly failures: number;
}

type Replayed<T> = Extract<BusinessKeyOutcome<T>, { readonly status: 'replayed' }>;

/** A key this invocation claimed. */
interface Claim {
  readonly status: 'claimed';
  readonly key: string;
  readonly lock: KeyLock;
}

interface Settings<R extends KeyedRecord> {
  readonly scope: KeyScope;
  readonly keyOf: KeyFunction<R>;
  readonly store: IdempotencyKeyStore;
  readonly expiresAfterSeconds: number;
  readonly now: () => number;
  /** Key schemas of effect tables, learnt as effects come (to spot an item written twice). */
  readonly schemas: TableKeySchemas;
}

/**
 * Business-key idempotency: one item per key with status, lock and stored result. Reads
 * are batched (`load`: one BatchGetItem per 100 keys); each execution costs two writes
 * (claim, then complete or release). Of two invocations racing on a key exactly one runs
 * the handler; the other gets `IdempotencyInProgressError` (retriable) or, once the first
 * completed, its stored result. With `executeWithEffects` the completion is a
 * TransactWriteItems that also applies the handler's DynamoDB effects: exactly once.
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
      schemas: new TableKeySchemas(),
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
  readonly #counts = { executed: 0, duplicatesSkipped: 0, inProgressConflicts: 0, locksTakenOver: 0, expiredItemsRerun: 0, locksLost: 0, failures: 0 };

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
    const claim = await this.#claim<T>(record);
    if (claim.status === 'replayed') return claim;
    const result = await this.#runHandler(record, claim, handler);
    return this.#complete(record, claim, result, []);
  }

  /**
   * `execute` for a handler that returns transactional effects (`{ effects, result? }`): the
   * effects (at most 99 `TransactWriteItem`s, any tables) and the COMPLETED item are written
   * in ONE TransactWriteItems, on condition that this invocation still holds the key's lock.
   * A crash before it applies nothing: the lock expires and a retry runs the handler again.
   * The handler must not write the effects itself. With no effects the completion is the
   * usual PutItem.
   *
   * @throws IdempotencyLockLostError (retriable) when the lock was lost: nothing applied.
   * @throws IdempotencyEffectsError (not retriable) naming the record when the effects are
   *   invalid or DynamoDB rejects one of them: nothing applied, the key released.
   * @example
   * const { status } = await batch.executeWithEffects(record, (r) => ({
   *   effects: [{ Update: { TableName: 'counters', Key: { pk: { S: 'orders' } }, UpdateExpression: 'ADD #n :one',
   *               ExpressionAttributeNames: { '#n': 'count' }, ExpressionAttributeValues: { ':one': { N: '1' } } } }],
   * }));
   */
  async executeWithEffects<T>(
    record: R,
    handler: (record: R) => TransactionalEffects<T> | Promise<TransactionalEffects<T>>,
  ): Promise<BusinessKeyOutcome<T | undefined>> {
    const claim = await this.#claim<T | undefined>(record);
    if (claim.status === 'replayed') return claim;
    const returned: unknown = await this.#runHandler(record, claim, handler);
    let effects: readonly TransactWriteItem[];
    try {
      if (!isTransactionalEffects(returned)) {
        throw new IdempotencyEffectsError(`the handler of ${describe(record)} must return { effects: TransactWriteItem[], result? }`);
      }
      effects = checkEffects(returned.effects, describe(record), this.#settings.schemas);
    } catch (error) {
      this.#counts.failures += 1;
      await this.#release(claim.key, claim.lock.lockToken);
      throw error;
    }
    return this.#complete(record, claim, (returned as TransactionalEffects<T>).result, effects);
  }

  /** Counts so far, for metrics. */
  summary(): BusinessKeySummary {
    return { ...this.#counts };
  }

  /** Replays a completed key, or claims it (throwing while another invocation holds it). */
  async #claim<T>(record: R): Promise<Replayed<T> | Claim> {
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
    return { status: 'claimed', key, lock };
  }

  async #runHandler<T>(record: R, claim: Claim, handler: (record: R) => T | Promise<T>): Promise<T> {
    try {
      return await handler(record);
    } catch (error) {
      this.#counts.failures += 1;
      await this.#release(claim.key, claim.lock.lockToken);
      throw error;
    }
  }

  /** Stores the result (and commits the effects with it). */
  async #complete<T>(record: R, claim: Claim, result: T, effects: readonly TransactWriteItem[]): Promise<BusinessKeyOutcome<T>> {
    const { scope, store, now } = this.#settings;
    const { key } = claim;
    const serialized = serialize(result);
    const completion = { resultJson: serialized.json, expiresAtSeconds: epochSeconds(now()) + this.#settings.expiresAfterSeconds };
    if (effects.length === 0) {
      // If this write fails the item stays IN_PROGRESS until its lock expires; a retry then
      // runs the handler again. That window is the at-least-once remainder (effects close it).
      await store.completeKey(scope, key, completion);
    } else {
      await this.#commitEffects(record, claim, completion, effects);
    }
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

  async #commitEffects(record: R, claim: Claim, completion: KeyCompletion, effects: readonly TransactWriteItem[]): Promise<void> {
    const { scope, store, schemas } = this.#settings;
    const { key, lock } = claim;
    const fail = async (error: Error): Promise<never> => {
      this.#counts.failures += 1;
      // Conditional on our lock token: harmless if the transaction did commit after all.
      await this.#release(key, lock.lockToken);
      throw error;
    };
    if (store.completeKeyWithEffects === undefined) {
      return fail(new IdempotencyUsageError(`the idempotency store cannot commit the effects of ${describe(record)}: it has no completeKeyWithEffects()`));
    }
    let outcome: KeyEffectsResult;
    try {
      outcome = await store.completeKeyWithEffects(scope, key, completion, lock.lockToken, effects);
    } catch (error) {
      return fail(error as Error);
    }
    if (outcome.committed) return;
    const subject = `idempotency key "${key}" of group "${scope.groupId}" (${describe(record)})`;
    if (outcome.reason === 'lockLost') {
      this.#counts.locksLost += 1;
      if (outcome.current === undefined) this.#items.delete(key);
      else this.#items.set(key, outcome.current);
      throw new IdempotencyLockLostError(`${subject} lost its lock before its effects were committed; nothing was applied`, { key });
    }
    if (outcome.reason === 'effect') {
      const item = effects[outcome.effectIndex];
      const what = item === undefined ? '' : ` (${describeItem(item, schemas)})`;
      return fail(
        new IdempotencyEffectsError(
          `${subject}: DynamoDB rejected effects[${outcome.effectIndex}]${what} with ${outcome.code}${outcome.message ? `: ${outcome.message}` : ''}; nothing was applied`,
        ),
      );
    }
    return fail(new IdempotencyEffectsError(`${subject}: DynamoDB refused the effects' transaction: ${outcome.message}; nothing was applied`));
  }

  #keyOf(record: R): string {
    const known = this.#keys.get(record);
    const key = known ?? this.#settings.keyOf(record); // records not passed to load still work
    if (key instanceof IdempotencyKeyError) throw key;
    return key;
  }

  #replay<T>(key: string, item: IdempotencyKeyItem): Replayed<T> {
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
