// A DynamoDB client with no service behind it: a middleware at the `initialize` step answers
// the commands the example functions send (PutItem, BatchWriteItem, UpdateItem ADD) from
// in-memory tables, so the functions' own logic is what runs.
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AttributeValue, BatchWriteItemCommandInput, PutItemCommandInput, UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';
import { encodeKafkaEvent } from '../../../shared/events/index.ts';
import type { KafkaEvent, KafkaRecordInput } from '../../../shared/events/index.ts';
import { RecordingLogger } from '../consumer/support.ts';

export { lambdaContext, MemorySink, RecordingLogger } from '../consumer/support.ts';

type Item = Record<string, AttributeValue>;

export interface Call {
  readonly command: string;
  readonly input: Record<string, unknown>;
}

const keyOf = (item: Item): string => `${item.pk?.S ?? ''}#${item.sk?.N ?? ''}`;

export class FakeDynamoDb {
  readonly client: DynamoDBClient;
  readonly calls: Call[] = [];
  readonly tables = new Map<string, Map<string, Item>>();
  /** Makes the next `count` calls of `command` fail with `error`. */
  readonly failures: Array<{ command: string; error: Error; count: number }> = [];
  /** BatchWriteItem answers leave this many items unprocessed, once. */
  unprocessedOnce = 0;

  constructor() {
    this.client = new DynamoDBClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
    this.client.middlewareStack.add(
      (_next, context) => async (args) => {
        const command = context.commandName ?? '';
        const input = args.input as Record<string, unknown>;
        this.calls.push({ command, input });
        const failure = this.failures.find((f) => f.command === command && f.count > 0);
        if (failure !== undefined) {
          failure.count -= 1;
          throw failure.error;
        }
        return { output: { $metadata: {}, ...this.#answer(command, input) }, response: {} } as never;
      },
      { step: 'initialize', name: 'fakeDynamoDb' },
    );
  }

  table(name: string): Map<string, Item> {
    let table = this.tables.get(name);
    if (table === undefined) {
      table = new Map();
      this.tables.set(name, table);
    }
    return table;
  }

  items(name: string): Item[] {
    return [...this.table(name).values()];
  }

  count(command: string): number {
    return this.calls.filter((call) => call.command === command).length;
  }

  #answer(command: string, input: Record<string, unknown>): Record<string, unknown> {
    if (command === 'PutItemCommand') {
      const { TableName, Item: item, ConditionExpression } = input as unknown as PutItemCommandInput;
      const table = this.table(TableName ?? '');
      if (item === undefined) throw new Error('PutItem without Item');
      if (ConditionExpression === 'attribute_not_exists(pk)' && table.has(keyOf(item))) {
        throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
      }
      table.set(keyOf(item), item);
      return {};
    }
    if (command === 'BatchWriteItemCommand') {
      const { RequestItems } = input as unknown as BatchWriteItemCommandInput;
      const unprocessed: Record<string, unknown[]> = {};
      for (const [name, requests] of Object.entries(RequestItems ?? {})) {
        const keys = requests.map((r) => keyOf(r.PutRequest?.Item ?? {}));
        if (new Set(keys).size !== keys.length) throw new Error('ValidationException: Provided list of item keys contains duplicates');
        if (requests.length > 25) throw new Error('ValidationException: too many items');
        const held = requests.slice(0, this.unprocessedOnce);
        this.unprocessedOnce = 0;
        if (held.length > 0) unprocessed[name] = held;
        for (const request of requests.slice(held.length)) this.table(name).set(keyOf(request.PutRequest?.Item ?? {}), request.PutRequest?.Item ?? {});
      }
      return { UnprocessedItems: unprocessed };
    }
    if (command === 'UpdateItemCommand') {
      const { TableName, Key, ExpressionAttributeValues } = input as unknown as UpdateItemCommandInput;
      const table = this.table(TableName ?? '');
      const key = keyOf(Key ?? {});
      const current = table.get(key) ?? { ...Key };
      const count = Number(current.count?.N ?? '0') + Number(ExpressionAttributeValues?.[':one']?.N ?? '0');
      table.set(key, { ...current, count: { N: String(count) }, lastEventAt: ExpressionAttributeValues?.[':at'] ?? { S: '' } });
      return {};
    }
    throw new Error(`the fake does not answer ${command}`);
  }
}

/** The event of `records` (self-managed Kafka), through JSON like a real payload. */
export function eventOf(records: readonly KafkaRecordInput[]): KafkaEvent {
  return JSON.parse(JSON.stringify(encodeKafkaEvent(records, { kind: 'self-managed', bootstrapServers: '127.0.0.1:9092' }))) as KafkaEvent;
}

/** A record of `topic`/`partition` at `offset` with `value` as JSON (null: tombstone, string: raw text). */
export function recordAt(topic: string, partition: number, offset: number, value: unknown): KafkaRecordInput {
  return {
    topic,
    partition,
    offset: BigInt(offset),
    timestampMs: 1_700_000_000_000 + offset,
    key: Buffer.from(`key-${offset}`),
    value: value === null ? null : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
  };
}

/** A valid order event. */
export function order(orderId: string, status = 'CREATED', overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    orderId,
    customerId: `c-${orderId}`,
    status,
    items: [{ sku: 'book', quantity: 2, unitPriceCents: 1_250 }],
    totalCents: 2_500,
    currency: 'EUR',
    occurredAt: '2026-03-01T10:00:00Z',
    ...overrides,
  };
}

/** A valid user event of `type`. */
export function userEvent(type: string, userId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { eventId: `e-${userId}-${type}`, type, userId, occurredAt: '2026-03-01T10:00:00Z', ...extra };
}

/** Common options of the function factories in tests: quiet logger, no metrics output. */
export function testOptions(fake: FakeDynamoDb, env: Record<string, string>) {
  const logger = new RecordingLogger();
  return { client: fake.client, env, logger, metrics: false as const };
}
