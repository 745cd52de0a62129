import type { AttributeValue, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { TRANSACTION_MAX_ITEMS } from './constants.ts';
import { canonicalKey, TableKeySchemas } from './effect-items.ts';
import { applyUpdate, evaluateCondition, ExpressionError } from './in-memory-expressions.ts';
import type { Item } from './in-memory-expressions.ts';
import type { EffectRejection, InvalidTransaction } from './types.ts';

/**
 * One table of the in-memory store: the items effects wrote. Its key schema is fixed by the
 * first write (declared through `tableKeys`, else taken from a `Key`, else `pk` [+ `sk`]).
 *
 * @example
 * store.tables.get('counters')?.get({ pk: { S: 'orders' } })?.count?.N; // '3'
 */
export class InMemoryTable {
  readonly name: string;
  /** The key attribute names, sorted. */
  readonly keyNames: readonly string[];
  readonly #items = new Map<string, Item>();

  constructor(name: string, keyNames: readonly string[]) {
    this.name = name;
    this.keyNames = [...keyNames].sort();
  }

  /** The item with this key (a copy), if any. */
  get(key: Record<string, AttributeValue>): Item | undefined {
    const item = this.#items.get(canonicalKey(key));
    return item === undefined ? undefined : structuredClone(item);
  }

  /** Every item (copies), in no particular order. */
  items(): Item[] {
    return [...this.#items.values()].map((item) => structuredClone(item));
  }

  get size(): number {
    return this.#items.size;
  }

  /** @internal The id of the item with `key`, after checking it matches the schema. */
  idOf(key: Item): string {
    const names = Object.keys(key).sort();
    if (names.length !== this.keyNames.length || names.some((name, index) => name !== this.keyNames[index])) {
      throw new ExpressionError(`the provided key element does not match the schema of table "${this.name}" (${this.keyNames.join(', ')})`, true);
    }
    return canonicalKey(key);
  }

  /** @internal */
  read(id: string): Item | undefined {
    return this.#items.get(id);
  }

  /** @internal */
  write(id: string, item: Item | undefined): void {
    if (item === undefined) this.#items.delete(id);
    else this.#items.set(id, item);
  }
}

/** An effect's own condition failed (DynamoDB's `ConditionalCheckFailed` cancellation reason). */
class ConditionFailedError extends Error {
  constructor() {
    super('The conditional request failed');
    this.name = 'ConditionFailedError';
  }
}

/** A planned write of one transaction item. */
interface Write {
  readonly table: InMemoryTable;
  readonly id: string;
  readonly item: Item | undefined;
  readonly apply: boolean;
}

/** Result of `transact`: `committed`, or why not (nothing was applied). */
export type InMemoryTransactionResult = { readonly committed: true } | { readonly committed: false; readonly reason: 'marker' } | EffectRejection | InvalidTransaction;

/** The tables of the in-memory store and their transactions. */
export class InMemoryTables {
  readonly #tables = new Map<string, InMemoryTable>();
  readonly #schemas: TableKeySchemas;

  constructor(declared: Readonly<Record<string, readonly string[]>> = {}) {
    this.#schemas = new TableKeySchemas(declared);
  }

  /** The tables effects have written so far, by name. */
  get view(): ReadonlyMap<string, InMemoryTable> {
    return this.#tables;
  }

  /**
   * Applies `effects` all at once, or none of them: every condition is checked against the
   * state before the transaction, then every write is made. `markerHolds` is the condition
   * of the store's own item (checked first, like DynamoDB reporting it in its own reason).
   */
  transact(effects: readonly TransactWriteItem[], markerHolds: () => boolean, applyMarker: () => void): InMemoryTransactionResult {
    if (effects.length + 1 > TRANSACTION_MAX_ITEMS) {
      return { committed: false, reason: 'invalid', message: `a transaction takes at most ${TRANSACTION_MAX_ITEMS} items (got ${effects.length + 1})` };
    }
    const writes: Write[] = [];
    const seen = new Set<string>();
    // Tables this transaction writes first exist only once it commits.
    const created = new Map<string, InMemoryTable>();
    let rejection: EffectRejection | undefined;
    for (const [index, effect] of effects.entries()) {
      try {
        const write = this.#plan(effect, created);
        const identity = `${write.table.name}\u0000${write.id}`;
        if (seen.has(identity)) return { committed: false, reason: 'invalid', message: 'Transaction request cannot include multiple operations on one item' };
        seen.add(identity);
        writes.push(write);
      } catch (error) {
        if (error instanceof ConditionFailedError) {
          rejection ??= { committed: false, reason: 'effect', effectIndex: index, code: 'ConditionalCheckFailed', message: error.message };
          continue;
        }
        if (!(error instanceof ExpressionError)) throw error;
        if (error.syntax) return { committed: false, reason: 'invalid', message: error.message };
        rejection ??= { committed: false, reason: 'effect', effectIndex: index, code: 'ValidationError', message: error.message };
      }
    }
    if (!markerHolds()) return { committed: false, reason: 'marker' };
    if (rejection !== undefined) return rejection;
    for (const [name, table] of created) this.#tables.set(name, table);
    for (const write of writes) if (write.apply) write.table.write(write.id, write.item);
    applyMarker();
    return { committed: true };
  }

  #plan(effect: TransactWriteItem, created: Map<string, InMemoryTable>): Write {
    this.#schemas.learn(effect);
    const op = effect.Put ?? effect.Update ?? effect.Delete ?? effect.ConditionCheck;
    if (op?.TableName === undefined) throw new ExpressionError('a transaction item must name its table', true);
    const table = this.#table(op.TableName, effect, created);
    const key = effect.Put === undefined ? (op as { Key?: Item }).Key : pick(effect.Put.Item ?? {}, table.keyNames);
    if (key === undefined) throw new ExpressionError('a transaction item must name its key', true);
    const id = table.idOf(key);
    const current = table.read(id);
    const input = { names: op.ExpressionAttributeNames, values: op.ExpressionAttributeValues };
    if (op.ConditionExpression !== undefined && !evaluateCondition(op.ConditionExpression, current, input)) {
      throw new ConditionFailedError();
    }
    if (effect.Put !== undefined) return { table, id, item: structuredClone(effect.Put.Item ?? {}), apply: true };
    if (effect.Delete !== undefined) return { table, id, item: undefined, apply: true };
    if (effect.Update !== undefined) return { table, id, item: applyUpdate(effect.Update.UpdateExpression ?? '', current, key, input), apply: true };
    return { table, id, item: current, apply: false };
  }

  #table(name: string, effect: TransactWriteItem, created: Map<string, InMemoryTable>): InMemoryTable {
    const existing = this.#tables.get(name) ?? created.get(name);
    if (existing !== undefined) return existing;
    const keyNames = this.#schemas.of(name) ?? defaultKeyNames(effect.Put?.Item);
    if (keyNames === undefined) {
      throw new ExpressionError(`the key schema of table "${name}" is unknown: pass it as tableKeys to InMemoryIdempotencyStore`, true);
    }
    const table = new InMemoryTable(name, keyNames);
    created.set(name, table);
    return table;
  }
}

function pick(item: Item, names: readonly string[]): Item | undefined {
  if (!names.every((name) => item[name] !== undefined)) return undefined;
  return Object.fromEntries(names.map((name) => [name, item[name] as AttributeValue]));
}

/** A put into a table never seen: `pk`, plus `sk` when the item has one (this project's layout). */
function defaultKeyNames(item: Item | undefined): readonly string[] | undefined {
  if (item?.pk === undefined) return undefined;
  return item.sk === undefined ? ['pk'] : ['pk', 'sk'];
}
