import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { describeItem } from './effect-items.ts';
import type { TableKeySchemas } from './effect-items.ts';
import { IdempotencyEffectsNotCommittedError, IdempotencyUsageError } from './errors.ts';
import type { EffectsNotCommittedReason } from './errors.ts';
import { topicPartitionKey } from './partition-keys.ts';
import { TransactionPacker } from './transaction-plan.ts';
import type { OffsetRecord, TopicPartition, WatermarkEffectsResult, WatermarkStore } from './types.ts';

/** The effects of one processed record, waiting for their transaction. */
interface Unit {
  readonly record: OffsetRecord;
  readonly effects: readonly TransactWriteItem[];
}

/** What a partition's effects need from its batch. */
export interface PartitionEffectsContext {
  readonly groupId: string;
  readonly store: WatermarkStore;
  readonly partition: TopicPartition;
  readonly schemas: TableKeySchemas;
  watermark(): bigint | undefined;
  /** Called after each committed transaction with the watermark it set. */
  committed(watermark: bigint): void;
}

/**
 * The transactional effects of one partition in one batch, and their commits.
 *
 * Ordering argument (why a crash anywhere leaves no record applied twice or lost):
 * - A record's effects are applied only inside a TransactWriteItems that also moves the
 *   watermark to that record or past it, and each transaction is atomic.
 * - Transactions take consecutive records in offset order and are committed one after the
 *   other; transaction k+1 is sent only after k committed. Each one moves the watermark to
 *   the last record whose effects it completes (the last transaction of the partition to
 *   the end of the handled prefix, which may add records without effects).
 * - So after a crash between transactions (or inside one, which then applied nothing) the
 *   watermark is exactly at the last record whose effects were applied: the redelivery
 *   skips every applied record and runs every other one, whose effects were not applied.
 * - Each transaction commits only while the stored watermark is below its first record
 *   (`watermark < :from`), so even two invocations running the partition at once cannot
 *   both apply a record's effects: the second one's transaction is cancelled.
 *
 * Effects are buffered: the open transaction grows record by record (ADD-only updates of one
 * item merged) and is committed when the next record's effects do not fit it, or at the end
 * of the partition with the final watermark. Requests: one TransactWriteItems per ~99 items.
 */
export class PartitionEffects {
  readonly #context: PartitionEffectsContext;
  #open: { units: Unit[]; packer: TransactionPacker } | undefined;
  #failure: IdempotencyEffectsNotCommittedError | undefined;
  #lastOffset: bigint | undefined;
  #transactions = 0;

  constructor(context: PartitionEffectsContext) {
    this.#context = context;
  }

  /** Why a commit failed; once set, nothing more is committed for this partition. */
  get failure(): IdempotencyEffectsNotCommittedError | undefined {
    return this.#failure;
  }

  /** Offset of the last record whose effects were added. */
  get lastOffset(): bigint | undefined {
    return this.#lastOffset;
  }

  /** Whether effects wait for a transaction. */
  get pending(): boolean {
    return this.#open !== undefined;
  }

  /** Transactions committed. */
  get transactions(): number {
    return this.#transactions;
  }

  /** Adds a record's (checked) effects; commits the open transaction first if they do not fit it. */
  async add(record: OffsetRecord, effects: readonly TransactWriteItem[]): Promise<void> {
    if (this.#failure !== undefined) throw this.#failure;
    const id = topicPartitionKey(this.#context.partition);
    const watermark = this.#context.watermark();
    if ((watermark !== undefined && record.offset <= watermark) || (this.#lastOffset !== undefined && record.offset <= this.#lastOffset)) {
      throw new IdempotencyUsageError(
        `effects of ${id}@${record.offset} for group "${this.#context.groupId}" come out of order: records at or below ${String(this.#lastOffset ?? watermark)} were already taken`,
      );
    }
    this.#lastOffset = record.offset;
    if (effects.length === 0) return;
    const unit = { record, effects };
    if (this.#open !== undefined && this.#open.packer.add(effects, this.#open.units.length).fits) {
      this.#open.units.push(unit);
      return;
    }
    if (this.#open !== undefined) {
      const full = this.#open;
      this.#open = undefined;
      await this.#commit(full.units, full.packer, (full.units.at(-1) as Unit).record.offset);
    }
    this.#open = { units: [unit], packer: packAlone(unit, this.#context.schemas) };
  }

  /** Commits what is open with the watermark at `watermark` (the end of the handled prefix). */
  async flush(watermark: bigint): Promise<void> {
    if (this.#failure !== undefined) throw this.#failure;
    const open = this.#open;
    if (open === undefined) return;
    this.#open = undefined;
    await this.#commit(open.units, open.packer, watermark);
  }

  async #commit(units: readonly Unit[], packer: TransactionPacker, watermark: bigint): Promise<void> {
    const from = (units[0] as Unit).record.offset;
    const result = await this.#send(packer.items(), watermark, from, units);
    if (result.committed) return;
    if (result.reason === 'invalid' && units.length > 1) {
      // DynamoDB refused the request as a whole, most likely two Puts of one item whose key
      // the planner could not tell (a Put names no key). One record per transaction keeps
      // the ordering argument and finds the record at fault, if any.
      for (const [index, unit] of units.entries()) {
        const single = packAlone(unit, this.#context.schemas);
        const last = index === units.length - 1;
        const outcome = await this.#send(single.items(), last ? watermark : unit.record.offset, unit.record.offset, [unit]);
        if (!outcome.committed) return this.#fail(outcome, [unit], single);
      }
      return;
    }
    return this.#fail(result, units, packer);
  }

  async #send(effects: TransactWriteItem[], watermark: bigint, from: bigint, units: readonly Unit[]): Promise<WatermarkEffectsResult> {
    const { store, groupId, partition } = this.#context;
    if (store.commitWatermarkEffects === undefined) {
      return this.#failWith('store', `the watermark store cannot commit transactional effects: it has no commitWatermarkEffects()`, undefined);
    }
    let result: WatermarkEffectsResult;
    try {
      result = await store.commitWatermarkEffects(groupId, partition, { effects, watermark, from });
    } catch (error) {
      const last = (units.at(-1) as Unit).record.offset;
      return this.#failWith('store', `the transaction of the effects of records ${from}..${last} failed: ${error instanceof Error ? error.message : String(error)}`, error);
    }
    if (result.committed) {
      this.#transactions += 1;
      this.#context.committed(watermark);
    }
    return result;
  }

  #fail(result: Exclude<WatermarkEffectsResult, { committed: true }>, units: readonly Unit[], packer: TransactionPacker): never {
    const first = (units[0] as Unit).record.offset;
    const last = (units.at(-1) as Unit).record.offset;
    if (result.reason === 'superseded') {
      return this.#failWith(
        'conflict',
        `another invocation moved the watermark to ${String(result.storedWatermark)} before the effects of records ${first}..${last} were committed; none of them was applied`,
        undefined,
        result.storedWatermark,
      );
    }
    if (result.reason === 'effect') {
      const owner = units[packer.ownerOf(result.effectIndex) ?? 0] as Unit;
      const item = packer.items()[result.effectIndex];
      const what = item === undefined ? '' : ` (${describeItem(item, this.#context.schemas)})`;
      return this.#failWith(
        'rejected',
        `DynamoDB rejected an effect of record ${topicPartitionKey(owner.record)}@${owner.record.offset}${what} with ${result.code}${result.message ? `: ${result.message}` : ''}; the effects of records ${first}..${last} were not applied`,
        undefined,
      );
    }
    return this.#failWith('rejected', `DynamoDB refused the transaction of the effects of records ${first}..${last}: ${result.message}`, undefined);
  }

  #failWith(reason: EffectsNotCommittedReason, problem: string, cause: unknown, storedWatermark?: bigint): never {
    const { partition, groupId } = this.#context;
    if (storedWatermark !== undefined) this.#context.committed(storedWatermark);
    const committedWatermark = this.#context.watermark();
    this.#failure = new IdempotencyEffectsNotCommittedError(
      `effects of ${topicPartitionKey(partition)} for group "${groupId}" not committed: ${problem}. Records up to the watermark (${String(committedWatermark)}) are done; redeliver the partition from the record after it`,
      { topic: partition.topic, partition: partition.partition, committedWatermark, reason, cause },
    );
    this.#open = undefined;
    throw this.#failure;
  }
}

/** A transaction of one record's effects (checked by `checkEffects`, so they always fit). */
function packAlone(unit: Unit, schemas: TableKeySchemas): TransactionPacker {
  const packer = new TransactionPacker({ schemas });
  if (!packer.add(unit.effects, 0).fits) {
    throw new IdempotencyUsageError(`effects of ${topicPartitionKey(unit.record)}@${unit.record.offset} do not fit a transaction of their own (check them with checkEffects)`);
  }
  return packer;
}
