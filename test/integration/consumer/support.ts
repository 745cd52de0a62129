// Fresh DynamoDB tables per test on the emulator (AWS_ENDPOINT_URL, set by the global setup),
// deleted afterwards: the idempotency table plus the example functions' tables.
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient, ScanCommand, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { encodeKafkaEvent } from '../../../shared/events/index.ts';
import type { KafkaEvent, KafkaRecordInput } from '../../../shared/events/index.ts';
import { ensureIdempotencyTable } from '../../../shared/idempotency/index.ts';
import type { ConsumerLogger, LambdaContextLike, LogAttributes } from '../../../shared/consumer/index.ts';
import { freshName } from '../support/kafka.ts';

export type Item = Record<string, AttributeValue>;

export interface Tables {
  readonly client: DynamoDBClient;
  readonly idempotency: string;
  /** Creates a table with `pk` (S) and, with `sortKey`, `sk` (N). */
  create(prefix: string, sortKey?: boolean): Promise<string>;
  scan(table: string): Promise<Item[]>;
}

export function tablesPerTest(): Tables {
  const state = { client: undefined as DynamoDBClient | undefined, idempotency: '', created: [] as string[] };
  const client = (): DynamoDBClient => {
    if (state.client === undefined) throw new Error('tables exist only inside a test');
    return state.client;
  };

  beforeEach(async () => {
    if (!process.env.AWS_ENDPOINT_URL && !process.env.SCG_USE_REAL_AWS) {
      throw new Error('AWS_ENDPOINT_URL is not set: run through `npm run test:integration` (it starts moto)');
    }
    state.client = new DynamoDBClient({});
    state.idempotency = freshName('idempotency');
    state.created = [state.idempotency];
    await ensureIdempotencyTable(state.client, state.idempotency);
  });
  afterEach(async () => {
    for (const table of state.created) await state.client?.send(new DeleteTableCommand({ TableName: table })).catch(() => undefined);
    state.client?.destroy();
  });

  return {
    get client() {
      return client();
    },
    get idempotency() {
      return state.idempotency;
    },
    async create(prefix, sortKey = false) {
      const name = freshName(prefix);
      await client().send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, ...(sortKey ? [{ AttributeName: 'sk', AttributeType: 'N' as const }] : [])],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, ...(sortKey ? [{ AttributeName: 'sk', KeyType: 'RANGE' as const }] : [])],
        }),
      );
      state.created.push(name);
      await waitUntilTableExists({ client: client(), maxWaitTime: 30, minDelay: 1, maxDelay: 2 }, { TableName: name });
      return name;
    },
    async scan(table) {
      const items: Item[] = [];
      let start: Item | undefined;
      do {
        const page = await client().send(new ScanCommand({ TableName: table, ConsistentRead: true, ...(start === undefined ? {} : { ExclusiveStartKey: start }) }));
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start !== undefined);
      return items;
    },
  };
}

/** The event of `records` as Lambda would send it for a self-managed cluster at `bootstrapServers`. */
export function eventOf(records: readonly KafkaRecordInput[], bootstrapServers: string | readonly string[] = '127.0.0.1:9092'): KafkaEvent {
  return JSON.parse(JSON.stringify(encodeKafkaEvent(records, { kind: 'self-managed', bootstrapServers }))) as KafkaEvent;
}

export function recordAt(topic: string, partition: number, offset: number, value: unknown): KafkaRecordInput {
  return {
    topic,
    partition,
    offset: BigInt(offset),
    timestampMs: Date.now(),
    key: Buffer.from(`key-${partition}-${offset}`),
    value: value === null ? null : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
  };
}

export function userEvent(type: string, userId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { eventId: `e-${userId}-${type}`, type, userId, occurredAt: new Date().toISOString(), ...extra };
}

export function lambdaContext(requestId: string): LambdaContextLike {
  const deadline = Date.now() + 60_000;
  return { awsRequestId: requestId, functionName: 'integration', getRemainingTimeInMillis: () => deadline - Date.now() };
}

/** A logger that keeps lines (with persistent keys) instead of printing them. */
export class MemoryLogger implements ConsumerLogger {
  readonly lines: Array<{ level: string; message: string; attributes: LogAttributes }>;
  readonly #keys: LogAttributes;

  constructor(lines: MemoryLogger['lines'] = [], keys: LogAttributes = {}) {
    this.lines = lines;
    this.#keys = keys;
  }

  debug(message: string, ...attributes: LogAttributes[]): void {
    this.lines.push({ level: 'debug', message, attributes: Object.assign({}, this.#keys, ...attributes) as LogAttributes });
  }

  info(message: string, ...attributes: LogAttributes[]): void {
    this.lines.push({ level: 'info', message, attributes: Object.assign({}, this.#keys, ...attributes) as LogAttributes });
  }

  warn(message: string, ...attributes: LogAttributes[]): void {
    this.lines.push({ level: 'warn', message, attributes: Object.assign({}, this.#keys, ...attributes) as LogAttributes });
  }

  error(message: string, ...attributes: LogAttributes[]): void {
    this.lines.push({ level: 'error', message, attributes: Object.assign({}, this.#keys, ...attributes) as LogAttributes });
  }

  createChild(options: { persistentKeys?: LogAttributes } = {}): ConsumerLogger {
    return new MemoryLogger(this.lines, { ...this.#keys, ...options.persistentKeys });
  }
}
