import type { AttributeValue } from '@aws-sdk/client-dynamodb';

// Attribute values as the in-memory store's expressions read and write them.

export type Item = Record<string, AttributeValue>;

/** Placeholders of an expression. */
export interface ExpressionInput {
  readonly names?: Record<string, string> | undefined;
  readonly values?: Record<string, AttributeValue> | undefined;
}

/**
 * An expression DynamoDB would refuse. `syntax`: the request is malformed (DynamoDB answers
 * the whole request with a ValidationException); otherwise the item does not fit the
 * expression (a transaction is cancelled with `ValidationError` for that item).
 */
export class ExpressionError extends Error {
  readonly syntax: boolean;

  constructor(message: string, syntax: boolean) {
    super(message);
    this.name = 'ExpressionError';
    this.syntax = syntax;
  }
}

export type Segment = string | number;
export type Path = readonly Segment[];


export function getPath(item: Item | undefined, path: Path): AttributeValue | undefined {
  let current: AttributeValue | undefined = item === undefined ? undefined : { M: item };
  for (const segment of path) {
    if (current === undefined) return undefined;
    current = typeof segment === 'number' ? current.L?.[segment] : current.M?.[segment];
  }
  return current;
}

export function setPath(item: Item, path: Path, value: AttributeValue | undefined): void {
  const parentPath = path.slice(0, -1);
  const last = path.at(-1) as Segment;
  const parent = parentPath.length === 0 ? { M: item } : getPath(item, parentPath);
  if (typeof last === 'number') {
    if (parent?.L === undefined) throw new ExpressionError('the document path provided in the update expression is invalid for update', false);
    if (value === undefined) parent.L.splice(last, 1);
    else parent.L[Math.min(last, parent.L.length)] = value;
    return;
  }
  if (parent?.M === undefined) throw new ExpressionError('the document path provided in the update expression is invalid for update', false);
  if (value === undefined) delete parent.M[last];
  else parent.M[last] = value;
}

const isInteger = (text: string): boolean => /^[+-]?\d+$/.test(text.trim());

export function compareNumbers(a: string, b: string): number {
  if (isInteger(a) && isInteger(b)) {
    const [x, y] = [BigInt(a.trim()), BigInt(b.trim())];
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return Math.sign(Number(a) - Number(b));
}

export function addNumbers(a: string, b: string, sign: 1 | -1): string {
  if (isInteger(a) && isInteger(b)) return (BigInt(a.trim()) + BigInt(sign) * BigInt(b.trim())).toString();
  return String(Number(a) + sign * Number(b));
}

export function typeOf(value: AttributeValue): string {
  return Object.entries(value).find(([, member]) => member !== undefined)?.[0] ?? '?';
}

export function equal(a: AttributeValue | undefined, b: AttributeValue | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  if (a.N !== undefined && b.N !== undefined) return compareNumbers(a.N, b.N) === 0;
  return JSON.stringify(normalize(a)) === JSON.stringify(normalize(b));
}

function normalize(value: AttributeValue): unknown {
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.M !== undefined) return { M: Object.fromEntries(Object.keys(value.M).sort().map((key) => [key, normalize(value.M?.[key] as AttributeValue)])) };
  if (value.L !== undefined) return { L: value.L.map(normalize) };
  if (value.SS !== undefined) return { SS: [...value.SS].sort() };
  if (value.NS !== undefined) return { NS: value.NS.map((n) => Number(n)).sort((x, y) => x - y) };
  return value;
}

export function compare(a: AttributeValue | undefined, b: AttributeValue | undefined): number | undefined {
  if (a?.N !== undefined && b?.N !== undefined) return compareNumbers(a.N, b.N);
  if (a?.S !== undefined && b?.S !== undefined) return Buffer.compare(Buffer.from(a.S), Buffer.from(b.S));
  if (a?.B !== undefined && b?.B !== undefined) return Buffer.compare(Buffer.from(a.B), Buffer.from(b.B));
  return undefined;
}


export function add(current: AttributeValue | undefined, value: AttributeValue): AttributeValue {
  if (value.N !== undefined) {
    if (current !== undefined && current.N === undefined) throw new ExpressionError('ADD of a number to an attribute that is not a number', false);
    return { N: addNumbers(current?.N ?? '0', value.N, 1) };
  }
  for (const set of ['SS', 'NS'] as const) {
    const added = value[set];
    if (added === undefined) continue;
    if (current !== undefined && current[set] === undefined) throw new ExpressionError(`ADD of a ${set} to an attribute of another type`, false);
    return setOf(set, [...new Set([...(current?.[set] ?? []), ...added])]);
  }
  throw new ExpressionError('ADD takes a number or a set', false);
}

export function remove(current: AttributeValue | undefined, value: AttributeValue): AttributeValue | undefined {
  for (const set of ['SS', 'NS'] as const) {
    const removed = value[set];
    if (removed === undefined) continue;
    if (current === undefined) return undefined;
    if (current[set] === undefined) throw new ExpressionError(`DELETE of a ${set} from an attribute of another type`, false);
    const left = (current[set] as string[]).filter((element) => !removed.includes(element));
    return left.length === 0 ? undefined : setOf(set, left);
  }
  throw new ExpressionError('DELETE takes a set', false);
}

function setOf(type: 'SS' | 'NS', elements: string[]): AttributeValue {
  return type === 'SS' ? { SS: elements } : { NS: elements };
}
