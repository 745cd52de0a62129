import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { add, compare, compareNumbers, equal, ExpressionError, getPath, remove, setPath, typeOf, addNumbers } from './in-memory-values.ts';
import type { ExpressionInput, Item, Path, Segment } from './in-memory-values.ts';

export { ExpressionError } from './in-memory-values.ts';
export type { ExpressionInput, Item } from './in-memory-values.ts';

// The part of DynamoDB's expression language the in-memory store evaluates, so unit tests of
// transactional effects need no service. Conditions: comparisons (= <> < <= > >=), BETWEEN,
// IN, AND/OR/NOT, parentheses, attribute_exists, attribute_not_exists, attribute_type,
// begins_with, contains, size. Updates: SET (with + and -, if_not_exists, list_append),
// REMOVE, ADD (numbers and sets) and DELETE (sets). Paths: names, #aliases, nested `a.b`, `l[0]`.
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.html

type Operand = (item: Item) => AttributeValue | undefined;
type Predicate = (item: Item) => boolean;

interface Token {
  readonly kind: 'word' | 'alias' | 'value' | 'number' | 'symbol';
  readonly text: string;
}

const TOKEN = /\s*(?:(#[A-Za-z0-9_]+)|(:[A-Za-z0-9_]+)|([A-Za-z_][A-Za-z0-9_]*)|(\d+)|(<>|<=|>=|[<>=(),.[\]+-]))/y;

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  let position = 0;
  while (expression.slice(position).trim().length > 0) {
    TOKEN.lastIndex = position;
    const match = TOKEN.exec(expression);
    if (match === null) throw new ExpressionError(`cannot read "${expression.slice(position).trim()}" in expression "${expression}"`, true);
    position = TOKEN.lastIndex;
    const [, alias, value, word, number, symbol] = match;
    if (alias !== undefined) tokens.push({ kind: 'alias', text: alias });
    else if (value !== undefined) tokens.push({ kind: 'value', text: value });
    else if (word !== undefined) tokens.push({ kind: 'word', text: word });
    else if (number !== undefined) tokens.push({ kind: 'number', text: number });
    else tokens.push({ kind: 'symbol', text: symbol as string });
  }
  return tokens;
}

class Parser {
  readonly #tokens: Token[];
  readonly #input: ExpressionInput;
  readonly #expression: string;
  #at = 0;

  constructor(expression: string, input: ExpressionInput) {
    this.#expression = expression;
    this.#tokens = tokenize(expression);
    this.#input = input;
  }

  get done(): boolean {
    return this.#at >= this.#tokens.length;
  }

  peek(offset = 0): Token | undefined {
    return this.#tokens[this.#at + offset];
  }

  isWord(word: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token?.kind === 'word' && token.text.toUpperCase() === word;
  }

  isSymbol(symbol: string): boolean {
    const token = this.peek();
    return token?.kind === 'symbol' && token.text === symbol;
  }

  next(): Token {
    const token = this.#tokens[this.#at++];
    if (token === undefined) this.fail('ends too early');
    return token;
  }

  expectSymbol(symbol: string): void {
    const token = this.next();
    if (token.kind !== 'symbol' || token.text !== symbol) this.fail(`expected "${symbol}" but found "${token.text}"`);
  }

  expectWord(word: string): void {
    if (!this.isWord(word)) this.fail(`expected ${word}`);
    this.#at++;
  }

  fail(problem: string): never {
    throw new ExpressionError(`expression "${this.#expression}" ${problem}`, true);
  }

  path(): Path {
    const segments: Segment[] = [this.#name(this.next())];
    while (this.isSymbol('.') || this.isSymbol('[')) {
      if (this.next().text === '.') {
        segments.push(this.#name(this.next()));
      } else {
        const index = this.next();
        if (index.kind !== 'number') this.fail('expected a list index');
        segments.push(Number(index.text));
        this.expectSymbol(']');
      }
    }
    return segments;
  }

  value(token: Token): AttributeValue {
    const value = this.#input.values?.[token.text];
    if (value === undefined) this.fail(`uses ${token.text}, which ExpressionAttributeValues does not define`);
    return value;
  }

  #name(token: Token): string {
    if (token.kind === 'word') return token.text;
    if (token.kind !== 'alias') this.fail(`expected an attribute name but found "${token.text}"`);
    const name = this.#input.names?.[token.text];
    if (name === undefined) this.fail(`uses ${token.text}, which ExpressionAttributeNames does not define`);
    return name;
  }
}

// ---- conditions ----

function operand(parser: Parser): Operand {
  const token = parser.peek();
  if (token?.kind === 'value') {
    const value = parser.value(parser.next());
    return () => value;
  }
  if (parser.isWord('SIZE') && parser.peek(1)?.text === '(') {
    parser.next();
    parser.expectSymbol('(');
    const path = parser.path();
    parser.expectSymbol(')');
    return (item) => {
      const value = getPath(item, path);
      if (value === undefined) return undefined;
      const size = value.S !== undefined ? Buffer.byteLength(value.S) : (value.B?.length ?? value.L?.length ?? (value.M && Object.keys(value.M).length) ?? value.SS?.length ?? value.NS?.length ?? value.BS?.length);
      return size === undefined ? undefined : { N: String(size) };
    };
  }
  const path = parser.path();
  return (item) => getPath(item, path);
}

function primary(parser: Parser): Predicate {
  if (parser.isSymbol('(')) {
    parser.next();
    const inner = disjunction(parser);
    parser.expectSymbol(')');
    return inner;
  }
  const token = parser.peek();
  const fn = token?.kind === 'word' && parser.peek(1)?.text === '(' ? token.text.toLowerCase() : undefined;
  if (fn !== undefined && fn !== 'size') {
    parser.next();
    parser.expectSymbol('(');
    const path = parser.path();
    const argument = parser.isSymbol(',') ? (parser.next(), operand(parser)) : undefined;
    parser.expectSymbol(')');
    switch (fn) {
      case 'attribute_exists':
        return (item) => getPath(item, path) !== undefined;
      case 'attribute_not_exists':
        return (item) => getPath(item, path) === undefined;
      case 'attribute_type':
        return (item) => {
          const value = getPath(item, path);
          return value !== undefined && typeOf(value) === argument?.(item)?.S;
        };
      case 'begins_with':
        return (item) => {
          const [value, prefix] = [getPath(item, path), argument?.(item)];
          return value?.S !== undefined && prefix?.S !== undefined && value.S.startsWith(prefix.S);
        };
      case 'contains':
        return (item) => {
          const [value, part] = [getPath(item, path), argument?.(item)];
          if (value === undefined || part === undefined) return false;
          if (value.S !== undefined) return part.S !== undefined && value.S.includes(part.S);
          if (value.SS !== undefined) return part.S !== undefined && value.SS.includes(part.S);
          if (value.NS !== undefined) return part.N !== undefined && value.NS.some((n) => compareNumbers(n, part.N as string) === 0);
          return value.L?.some((element) => equal(element, part)) ?? false;
        };
      default:
        parser.fail(`uses the function ${fn}, which the in-memory store does not support`);
    }
  }
  const left = operand(parser);
  if (parser.isWord('BETWEEN')) {
    parser.next();
    const low = operand(parser);
    parser.expectWord('AND');
    const high = operand(parser);
    return (item) => {
      const value = left(item);
      const [a, b] = [compare(value, low(item)), compare(value, high(item))];
      return a !== undefined && b !== undefined && a >= 0 && b <= 0;
    };
  }
  if (parser.isWord('IN')) {
    parser.next();
    parser.expectSymbol('(');
    const options = [operand(parser)];
    while (parser.isSymbol(',')) {
      parser.next();
      options.push(operand(parser));
    }
    parser.expectSymbol(')');
    return (item) => options.some((option) => equal(left(item), option(item)));
  }
  const comparator = parser.next();
  const right = operand(parser);
  const ordered =
    (test: (order: number) => boolean): Predicate =>
    (item) => {
      const order = compare(left(item), right(item));
      return order !== undefined && test(order);
    };
  switch (comparator.text) {
    case '=':
      return (item) => equal(left(item), right(item));
    case '<>':
      return (item) => !equal(left(item), right(item));
    case '<':
      return ordered((order) => order < 0);
    case '<=':
      return ordered((order) => order <= 0);
    case '>':
      return ordered((order) => order > 0);
    case '>=':
      return ordered((order) => order >= 0);
    default:
      return parser.fail(`expected a comparator but found "${comparator.text}"`);
  }
}

function negation(parser: Parser): Predicate {
  if (!parser.isWord('NOT')) return primary(parser);
  parser.next();
  const inner = negation(parser);
  return (item) => !inner(item);
}

function conjunction(parser: Parser): Predicate {
  let result = negation(parser);
  while (parser.isWord('AND')) {
    parser.next();
    const [left, right] = [result, negation(parser)];
    result = (item) => left(item) && right(item);
  }
  return result;
}

function disjunction(parser: Parser): Predicate {
  let result = conjunction(parser);
  while (parser.isWord('OR')) {
    parser.next();
    const [left, right] = [result, conjunction(parser)];
    result = (item) => left(item) || right(item);
  }
  return result;
}

/**
 * Evaluates a ConditionExpression against `item` (`undefined`: the item does not exist).
 *
 * @example
 * evaluateCondition('attribute_not_exists(pk) OR #w < :new', item, { names: { '#w': 'watermark' }, values: { ':new': { N: '5' } } });
 */
export function evaluateCondition(expression: string, item: Item | undefined, input: ExpressionInput): boolean {
  const parser = new Parser(expression, input);
  const predicate = disjunction(parser);
  if (!parser.done) parser.fail(`has unexpected "${parser.peek()?.text}"`);
  return predicate(item ?? {});
}

// ---- updates ----

function setValue(parser: Parser): Operand {
  const first = setOperand(parser);
  if (!parser.isSymbol('+') && !parser.isSymbol('-')) return first;
  const sign = parser.next().text === '+' ? 1 : -1;
  const second = setOperand(parser);
  return (item) => {
    const [a, b] = [first(item), second(item)];
    if (a?.N === undefined || b?.N === undefined) throw new ExpressionError('an operand in the update expression has an incorrect data type', false);
    return { N: addNumbers(a.N, b.N, sign) };
  };
}

function setOperand(parser: Parser): Operand {
  if (parser.isWord('IF_NOT_EXISTS') && parser.peek(1)?.text === '(') {
    parser.next();
    parser.expectSymbol('(');
    const path = parser.path();
    parser.expectSymbol(',');
    const fallback = setValue(parser);
    parser.expectSymbol(')');
    return (item) => getPath(item, path) ?? fallback(item);
  }
  if (parser.isWord('LIST_APPEND') && parser.peek(1)?.text === '(') {
    parser.next();
    parser.expectSymbol('(');
    const first = setValue(parser);
    parser.expectSymbol(',');
    const second = setValue(parser);
    parser.expectSymbol(')');
    return (item) => {
      const [a, b] = [first(item), second(item)];
      if (a?.L === undefined || b?.L === undefined) throw new ExpressionError('list_append takes two lists', false);
      return { L: [...a.L, ...b.L] };
    };
  }
  return operand(parser);
}

const CLAUSES = ['SET', 'REMOVE', 'ADD', 'DELETE'] as const;

/**
 * Applies an UpdateExpression to `item` (`undefined`: create it from `key`) and returns the
 * new item. Every right-hand side reads the item as it was before the update, as in DynamoDB.
 *
 * @example
 * applyUpdate('ADD #n :one', undefined, { pk: { S: 'c' } }, { names: { '#n': 'count' }, values: { ':one': { N: '1' } } });
 */
export function applyUpdate(expression: string, item: Item | undefined, key: Item, input: ExpressionInput): Item {
  const parser = new Parser(expression, input);
  const before: Item = structuredClone(item ?? key);
  const after: Item = structuredClone(before);
  const writes: Array<() => void> = [];
  while (!parser.done) {
    const clause = CLAUSES.find((name) => parser.isWord(name));
    if (clause === undefined) parser.fail(`expected SET, REMOVE, ADD or DELETE but found "${parser.peek()?.text}"`);
    parser.next();
    do {
      const path = parser.path();
      if (clause === 'REMOVE') {
        writes.push(() => setPath(after, path, undefined));
      } else if (clause === 'SET') {
        parser.expectSymbol('=');
        const value = setValue(parser);
        const computed = value(before);
        if (computed === undefined) throw new ExpressionError('an attribute the update expression reads does not exist', false);
        writes.push(() => setPath(after, path, computed));
      } else {
        const operandValue = parser.value(parser.next());
        writes.push(() => setPath(after, path, clause === 'ADD' ? add(getPath(before, path), operandValue) : remove(getPath(before, path), operandValue)));
      }
    } while (parser.isSymbol(',') && parser.next() !== undefined);
  }
  for (const write of writes) write();
  for (const name of Object.keys(key)) {
    if (!equal(after[name], key[name])) throw new ExpressionError(`cannot update attribute ${name}: it is part of the key`, false);
  }
  return after;
}
