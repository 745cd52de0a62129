import type { AttributeValue, TransactWriteItem } from '@aws-sdk/client-dynamodb';

// What a transaction item writes, as far as planning needs it: which item (table + key) it
// targets, and whether it is a pure `ADD` counter update that can be merged with another one
// on the same item. DynamoDB refuses a transaction naming one item twice ("Transaction
// request cannot include multiple operations on one item", a ValidationException), so effects
// of many records on one counter must be merged, or go in separate transactions.
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html

type Key = Record<string, AttributeValue>;

/** The four kinds of transaction item. */
export const TRANSACT_OPERATIONS = ['ConditionCheck', 'Put', 'Delete', 'Update'] as const;

/**
 * Key attribute names per table. Learnt from every `Update`/`Delete`/`ConditionCheck` seen
 * (their `Key` holds exactly the key attributes) or declared; a `Put` only names its whole
 * item, so its key is known once its table's key schema is.
 */
export class TableKeySchemas {
  readonly #schemas = new Map<string, readonly string[]>();

  constructor(declared: Readonly<Record<string, readonly string[]>> = {}) {
    for (const [table, names] of Object.entries(declared)) this.#schemas.set(table, [...names].sort());
  }

  /** Learns the key schema of the item's table, when the item names its key. */
  learn(item: TransactWriteItem): void {
    const { table, key } = tableAndKey(item);
    if (table !== undefined && key !== undefined && !this.#schemas.has(table)) this.#schemas.set(table, Object.keys(key).sort());
  }

  /** The key attribute names of `table`, if known. */
  of(table: string): readonly string[] | undefined {
    return this.#schemas.get(table);
  }
}

/** The table an item writes and its key, when the item names it (a `Put` does through the schema). */
export function tableAndKey(item: TransactWriteItem, schemas?: TableKeySchemas): { table: string | undefined; key: Key | undefined } {
  const op = item.Update ?? item.Delete ?? item.ConditionCheck;
  if (op !== undefined) return { table: op.TableName, key: op.Key };
  const put = item.Put;
  if (put?.TableName === undefined || put.Item === undefined) return { table: put?.TableName, key: undefined };
  const names = schemas?.of(put.TableName);
  if (names === undefined || !names.every((name) => put.Item?.[name] !== undefined)) return { table: put.TableName, key: undefined };
  return { table: put.TableName, key: Object.fromEntries(names.map((name) => [name, put.Item?.[name] as AttributeValue])) };
}

/** A stable text for a key: attribute order and number spelling (`1` vs `1.0`) do not matter. */
export function canonicalKey(key: Key): string {
  const parts = Object.keys(key)
    .sort()
    .map((name) => {
      const value = key[name] as AttributeValue;
      if (value.S !== undefined) return [name, 'S', value.S];
      if (value.N !== undefined) return [name, 'N', canonicalNumber(value.N)];
      if (value.B !== undefined) return [name, 'B', Buffer.from(value.B).toString('base64')];
      return [name, '?', JSON.stringify(value)];
    });
  return JSON.stringify(parts);
}

/** The identity of the item a transaction item writes, `undefined` when it cannot be told. */
export function itemIdentity(item: TransactWriteItem, schemas?: TableKeySchemas): string | undefined {
  const { table, key } = tableAndKey(item, schemas);
  return table === undefined || key === undefined ? undefined : `${table}\u0000${canonicalKey(key)}`;
}

function canonicalNumber(text: string): string {
  const trimmed = text.trim();
  if (/^[+-]?\d+$/.test(trimmed)) return BigInt(trimmed).toString();
  const number = Number(trimmed);
  return Number.isFinite(number) ? String(number) : trimmed;
}

/** What an `ADD` adds to one attribute: an integer, or elements of a string or number set. */
export type AddAmount =
  | { readonly path: readonly string[]; readonly kind: 'N'; amount: bigint }
  /** Elements by canonical spelling (`1.0` and `1` are one number). */
  | { readonly path: readonly string[]; readonly kind: 'SS' | 'NS'; readonly elements: Map<string, string> };

/**
 * An `ADD`-only update, with no condition, of integers and string/number sets: merging two
 * of them is their sum (union for sets), which is what applying both would do.
 */
export interface AddOnlyUpdate {
  readonly table: string;
  readonly key: Key;
  /** Attribute path (segments) → what is added, keyed by the path's JSON. */
  readonly amounts: Map<string, AddAmount>;
}

const SEGMENT = /^(#[A-Za-z0-9_]+|[A-Za-z_][A-Za-z0-9_]*)$/;

/** The update as an `AddOnlyUpdate`, or `undefined` when it is anything else. */
export function parseAddOnly(item: TransactWriteItem): AddOnlyUpdate | undefined {
  const update = item.Update;
  if (update === undefined || update.TableName === undefined || update.Key === undefined) return undefined;
  if (update.ConditionExpression !== undefined) return undefined;
  if (update.ReturnValuesOnConditionCheckFailure !== undefined && update.ReturnValuesOnConditionCheckFailure !== 'NONE') return undefined;
  const match = /^\s*ADD\s+([\s\S]+)$/i.exec(update.UpdateExpression ?? '');
  if (match === null) return undefined;
  const amounts = new Map<string, AddAmount>();
  for (const action of (match[1] as string).split(',')) {
    const parts = action.trim().split(/\s+/);
    if (parts.length !== 2) return undefined;
    const [pathText, placeholder] = parts as [string, string];
    const path: string[] = [];
    for (const segment of pathText.split('.')) {
      if (!SEGMENT.test(segment)) return undefined;
      const name = segment.startsWith('#') ? update.ExpressionAttributeNames?.[segment] : segment;
      if (name === undefined) return undefined;
      path.push(name);
    }
    const value = placeholder.startsWith(':') ? update.ExpressionAttributeValues?.[placeholder] : undefined;
    const amount = value === undefined ? undefined : amountOf(path, value);
    const id = JSON.stringify(path);
    // Two actions on one path are DynamoDB's to refuse ("overlapping paths"): not merged here.
    if (amount === undefined || amounts.has(id)) return undefined;
    amounts.set(id, amount);
  }
  return { table: update.TableName, key: update.Key, amounts };
}

function amountOf(path: readonly string[], value: AttributeValue): AddAmount | undefined {
  if (value.N !== undefined) return /^[+-]?\d+$/.test(value.N.trim()) ? { path, kind: 'N', amount: BigInt(value.N.trim()) } : undefined;
  if (value.SS !== undefined) return { path, kind: 'SS', elements: new Map(value.SS.map((element) => [element, element])) };
  if (value.NS !== undefined) return { path, kind: 'NS', elements: new Map(value.NS.map((element) => [canonicalNumber(element), element])) };
  return undefined;
}

/** Whether `other` can be merged into `into`: every shared path adds the same kind. */
export function canMergeAddOnly(into: AddOnlyUpdate, other: AddOnlyUpdate): boolean {
  for (const [id, amount] of other.amounts) {
    const existing = into.amounts.get(id);
    if (existing !== undefined && existing.kind !== amount.kind) return false;
  }
  return true;
}

/** Adds `other`'s amounts into `into` (same item; check `canMergeAddOnly` first). */
export function mergeAddOnly(into: AddOnlyUpdate, other: AddOnlyUpdate): void {
  for (const [id, amount] of other.amounts) {
    const existing = into.amounts.get(id);
    if (existing === undefined) into.amounts.set(id, copyAmount(amount));
    else if (existing.kind === 'N' && amount.kind === 'N') existing.amount += amount.amount;
    else if (existing.kind !== 'N' && amount.kind !== 'N') for (const [canonical, element] of amount.elements) existing.elements.set(canonical, element);
  }
}

/** A copy that merging into leaves `update` untouched. */
export function copyAddOnly(update: AddOnlyUpdate): AddOnlyUpdate {
  return { table: update.table, key: update.key, amounts: new Map([...update.amounts].map(([id, amount]) => [id, copyAmount(amount)])) };
}

function copyAmount(amount: AddAmount): AddAmount {
  return amount.kind === 'N' ? { ...amount } : { path: amount.path, kind: amount.kind, elements: new Map(amount.elements) };
}

/** The merged update as a transaction item. */
export function addOnlyItem(update: AddOnlyUpdate): TransactWriteItem {
  const names: Record<string, string> = {};
  const values: Record<string, AttributeValue> = {};
  const actions: string[] = [];
  let nameCount = 0;
  for (const amount of update.amounts.values()) {
    const placeholders = amount.path.map((segment) => {
      const placeholder = `#e${nameCount++}`;
      names[placeholder] = segment;
      return placeholder;
    });
    const value = `:e${actions.length}`;
    if (amount.kind === 'N') values[value] = { N: amount.amount.toString() };
    else if (amount.kind === 'SS') values[value] = { SS: [...amount.elements.values()] };
    else values[value] = { NS: [...amount.elements.values()] };
    actions.push(`${placeholders.join('.')} ${value}`);
  }
  return {
    Update: {
      TableName: update.table,
      Key: update.key,
      UpdateExpression: `ADD ${actions.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

/** `Put orders`, `Update counters {"pk":"x"}`: how an item is named in messages. */
export function describeItem(item: TransactWriteItem, schemas?: TableKeySchemas): string {
  const operation = TRANSACT_OPERATIONS.find((name) => item[name] !== undefined) ?? 'item';
  const { table, key } = tableAndKey(item, schemas);
  const shown = key === undefined ? '' : ` ${JSON.stringify(Object.fromEntries(Object.entries(key).map(([name, value]) => [name, value.S ?? value.N ?? '(binary)'])))}`;
  return `${operation} on table "${table ?? '?'}"${shown}`;
}
