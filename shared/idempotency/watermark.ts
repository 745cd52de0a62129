import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { TableKeySchemas } from './effect-items.ts';
import { checkEffects } from './effects.ts';
import { IdempotencyUsageError } from './errors.ts';
import type { IdempotencyEffectsNotCommittedError } from './errors.ts';
import { parseOptions, watermarkOptionsSchema } from './options.ts';
import { topicPartitionKey } from './partition-keys.ts';
import { PartitionEffects } from './watermark-effects.ts';
import type { OffsetRecord, TopicPartition, WatermarkStore } from './types.ts';

/** Options of {@link OffsetWatermark}. */
export interface OffsetWatermarkOptions {
  /** The consumer group: watermarks are per group, so fan-out groups do not interfere. */
  readonly groupId: string;
  /** Where watermarks live: `DynamoDbIdempotencyStore` or `InMemoryIdempotencyStore`. */
  readonly store: WatermarkStore;
}

/** A partition's records split against its watermark. */
export interface PartitionSplit<R> {
  /** Records above the watermark, in the order given: process these. */
  readonly toProcess: R[];
  /** Records at or below the watermark: already processed, skip them. */
  readonly duplicates: R[];
  /** The watermark read by `load`, `undefined` if the partition was never advanced. */
  readonly watermark: bigint | undefined;
}

/** What `afterPartition` did. */
export type WatermarkAdvance =
  | { readonly outcome: 'advanced'; readonly watermark: bigint }
  /** Someone else moved further (or as far) first: not an error. */
  | { readonly outcome: 'superseded'; readonly attempted: bigint; readonly storedWatermark: bigint | undefined }
  /** Nothing new was processed: no request made. */
  | { readonly outcome: 'unchanged'; readonly watermark: bigint | undefined };

/** Counts for metrics, over one `WatermarkBatch`. */
export interface WatermarkSummary {
  readonly partitions: number;
  readonly duplicatesSkipped: number;
  readonly advanced: number;
  readonly superseded: number;
  readonly unchanged: number;
  /** TransactWriteItems committed (transactional effects with their watermark advances). */
  readonly transactions: number;
}

/**
 * Offset-watermark idempotency: per (group, topic, partition) the highest offset fully
 * processed. Costs one BatchGetItem per batch (per 100 partitions) and at most one
 * conditional write per partition, whatever the number of records.
 *
 * Correct because Lambda delivers each partition in offset order and the pipeline stops a
 * partition at its first failure: everything at or below the watermark has succeeded.
 *
 * Transactional effects (`addEffects`): the DynamoDB writes of processed records are committed
 * in TransactWriteItems together with the watermark advance past those records, at most 100
 * items each, so a crash can no longer make a record's effects happen twice. Costs one
 * transaction per ~99 effect items instead of the one UpdateItem (ordering argument in
 * watermark-effects.ts).
 *
 * @example
 * const watermarks = new OffsetWatermark({ groupId: 'email', store });
 * const batch = await watermarks.load([{ topic: 'orders', partition: 0 }]);
 * const { toProcess } = batch.beforePartition({ topic: 'orders', partition: 0 }, records);
 * const last = await processInOrder(toProcess); // highest offset that succeeded, or undefined
 * await batch.afterPartition({ topic: 'orders', partition: 0 }, last);
 */
export class OffsetWatermark {
  readonly #groupId: string;
  readonly #store: WatermarkStore;
  // Outlives batches: key schemas of effect tables learnt in one invocation serve the next.
  readonly #schemas = new TableKeySchemas();

  constructor(options: OffsetWatermarkOptions) {
    parseOptions(watermarkOptionsSchema, options, 'offset watermark');
    this.#groupId = options.groupId;
    this.#store = options.store;
  }

  /** Reads the watermarks of every partition in the batch in one store call. */
  async load(partitions: Iterable<TopicPartition>): Promise<WatermarkBatch> {
    const unique = [...new Map([...partitions].map((partition) => [topicPartitionKey(partition), partition])).values()];
    const watermarks = unique.length === 0 ? new Map<string, bigint>() : await this.#store.getWatermarks(this.#groupId, unique);
    return new WatermarkBatch(this.#groupId, this.#store, unique, watermarks, this.#schemas);
  }
}

/** The watermarks of one batch, with the per-partition calls around processing. */
export class WatermarkBatch {
  readonly #groupId: string;
  readonly #store: WatermarkStore;
  readonly #loaded: Set<string>;
  readonly #watermarks: Map<string, bigint>;
  readonly #schemas: TableKeySchemas;
  readonly #effects = new Map<string, PartitionEffects>();
  #duplicatesSkipped = 0;
  #advanced = 0;
  #superseded = 0;
  #unchanged = 0;

  /** @internal Use `OffsetWatermark.load`. */
  constructor(
    groupId: string,
    store: WatermarkStore,
    partitions: readonly TopicPartition[],
    watermarks: ReadonlyMap<string, bigint>,
    schemas: TableKeySchemas = new TableKeySchemas(),
  ) {
    this.#groupId = groupId;
    this.#store = store;
    this.#loaded = new Set(partitions.map(topicPartitionKey));
    this.#watermarks = new Map(watermarks);
    this.#schemas = schemas;
  }

  /** The watermark of a loaded partition, `undefined` if it was never advanced. */
  watermarkOf(partition: TopicPartition): bigint | undefined {
    return this.#watermarks.get(this.#requireLoaded(partition, 'watermarkOf'));
  }

  /** Call before processing a partition: splits its records into new ones and duplicates. */
  beforePartition<R extends OffsetRecord>(partition: TopicPartition, records: readonly R[]): PartitionSplit<R> {
    const id = this.#requireLoaded(partition, 'beforePartition');
    const watermark = this.#watermarks.get(id);
    const toProcess: R[] = [];
    const duplicates: R[] = [];
    for (const record of records) {
      if (record.topic !== partition.topic || record.partition !== partition.partition) {
        throw new IdempotencyUsageError(
          `record ${topicPartitionKey(record)}@${record.offset} passed to beforePartition(${id}) for group "${this.#groupId}"`,
        );
      }
      (watermark !== undefined && record.offset <= watermark ? duplicates : toProcess).push(record);
    }
    this.#duplicatesSkipped += duplicates.length;
    return { toProcess, duplicates, watermark };
  }

  /**
   * Transactional effects: call after the handler of `record` (in offset order, above the
   * watermark) with the DynamoDB writes it returned instead of making them. They are
   * committed together with the watermark advance past `record`: when the next record's
   * effects no longer fit the open transaction (100 items), or by `afterPartition`. Checks
   * the effects first (at most 99, well-formed, no item written twice except ADD-only
   * updates, which are merged).
   *
   * @throws IdempotencyEffectsError (not retriable) naming the record when its effects are
   *   invalid: nothing was buffered, the partition may go on.
   * @throws IdempotencyEffectsNotCommittedError (retriable) when committing earlier records'
   *   effects failed: stop the partition and have it redelivered from the record after
   *   `watermarkOf(partition)`; the batch commits nothing more for it.
   * @example
   * for (const record of toProcess) await batch.addEffects(partition, record, handler(record).effects);
   * await batch.afterPartition(partition, toProcess.at(-1)?.offset);
   */
  async addEffects(partition: TopicPartition, record: OffsetRecord, effects: readonly TransactWriteItem[]): Promise<void> {
    const id = this.#requireLoaded(partition, 'addEffects');
    if (record.topic !== partition.topic || record.partition !== partition.partition) {
      throw new IdempotencyUsageError(`record ${topicPartitionKey(record)}@${record.offset} passed to addEffects(${id}) for group "${this.#groupId}"`);
    }
    const checked = checkEffects(effects, `record ${id}@${record.offset}`, this.#schemas);
    await this.#effectsOf(partition, id).add(record, checked);
  }

  /** The failure of a partition's effects commit, if one failed (see `addEffects`). */
  effectsFailure(partition: TopicPartition): IdempotencyEffectsNotCommittedError | undefined {
    return this.#effects.get(this.#requireLoaded(partition, 'effectsFailure'))?.failure;
  }

  /**
   * Call after processing a partition with the highest offset that succeeded (in order,
   * up to the first failure), or `undefined` when none did. Writes only if that moves
   * the watermark forward; a conditional failure means another invocation got further.
   * With buffered effects (`addEffects`) the write is the last transaction, carrying them.
   *
   * @throws IdempotencyEffectsNotCommittedError when the effects could not be committed
   *   (now or in an earlier `addEffects`): nothing after `watermarkOf(partition)` is applied.
   */
  async afterPartition(partition: TopicPartition, lastProcessedOffset: bigint | undefined): Promise<WatermarkAdvance> {
    const id = this.#requireLoaded(partition, 'afterPartition');
    const effects = this.#effects.get(id);
    if (effects?.failure !== undefined) throw effects.failure;
    if (effects?.pending === true) {
      const lastWithEffects = effects.lastOffset as bigint;
      if (lastProcessedOffset === undefined || lastProcessedOffset < lastWithEffects) {
        throw new IdempotencyUsageError(
          `afterPartition(${id}, ${String(lastProcessedOffset)}) for group "${this.#groupId}": records up to ${lastWithEffects} returned effects, so the watermark must reach it`,
        );
      }
      await effects.flush(lastProcessedOffset);
      this.#advanced += 1;
      return { outcome: 'advanced', watermark: lastProcessedOffset };
    }
    const watermark = this.#watermarks.get(id);
    if (lastProcessedOffset === undefined || (watermark !== undefined && lastProcessedOffset <= watermark)) {
      this.#unchanged += 1;
      return { outcome: 'unchanged', watermark };
    }
    if (lastProcessedOffset < 0n) {
      throw new IdempotencyUsageError(`offset ${lastProcessedOffset} of ${id} for group "${this.#groupId}" is negative`);
    }
    const result = await this.#store.advanceWatermark(this.#groupId, partition, lastProcessedOffset);
    if (result.advanced) {
      this.#watermarks.set(id, lastProcessedOffset);
      this.#advanced += 1;
      return { outcome: 'advanced', watermark: lastProcessedOffset };
    }
    if (result.storedWatermark !== undefined) this.#watermarks.set(id, result.storedWatermark);
    this.#superseded += 1;
    return { outcome: 'superseded', attempted: lastProcessedOffset, storedWatermark: result.storedWatermark };
  }

  /** Counts so far, for metrics. */
  summary(): WatermarkSummary {
    return {
      partitions: this.#loaded.size,
      duplicatesSkipped: this.#duplicatesSkipped,
      advanced: this.#advanced,
      superseded: this.#superseded,
      unchanged: this.#unchanged,
      transactions: [...this.#effects.values()].reduce((sum, effects) => sum + effects.transactions, 0),
    };
  }

  #effectsOf(partition: TopicPartition, id: string): PartitionEffects {
    let effects = this.#effects.get(id);
    if (effects === undefined) {
      effects = new PartitionEffects({
        groupId: this.#groupId,
        store: this.#store,
        partition: { topic: partition.topic, partition: partition.partition },
        schemas: this.#schemas,
        watermark: () => this.#watermarks.get(id),
        committed: (watermark) => {
          const current = this.#watermarks.get(id);
          if (current === undefined || watermark > current) this.#watermarks.set(id, watermark);
        },
      });
      this.#effects.set(id, effects);
    }
    return effects;
  }

  #requireLoaded(partition: TopicPartition, method: string): string {
    const id = topicPartitionKey(partition);
    if (!this.#loaded.has(id)) {
      throw new IdempotencyUsageError(`${method}(${id}): partition was not passed to load() for group "${this.#groupId}"`);
    }
    return id;
  }
}
