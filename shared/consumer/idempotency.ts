import type { PartitionGuard, PartitionGuardDecision, PartitionOutcome } from '../batch/index.ts';
import type { KafkaPartitionBatch, KafkaRecord } from '../events/index.ts';
import {
  BusinessKeyIdempotency,
  DynamoDbIdempotencyStore,
  IdempotencyEffectsError,
  IdempotencyEffectsNotCommittedError,
  IdempotencyInProgressError,
  IdempotencyKeyError,
  IdempotencyLockLostError,
  isTransactionalEffects,
  OffsetWatermark,
} from '../idempotency/index.ts';
import type { IdempotencyStore, TransactWriteItem } from '../idempotency/index.ts';
import { effectsNeedIdempotency } from './effects.ts';
import type { EffectsUnit } from './effects.ts';
import { IdempotencyUnavailableError } from './errors.ts';
import type { FilterVerdict, Invocation } from './invocation.ts';
import { currentInvocation } from './invocation.ts';
import { errorAttributes } from './logging.ts';
import type { ResolvedIdempotency } from './types.ts';

/** How idempotency plugs into one consumer: built at cold start, used per invocation. */
export interface IdempotencyRuntime {
  readonly mode: ResolvedIdempotency['mode'];
  /** Watermark mode: the batch module's partition guard. */
  readonly guard: PartitionGuard | undefined;
  /**
   * Reads what the batch needs from the store, once per invocation (all partitions' watermarks,
   * or all records' keys). Never rejects: a store failure is kept on the invocation and fails
   * every partition (watermark) or record (key) as retriable, never as poison.
   */
  prepare(invocation: Invocation, partitions: readonly KafkaPartitionBatch[], filter: ((record: KafkaRecord) => boolean) | undefined): Promise<void>;
  /**
   * Key mode: runs `handler` once per business key; effects it returns are committed with the
   * key's completion. Resolves true when the record was a duplicate.
   */
  runKeyed(invocation: Invocation, record: KafkaRecord, handler: () => unknown): Promise<boolean>;
  /**
   * Watermark mode: takes the (checked) effects of handled records, in offset order; they are
   * committed with the watermark. Off: throws the non-retriable "effects need idempotency".
   */
  takeEffects(invocation: Invocation, units: readonly EffectsUnit[]): Promise<void>;
  /** Set once any handler returned effects (a chunk handler's ChunkRecordError then fails its whole chunk). */
  readonly effects: { seen: boolean };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function storeOf(config: { readonly tableName?: string; readonly store?: IdempotencyStore }): IdempotencyStore {
  if (config.store !== undefined) return config.store;
  // `new DynamoDBClient({})` inside: region, credentials and AWS_ENDPOINT_URL(_DYNAMODB) resolve the standard way.
  return new DynamoDbIdempotencyStore({ tableName: config.tableName as string });
}

function watermarkGuard(): PartitionGuard {
  return {
    before(partition: KafkaPartitionBatch): PartitionGuardDecision | undefined {
      if (partition.records.length === 0) return undefined;
      const invocation = currentInvocation();
      const { watermarks } = invocation;
      if (watermarks === undefined) {
        throw new IdempotencyUnavailableError(
          `watermarks of topic ${partition.topic} partition ${partition.partition} could not be read: ${describe(invocation.idempotencyError)}`,
          { cause: invocation.idempotencyError },
        );
      }
      const split = watermarks.beforePartition(partition, partition.records);
      if (split.watermark === undefined) return undefined;
      if (split.duplicates.length > 0) {
        invocation.loggers.partition(partition.topic, partition.partition).info('skipping records at or below the watermark', {
          watermark: split.watermark.toString(),
          duplicatesSkipped: split.duplicates.length,
        });
      }
      return { skipUpTo: split.watermark };
    },
    async after(partition: KafkaPartitionBatch, outcome: PartitionOutcome): Promise<void> {
      const invocation = currentInvocation();
      if (invocation.watermarks === undefined || partition.records.length === 0) return;
      let advance;
      try {
        advance = await invocation.watermarks.afterPartition(partition, outcome.lastHandledOffset);
      } catch (error) {
        if (!(error instanceof IdempotencyEffectsNotCommittedError)) throw error;
        // The consumer reports the partition failed from the record after the committed
        // watermark (effects.ts), so nothing is lost; said here once per partition.
        if (error.reason === 'conflict') invocation.counts.watermarkConflicts += 1;
        invocation.loggers.partition(partition.topic, partition.partition).error('effects not committed: the partition is redelivered from the record after the watermark', {
          committedWatermark: error.committedWatermark?.toString(),
          ...errorAttributes(error),
        });
        return;
      }
      if (advance.outcome === 'superseded') {
        // Strongly consistent reads mean only an invocation running at the same time can have
        // moved further: Lambda gives a partition to one poller at a time, so this is a
        // redelivery overlapping its original (or two mappings on one group). The records
        // between the two reads ran twice: watermarks cannot stop that, business keys (or
        // transactional effects, whose transactions refuse records already passed) can.
        invocation.counts.watermarkConflicts += 1;
        invocation.loggers.partition(partition.topic, partition.partition).warn('another invocation advanced this partition first; its records may have run twice', {
          attemptedWatermark: advance.attempted.toString(),
          storedWatermark: advance.storedWatermark?.toString(),
        });
      }
    },
  };
}

/**
 * The idempotency of one consumer, from its resolved settings.
 *
 * @example
 * const idempotency = createIdempotencyRuntime({ mode: 'watermark', tableName: 'idempotency' }, 'analytics-service-group');
 */
export function createIdempotencyRuntime(config: ResolvedIdempotency, groupId: string): IdempotencyRuntime {
  const effects = { seen: false };
  if (config.mode === 'off') {
    return {
      mode: 'off',
      guard: undefined,
      prepare: async () => undefined,
      runKeyed: async (_invocation, record, handler) => {
        if (isTransactionalEffects(await handler())) throw effectsNeedIdempotency(record);
        return false;
      },
      takeEffects: async (_invocation, units) => {
        effects.seen = true;
        throw effectsNeedIdempotency((units[0] as EffectsUnit).record);
      },
      effects,
    };
  }
  const store = storeOf(config);
  if (config.mode === 'watermark') {
    const watermark = new OffsetWatermark({ groupId, store });
    return {
      mode: 'watermark',
      guard: watermarkGuard(),
      async prepare(invocation, partitions) {
        try {
          invocation.watermarks = await watermark.load(partitions.filter((p) => p.records.length > 0));
        } catch (error) {
          invocation.idempotencyError = error;
          invocation.loggers.root.error('could not read the watermarks; every partition is left for retry', { consumerGroup: groupId, ...errorAttributes(error) });
        }
      },
      runKeyed: async (_invocation, _record, handler) => {
        await handler();
        return false;
      },
      async takeEffects(invocation, units) {
        effects.seen = true;
        const batch = invocation.watermarks as NonNullable<Invocation['watermarks']>;
        for (const { record, effects: items } of units) {
          try {
            await batch.addEffects(record, record, items);
          } catch (error) {
            // A commit of earlier records' effects failed: retriable, whatever the cause, so the
            // record is never dead-lettered for it; the response then names the right record.
            if (!(error instanceof IdempotencyEffectsNotCommittedError)) throw error;
            throw new IdempotencyUnavailableError(
              `effects of topic ${record.topic} partition ${record.partition} could not be committed (at offset ${record.offset}): ${error.message}`,
              { cause: error },
            );
          }
        }
      },
      effects,
    };
  }
  const keys = new BusinessKeyIdempotency<KafkaRecord>({
    groupId,
    key: config.key,
    store,
    ...(config.expiresAfterSeconds === undefined ? {} : { expiresAfterSeconds: config.expiresAfterSeconds }),
  });
  return {
    mode: 'key',
    guard: undefined,
    async prepare(invocation, partitions, filter) {
      let records = partitions.flatMap((p) => p.records);
      if (filter !== undefined) {
        // Filtered-out records claim no key (a `user.login` must not use up the key of the
        // welcome e-mail); the verdicts are kept so the filter runs once per record.
        const verdicts = new Map<KafkaRecord, FilterVerdict>();
        for (const record of records) {
          try {
            verdicts.set(record, filter(record));
          } catch (error) {
            verdicts.set(record, { error });
          }
        }
        invocation.filterVerdicts = verdicts;
        records = records.filter((record) => verdicts.get(record) === true);
      }
      const lambda = invocation.lambdaContext;
      const remaining = lambda.getRemainingTimeInMillis;
      try {
        // A lock expires with the invocation (remainingTimeMs), so a crashed holder frees its keys.
        invocation.keys = await keys.load(records, remaining === undefined ? {} : { remainingTimeMs: () => remaining.call(lambda) });
      } catch (error) {
        invocation.idempotencyError = error;
        invocation.loggers.root.error('could not read the idempotency keys; every record is left for retry', { consumerGroup: groupId, ...errorAttributes(error) });
      }
    },
    async runKeyed(invocation, record, handler) {
      const batch = invocation.keys;
      if (batch === undefined) {
        throw new IdempotencyUnavailableError(
          `idempotency keys of topic ${record.topic} partition ${record.partition} offset ${record.offset} could not be read: ${describe(invocation.idempotencyError)}`,
          { cause: invocation.idempotencyError },
        );
      }
      let handlerFailed = false;
      try {
        // The handler's result is not stored (null): replays only need to know it succeeded.
        // Effects it returns are committed with the key's completion, in one transaction.
        const outcome = await batch.executeWithEffects(record, async () => {
          let returned: unknown;
          try {
            returned = await handler();
          } catch (error) {
            handlerFailed = true;
            throw error;
          }
          if (!isTransactionalEffects(returned)) return { effects: [], result: null };
          effects.seen = true;
          return { effects: returned.effects as readonly TransactWriteItem[], result: null };
        });
        if (outcome.status === 'replayed') {
          invocation.loggers.record(record).debug('skipping a duplicate: its business key was already processed', { idempotencyKey: outcome.key });
          return true;
        }
        return false;
      } catch (error) {
        // The handler's own errors, a record without a key or with invalid or rejected effects
        // (poison), and a key held by another invocation or a lost lock (retriable) pass
        // through; anything else is the store failing: retriable, whatever the store said, so
        // a good record is never dead-lettered for it.
        if (
          handlerFailed ||
          error instanceof IdempotencyKeyError ||
          error instanceof IdempotencyInProgressError ||
          error instanceof IdempotencyEffectsError ||
          error instanceof IdempotencyLockLostError
        ) {
          throw error;
        }
        throw new IdempotencyUnavailableError(
          `idempotency store failed for topic ${record.topic} partition ${record.partition} offset ${record.offset}: ${describe(error)}`,
          { cause: error },
        );
      }
    },
    // Key mode has record handlers only, whose effects go through runKeyed.
    takeEffects: async () => {
      throw new Error('takeEffects is not used in key mode (record effects go through runKeyed)');
    },
    effects,
  };
}
