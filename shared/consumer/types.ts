import type { DeadLetterSink } from '../batch/index.ts';
import type { KafkaRecord } from '../events/index.ts';
import type { IdempotencyStore, KeyFunction, TransactWriteItem } from '../idempotency/index.ts';
import type { IDEMPOTENCY_MODES } from './constants.ts';

/** `off`, `watermark` or `key` (see `IDEMPOTENCY_MODES`). */
export type IdempotencyMode = (typeof IDEMPOTENCY_MODES)[keyof typeof IDEMPOTENCY_MODES];

/** The part of Lambda's context object the consumer reads. */
export interface LambdaContextLike {
  readonly awsRequestId?: string;
  readonly functionName?: string;
  getRemainingTimeInMillis?(): number;
}

/** Structured attributes of a log line. */
export type LogAttributes = Record<string, unknown>;

/**
 * What the consumer needs from a logger: Powertools' `Logger` fits as is (the default).
 * Lines about a record carry `consumerGroup`, `topic`, `partition` and `offset`.
 */
export interface ConsumerLogger {
  debug(message: string, ...attributes: LogAttributes[]): void;
  info(message: string, ...attributes: LogAttributes[]): void;
  warn(message: string, ...attributes: LogAttributes[]): void;
  error(message: string, ...attributes: LogAttributes[]): void;
  /** A logger whose every line carries `persistentKeys`. */
  createChild(options?: { persistentKeys?: LogAttributes }): ConsumerLogger;
  /** Adds the Lambda context (request id, cold start) to later lines, when supported. */
  addContext?(context: LambdaContextLike): void;
}

/** What a record handler gets besides the record. */
export interface RecordContext {
  readonly groupId: string;
  /** Logs with `consumerGroup`, `topic`, `partition` and `offset` of this record. */
  readonly logger: ConsumerLogger;
  readonly lambdaContext: LambdaContextLike;
}

/** What a chunk handler gets besides the records (consecutive records of one partition). */
export interface ChunkContext {
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
  /** Logs with `consumerGroup`, `topic` and `partition`. */
  readonly logger: ConsumerLogger;
  /** A logger for one record of the chunk (adds its `offset`). */
  loggerFor(record: KafkaRecord): ConsumerLogger;
  readonly lambdaContext: LambdaContextLike;
}

/**
 * Handles one record. Throw to fail it (`PoisonRecordError` or a zod error: dead-letter it).
 * Return `RecordEffects` (`{ effects }`) to have DynamoDB writes committed exactly once with
 * the watermark or business key; any other return value is ignored.
 */
export type ConsumerRecordHandler = (record: KafkaRecord, context: RecordContext) => unknown;

/**
 * Handles consecutive records of one partition. Throw `ChunkRecordError` to name the failed
 * record. Return `ChunkEffects` to have DynamoDB writes committed exactly once with the watermark.
 */
export type ConsumerChunkHandler = (records: readonly KafkaRecord[], context: ChunkContext) => unknown;

/**
 * What a record handler returns for transactional effects: `TransactWriteItem`s (any table,
 * at most 99) the library commits in one TransactWriteItems with the record's idempotency
 * write, instead of the handler writing them. Needs idempotency `watermark` or `key`.
 *
 * @example
 * recordHandler: (record): RecordEffects => ({ effects: [{ Put: { TableName: 'audit', Item: auditItem(record) } }] }),
 */
export interface RecordEffects {
  readonly effects: readonly TransactWriteItem[];
  /** Ignored by the consumer (kept for the shape shared with `TransactionalEffects`). */
  readonly result?: unknown;
}

/**
 * What a chunk handler returns for transactional effects: an array belongs to the whole
 * chunk (committed with the watermark at the chunk's last record, so at most 99 items); a
 * `Map` from record offset to that record's effects (at most 99 each) lets the library split
 * the chunk's effects over several transactions, at record boundaries.
 *
 * @example
 * chunkHandler: (records): ChunkEffects => ({ effects: new Map(records.map((r) => [r.offset, [put(r)]])) }),
 */
export interface ChunkEffects {
  readonly effects: readonly TransactWriteItem[] | ReadonlyMap<bigint, readonly TransactWriteItem[]>;
}

/** Idempotency set in code; every field overrides its `SCG_IDEMPOTENCY*` variable. */
export interface IdempotencyOptions {
  /** @default `SCG_IDEMPOTENCY`, else `watermark` when a table or store is given, else `off` */
  readonly mode?: IdempotencyMode;
  /** DynamoDB table (layout in `shared/idempotency/dynamodb-store.ts`). @default `SCG_IDEMPOTENCY_TABLE` */
  readonly tableName?: string;
  /** A store to use instead of a table (e.g. `InMemoryIdempotencyStore` in tests). @default a `DynamoDbIdempotencyStore` on `tableName` */
  readonly store?: IdempotencyStore;
  /** Key mode: a dotted path into the JSON value, or a function. @default `SCG_IDEMPOTENCY_KEY` */
  readonly key?: string | KeyFunction<KafkaRecord>;
  /** Key mode: how long a key is remembered. @default `SCG_IDEMPOTENCY_TTL_SECONDS`, else 3600 */
  readonly expiresAfterSeconds?: number;
}

/** Where EMF documents go. */
export type EmfSink = (line: string) => void;

/** Metrics set in code. */
export interface ConsumerMetricsOptions {
  /** @default `POWERTOOLS_METRICS_NAMESPACE`, else `ServerlessConsumerGroups` */
  readonly namespace?: string;
  /** @default one line per document on stdout (CloudWatch Logs extracts the metrics) */
  readonly sink?: EmfSink;
}

interface CommonOptions {
  /** @default `SCG_GROUP_ID` (required one way or the other) */
  readonly groupId?: string;
  /**
   * Records for which it returns false are left out: no idempotency bookkeeping, no handler
   * call; they count as handled. A throw counts as the record's failure (a `PoisonRecordError`
   * dead-letters it). @default every record is handled
   */
  readonly filter?: (record: KafkaRecord) => boolean;
  /** Partitions processed at once. @default `SCG_CONCURRENCY`, else 4 */
  readonly concurrency?: number;
  /** @default from `SCG_IDEMPOTENCY*` */
  readonly idempotency?: IdempotencyMode | IdempotencyOptions;
  /**
   * Declares that the handler returns transactional effects (`{ effects }`). Checked at cold
   * start: idempotency must be `watermark` or `key` and the store able to commit effects.
   * A chunk handler's `ChunkRecordError` then fails its whole chunk (see README). Effects are
   * taken without it too, but a misconfiguration only shows on the first record.
   * @default false
   */
  readonly transactionalEffects?: boolean;
  /**
   * A sink, a target string (as `SCG_DEAD_LETTER`), or `false` for none.
   * @default `SCG_DEAD_LETTER`, else none (poison records are reported like any failure)
   */
  readonly deadLetter?: DeadLetterSink | string | false;
  /**
   * Return a partial batch response instead of failing the invocation. Must match the
   * mapping's `FunctionResponseTypes`: see `shared/consumer/README.md`.
   * @default `SCG_REPORT_BATCH_ITEM_FAILURES`, else false
   */
  readonly reportBatchItemFailures?: boolean;
  /** @default a Powertools `Logger` (service `POWERTOOLS_SERVICE_NAME`, else the group id) */
  readonly logger?: ConsumerLogger;
  /** `false` publishes nothing. @default EMF on stdout */
  readonly metrics?: ConsumerMetricsOptions | false;
  /** Where configuration is read from. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Options of `kafkaConsumer`: exactly one of `recordHandler` / `chunkHandler`. */
export type KafkaConsumerOptions = CommonOptions &
  (
    | { readonly recordHandler: ConsumerRecordHandler; readonly chunkHandler?: never; readonly chunkSize?: never }
    | {
        readonly chunkHandler: ConsumerChunkHandler;
        /** @default `SCG_CHUNK_SIZE`, else 100 (the seed's batch of 100) */
        readonly chunkSize?: number;
        readonly recordHandler?: never;
      }
  );

/** Where poison records go, as configured. */
export type DeadLetterTarget =
  | { readonly kind: 'kafka'; readonly topic: string }
  | { readonly kind: 'sqs'; readonly queueUrl: string }
  | { readonly kind: 's3'; readonly bucket: string; readonly keyPrefix?: string }
  | { readonly kind: 'sink'; readonly sink: DeadLetterSink };

/** Idempotency as resolved from code and environment. */
export type ResolvedIdempotency =
  | { readonly mode: 'off' }
  | { readonly mode: 'watermark'; readonly tableName?: string; readonly store?: IdempotencyStore }
  | {
      readonly mode: 'key';
      readonly tableName?: string;
      readonly store?: IdempotencyStore;
      readonly key: string | KeyFunction<KafkaRecord>;
      readonly expiresAfterSeconds?: number;
    };

/** The configuration a consumer runs with, resolved once at cold start. */
export interface ConsumerSettings {
  readonly groupId: string;
  readonly idempotency: ResolvedIdempotency;
  /** The handler declared transactional effects (`options.transactionalEffects`). */
  readonly transactionalEffects: boolean;
  readonly deadLetter: DeadLetterTarget | undefined;
  readonly concurrency: number | undefined;
  readonly chunkSize: number | undefined;
  readonly reportBatchItemFailures: boolean;
  readonly metricsNamespace: string;
  readonly serviceName: string;
}
