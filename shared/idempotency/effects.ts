import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { MAX_EFFECTS_PER_RECORD } from './constants.ts';
import { describeItem, TRANSACT_OPERATIONS } from './effect-items.ts';
import type { TableKeySchemas } from './effect-items.ts';
import { IdempotencyEffectsError } from './errors.ts';
import { TransactionPacker } from './transaction-plan.ts';

export type { TransactWriteItem };

/**
 * What a handler returns to have its DynamoDB writes applied exactly once: the library
 * commits them in one `TransactWriteItems` with the record's idempotency write (the business
 * key's COMPLETED item, or the partition's watermark). A crash before that transaction
 * applies nothing, and the record runs again; after it, the record is never run again.
 * The handler must not write the effects itself.
 *
 * @example
 * const handler = (record: KafkaRecord): TransactionalEffects => ({
 *   effects: [
 *     { Update: { TableName: 'counters', Key: { pk: { S: 'orders' } }, UpdateExpression: 'ADD #n :one',
 *                 ExpressionAttributeNames: { '#n': 'count' }, ExpressionAttributeValues: { ':one': { N: '1' } } } },
 *     { Put: { TableName: 'audit', Item: { pk: { S: `${record.topic}-${record.partition}` }, sk: { N: record.offset.toString() } } } },
 *   ],
 * });
 */
export interface TransactionalEffects<T = unknown> {
  /**
   * `TransactWriteItem`s on any tables, at most 99 (`MAX_EFFECTS_PER_RECORD`): the
   * transaction's 100th item is the idempotency write. `ADD`-only updates of one item are
   * merged; otherwise an item may be written once per record.
   */
  readonly effects: readonly TransactWriteItem[];
  /** Business-key mode: the result stored with the key and replayed for duplicates. @default undefined */
  readonly result?: T;
}

/**
 * Whether a handler's return value asks for transactional effects: an object with an own
 * `effects` property (whose shape `checkEffects` then verifies).
 *
 * @example
 * if (isTransactionalEffects(returned)) effects = checkEffects(returned.effects, 'record orders-0@5');
 */
export function isTransactionalEffects(value: unknown): value is { readonly effects: unknown; readonly result?: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.hasOwn(value, 'effects');
}

/**
 * Verifies the effects of one record: an array of at most 99 `TransactWriteItem`s, each with
 * exactly one operation naming its table, no item written twice (two `ADD`-only updates of
 * one item are fine: they are summed). Throws a non-retriable `IdempotencyEffectsError`
 * naming `subject` (the record).
 *
 * @example
 * checkEffects(result.effects, 'record orders-0@5');
 */
export function checkEffects(effects: unknown, subject: string, schemas?: TableKeySchemas): readonly TransactWriteItem[] {
  if (!Array.isArray(effects)) {
    throw new IdempotencyEffectsError(`${subject} returned effects that are not an array of TransactWriteItem (got ${describeValue(effects)})`);
  }
  if (effects.length > MAX_EFFECTS_PER_RECORD) {
    throw new IdempotencyEffectsError(
      `${subject} returned ${effects.length} effects; at most ${MAX_EFFECTS_PER_RECORD} fit one transaction with the idempotency item (TransactWriteItems takes 100 items)`,
    );
  }
  for (const [index, item] of effects.entries()) {
    const problem = itemProblem(item);
    if (problem !== undefined) throw new IdempotencyEffectsError(`${subject} returned an invalid effect: effects[${index}] ${problem}`);
  }
  const items = effects as readonly TransactWriteItem[];
  const packed = new TransactionPacker({ schemas }).add(items, 0);
  if (!packed.fits && packed.reason === 'conflict') {
    const item = items[packed.effectIndex] as TransactWriteItem;
    throw new IdempotencyEffectsError(
      `${subject} returned two effects on one item (effects[${packed.effectIndex}], ${describeItem(item, schemas)}): a transaction may write an item once; only ADD-only updates of one item are merged`,
    );
  }
  return items;
}

function itemProblem(item: unknown): string | undefined {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return `is ${describeValue(item)}, not a TransactWriteItem`;
  const present = TRANSACT_OPERATIONS.filter((name) => (item as Record<string, unknown>)[name] !== undefined);
  const unknown = Object.keys(item).filter((name) => !(TRANSACT_OPERATIONS as readonly string[]).includes(name));
  if (unknown.length > 0) return `has unknown field ${unknown.map((name) => `"${name}"`).join(', ')} (expected one of ${TRANSACT_OPERATIONS.join(', ')})`;
  if (present.length !== 1) return `must have exactly one of ${TRANSACT_OPERATIONS.join(', ')} (has ${present.length === 0 ? 'none' : present.join(', ')})`;
  const operation = present[0] as (typeof TRANSACT_OPERATIONS)[number];
  const body = (item as Record<string, unknown>)[operation];
  if (typeof body !== 'object' || body === null) return `.${operation} must be an object`;
  const fields = body as Record<string, unknown>;
  if (typeof fields.TableName !== 'string' || fields.TableName.length === 0) return `.${operation}.TableName must be a table name`;
  if (operation === 'Put' && !isObject(fields.Item)) return '.Put.Item must be an item (attribute name → AttributeValue)';
  if (operation !== 'Put' && !isObject(fields.Key)) return `.${operation}.Key must be a key (attribute name → AttributeValue)`;
  if (operation === 'Update' && typeof fields.UpdateExpression !== 'string') return '.Update.UpdateExpression must be a string';
  if (operation === 'ConditionCheck' && typeof fields.ConditionExpression !== 'string') return '.ConditionCheck.ConditionExpression must be a string';
  return undefined;
}

const isObject = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value);

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}
