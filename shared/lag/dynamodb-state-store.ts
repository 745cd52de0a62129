/**
 * DynamoDB-backed `LagStateStore`.
 *
 * Table layout (create it with `ensureLagStateTable`, or the CDK stack):
 * - key schema: `pk` (String, HASH); no sort key, no indexes; on-demand billing.
 * - TTL attribute: `expiresAt` (epoch seconds): entities not written for
 *   `stateTtlSeconds` (default 7 days), e.g. deleted groups or topics, disappear.
 *
 * One item per entity, so a cycle reads and writes O(groups + topics) items in batches
 * (BatchGetItem of 100 keys, BatchWriteItem of 25 items), never one per partition:
 *
 * | `pk`                 | holds                                                             |
 * |----------------------|-------------------------------------------------------------------|
 * | `group#<groupId>`    | commit windows of every partition, last state/generation/members, autoscaler cooldown |
 * | `topic#<topic>`      | (log end offset, time) sample tables of every partition            |
 * | `index`              | the groups monitored last cycle                                    |
 * | `<pk>#part#<n>`      | continuation of an entity larger than one item                    |
 *
 * Attributes: `d` (Binary: the entity's compact encoding from `state-codec.ts`,
 * deflated), `parts` (N: items the entity spans), `v` (N: format version), `kind` and
 * `name` (S, for people reading the table), `updatedAt` (N, epoch ms), `expiresAt`.
 * An entity whose compressed encoding exceeds `maxItemBytes` (default 350,000, under the
 * 400 KB item limit) is split across `parts` items; readers fetch the continuations in a
 * second batch. pk components are percent-encoded, so `#` in a name cannot collide.
 */
import { BatchGetItemCommand, BatchWriteItemCommand, CreateTableCommand, DescribeTimeToLiveCommand, DynamoDBClient, ResourceInUseException, UpdateTimeToLiveCommand, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import type { AttributeValue, KeysAndAttributes, WriteRequest } from '@aws-sdk/client-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { chunk } from './batching.ts';
import { LAG_DEFAULTS } from './constants.ts';
import { LagStateStoreError, describeError } from './errors.ts';
import { STATE_FORMAT_VERSION, decodeGroupState, decodeIndex, decodeTopicState, encodeGroupState, encodeIndex, encodeTopicState } from './state-codec.ts';
import type { GroupLagState, LagStateChanges, LagStateStore, LoadedLagState, MonitorIndex, TopicLagState } from './types.ts';

type Item = Record<string, AttributeValue>;

const INDEX_PK = 'index';
const groupPk = (groupId: string): string => `group#${encodeURIComponent(groupId)}`;
const topicPk = (topic: string): string => `topic#${encodeURIComponent(topic)}`;
const partPk = (pk: string, part: number): string => `${pk}#part#${part}`;

/** Options of {@link DynamoDbLagStateStore}. */
export interface DynamoDbLagStateStoreOptions {
  /** The table (layout in this file's header). */
  readonly tableName: string;
  /**
   * The client; the default resolves region, credentials and endpoint the standard way,
   * including `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_DYNAMODB`.
   * @default new DynamoDBClient({})
   */
  readonly client?: DynamoDBClient;
  /** Largest `d` attribute per item, in bytes. @default 350000 */
  readonly maxItemBytes?: number;
  /** Entities expire this long after their last write. @default 604800 (7 days) */
  readonly stateTtlSeconds?: number;
  /** Attempts of one batch while DynamoDB returns unprocessed keys/items. @default 8 */
  readonly maxAttempts?: number;
  /** First back-off between those attempts, doubled each time, full jitter. @default 50 */
  readonly retryBaseDelayMs?: number;
  /** The clock for `updatedAt`/`expiresAt`. @default Date.now */
  readonly clock?: () => number;
}

/**
 * @example
 * const store = new DynamoDbLagStateStore({ tableName: process.env.SCG_LAG_STATE_TABLE! });
 * const monitor = new LagMonitor({ admin, store });
 */
export class DynamoDbLagStateStore implements LagStateStore {
  readonly #table: string;
  readonly #client: DynamoDBClient;
  readonly #maxItemBytes: number;
  readonly #ttlSeconds: number;
  readonly #maxAttempts: number;
  readonly #baseDelayMs: number;
  readonly #clock: () => number;
  /** DynamoDB requests sent, per operation. */
  readonly requestCounts: Record<'BatchGetItem' | 'BatchWriteItem', number> = { BatchGetItem: 0, BatchWriteItem: 0 };

  constructor(options: DynamoDbLagStateStoreOptions) {
    if (!options.tableName) throw new LagStateStoreError('tableName must be a non-empty string', { operation: 'configure', retriable: false });
    this.#table = options.tableName;
    this.#client = options.client ?? new DynamoDBClient({});
    this.#maxItemBytes = options.maxItemBytes ?? 350_000;
    this.#ttlSeconds = options.stateTtlSeconds ?? LAG_DEFAULTS.stateTtlSeconds;
    this.#maxAttempts = options.maxAttempts ?? 8;
    this.#baseDelayMs = options.retryBaseDelayMs ?? 50;
    this.#clock = options.clock ?? Date.now;
  }

  async loadIndex(): Promise<MonitorIndex | undefined> {
    const text = (await this.#getEntities([INDEX_PK])).get(INDEX_PK);
    return text === undefined ? undefined : decodeIndex(text);
  }

  async load(request: { readonly groups: readonly string[]; readonly topics: readonly string[] }): Promise<LoadedLagState> {
    const texts = await this.#getEntities([...request.groups.map(groupPk), ...request.topics.map(topicPk)]);
    const groups = new Map<string, GroupLagState>();
    const topics = new Map<string, TopicLagState>();
    for (const id of request.groups) {
      const text = texts.get(groupPk(id));
      const state = text === undefined ? undefined : decodeGroupState(text, { columns: true });
      if (state !== undefined) groups.set(id, state);
    }
    for (const name of request.topics) {
      const text = texts.get(topicPk(name));
      const state = text === undefined ? undefined : decodeTopicState(text);
      if (state !== undefined) topics.set(name, state);
    }
    return { groups, topics };
  }

  async save(changes: LagStateChanges): Promise<void> {
    const nowMs = this.#clock();
    const writes = new Map<string, WriteRequest>();
    const put = (pk: string, kind: string, name: string, text: string): void => {
      for (const item of this.#items(pk, kind, name, text, nowMs)) writes.set(item.pk!.S!, { PutRequest: { Item: item } });
    };
    for (const g of changes.groups) put(groupPk(g.groupId), 'group', g.groupId, encodeGroupState(g));
    for (const t of changes.topics) put(topicPk(t.topic), 'topic', t.topic, encodeTopicState(t));
    if (changes.index !== undefined) put(INDEX_PK, 'index', 'index', encodeIndex(changes.index));
    // Continuation items of a deleted group expire through TTL.
    for (const id of changes.deleteGroups ?? []) writes.set(groupPk(id), { DeleteRequest: { Key: { pk: { S: groupPk(id) } } } });
    for (const batch of chunk([...writes.values()], 25)) await this.#batchWrite(batch);
  }

  #items(pk: string, kind: string, name: string, text: string, nowMs: number): Item[] {
    const data = deflateRawSync(Buffer.from(text, 'utf8'));
    const count = Math.max(1, Math.ceil(data.length / this.#maxItemBytes));
    const pieces = Array.from({ length: count }, (_, i) => data.subarray(i * this.#maxItemBytes, (i + 1) * this.#maxItemBytes));
    const expiresAt = { N: String(Math.floor(nowMs / 1000) + this.#ttlSeconds) };
    return pieces.map((piece, index): Item =>
      index === 0
        ? {
            pk: { S: pk },
            d: { B: piece },
            parts: { N: String(pieces.length) },
            v: { N: String(STATE_FORMAT_VERSION) },
            kind: { S: kind },
            name: { S: name },
            updatedAt: { N: String(nowMs) },
            expiresAt,
          }
        : { pk: { S: partPk(pk, index) }, d: { B: piece }, expiresAt },
    );
  }

  /** Reads entities (main items, then continuations) and returns their decoded text per pk. */
  async #getEntities(pks: readonly string[]): Promise<Map<string, string>> {
    const unique = [...new Set(pks)];
    const mains = await this.#batchGet(unique);
    const continuations: string[] = [];
    for (const item of mains.values()) {
      const parts = Number(item.parts?.N ?? '1');
      for (let i = 1; i < parts; i++) continuations.push(partPk(item.pk!.S!, i));
    }
    const extra = continuations.length > 0 ? await this.#batchGet(continuations) : new Map<string, Item>();
    const out = new Map<string, string>();
    for (const [pk, item] of mains) {
      if (Number(item.v?.N ?? '0') !== STATE_FORMAT_VERSION) continue;
      const parts = Number(item.parts?.N ?? '1');
      const buffers: Uint8Array[] = [item.d?.B ?? new Uint8Array()];
      for (let i = 1; i < parts; i++) {
        const piece = extra.get(partPk(pk, i))?.d?.B;
        if (piece === undefined) break;
        buffers.push(piece);
      }
      // A continuation missing (an interrupted write): start this entity afresh rather than fail the cycle.
      if (buffers.length !== parts) continue;
      try {
        out.set(pk, inflateRawSync(Buffer.concat(buffers)).toString('utf8'));
      } catch {
        continue; // torn across two writes of different sizes: same treatment
      }
    }
    return out;
  }

  async #batchGet(pks: readonly string[]): Promise<Map<string, Item>> {
    const found = new Map<string, Item>();
    for (const keys of chunk(pks, 100)) {
      let pending: KeysAndAttributes | undefined = { Keys: keys.map((pk) => ({ pk: { S: pk } })), ConsistentRead: true };
      for (let attempt = 1; pending !== undefined; attempt++) {
        if (attempt > this.#maxAttempts) {
          throw new LagStateStoreError(`BatchGetItem on ${this.#table} left ${pending.Keys?.length ?? 0} key(s) unprocessed after ${this.#maxAttempts} attempts`, {
            operation: 'BatchGetItem',
            retriable: true,
          });
        }
        if (attempt > 1) await this.#backoff(attempt);
        const request: KeysAndAttributes = pending;
        const output = await this.#send('BatchGetItem', () => this.#client.send(new BatchGetItemCommand({ RequestItems: { [this.#table]: request } })));
        for (const item of output.Responses?.[this.#table] ?? []) found.set(item.pk!.S!, item);
        const left = output.UnprocessedKeys?.[this.#table];
        pending = left?.Keys && left.Keys.length > 0 ? left : undefined;
      }
    }
    return found;
  }

  async #batchWrite(requests: WriteRequest[]): Promise<void> {
    let pending: WriteRequest[] = requests;
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > this.#maxAttempts) {
        throw new LagStateStoreError(`BatchWriteItem on ${this.#table} left ${pending.length} item(s) unprocessed after ${this.#maxAttempts} attempts`, {
          operation: 'BatchWriteItem',
          retriable: true,
        });
      }
      if (attempt > 1) await this.#backoff(attempt);
      const batch = pending;
      const output = await this.#send('BatchWriteItem', () => this.#client.send(new BatchWriteItemCommand({ RequestItems: { [this.#table]: batch } })));
      pending = output.UnprocessedItems?.[this.#table] ?? [];
    }
  }

  async #send<T>(operation: 'BatchGetItem' | 'BatchWriteItem', call: () => Promise<T>): Promise<T> {
    this.requestCounts[operation]++;
    try {
      return await call();
    } catch (error) {
      throw new LagStateStoreError(`${operation} on table ${this.#table} failed: ${describeError(error)}`, { operation, retriable: isRetriableAwsError(error), cause: error });
    }
  }

  async #backoff(attempt: number): Promise<void> {
    await sleep(Math.random() * this.#baseDelayMs * 2 ** (attempt - 2));
  }
}

function isRetriableAwsError(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  if (e.$retryable) return true;
  if (['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded', 'InternalServerError', 'ServiceUnavailable'].includes(e.name ?? '')) return true;
  const status = e.$metadata?.httpStatusCode;
  // No HTTP status at all: the request never got an answer (network), worth retrying.
  return status === undefined || status >= 500;
}

/**
 * Creates the state table if missing (on-demand, `pk` String HASH), waits until ACTIVE and
 * enables TTL on `expiresAt`. For tests and the local sandbox; in AWS the CDK stack owns it.
 *
 * @example
 * await ensureLagStateTable(new DynamoDBClient({}), 'lag-state');
 */
export async function ensureLagStateTable(client: DynamoDBClient, tableName: string, options: { readonly maxWaitSeconds?: number } = {}): Promise<void> {
  const fail = (operation: string, error: unknown): LagStateStoreError =>
    new LagStateStoreError(`${operation} on table ${tableName} failed: ${describeError(error)}`, { operation, retriable: isRetriableAwsError(error), cause: error });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw fail('CreateTable', error);
  }
  try {
    await waitUntilTableExists({ client, maxWaitTime: options.maxWaitSeconds ?? 60, minDelay: 1, maxDelay: 5 }, { TableName: tableName });
    const { TimeToLiveDescription: ttl } = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    if (ttl?.TimeToLiveStatus === 'ENABLED' || ttl?.TimeToLiveStatus === 'ENABLING') return;
    await client.send(new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } }));
  } catch (error) {
    throw fail('UpdateTimeToLive', error);
  }
}
