import fc from 'fast-check';
import {
  decodeKafkaEvent,
  encodeKafkaEvent,
  EventsError,
  formatPath,
  isValidKafkaEvent,
  MalformedEventError,
} from '../../../shared/events/index.ts';
import { kafkaEventSchema } from '../../../shared/events/schema.ts';
import { originArb, recordsArb } from './support.ts';

type Json = unknown;

/** Valid events as plain JSON (what Lambda hands the function). */
const validEventArb = fc
  .tuple(recordsArb, originArb)
  .map(([records, origin]) => JSON.parse(JSON.stringify(encodeKafkaEvent(records, origin))) as Record<string, Json>);

/** Every path into a JSON value. */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(value)) value.forEach((item, i) => out.push(...paths(item, [...prefix, i])));
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) out.push(...paths(item, [...prefix, key]));
  }
  return out;
}

function setAt(root: Json, path: (string | number)[], replacement: Json | typeof REMOVE): Json {
  if (path.length === 0) return replacement === REMOVE ? undefined : replacement;
  const copy = structuredClone(root) as Record<string | number, Json>;
  let parent = copy;
  for (const segment of path.slice(0, -1)) parent = parent[segment] as Record<string | number, Json>;
  const last = path[path.length - 1] as string | number;
  if (replacement === REMOVE) {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else {
    parent[last] = replacement;
  }
  return copy;
}

const REMOVE = Symbol('remove');

/** zod skips `__proto__` keys, the validator checks them: the one intended difference. */
function hasProtoKey(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (Object.prototype.hasOwnProperty.call(value, '__proto__')) return true;
  return Object.values(value).some(hasProtoKey);
}

/** A valid event with one value somewhere replaced by arbitrary JSON (or removed). */
const mutatedEventArb = validEventArb.chain((event) =>
  fc.tuple(
    fc.constant(event),
    fc.constantFrom(...paths(event)),
    fc.oneof(
      fc.constant(REMOVE),
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom(-1, 1.5, 2 ** 53, -129, 256, '', 'x', null, [], {}, 'aws:kafka', 'CREATE_TIME', 'NO_TIMESTAMP_TYPE'),
    ),
  ),
).map(([event, path, replacement]) => setAt(event, path, replacement));

describe('event validation', () => {
  it('accepts every event the encoder produces', () => {
    fc.assert(
      fc.property(validEventArb, (event) => {
        expect(isValidKafkaEvent(event)).toBe(true);
        expect(kafkaEventSchema.safeParse(event).success).toBe(true);
      }),
    );
  });

  it('gives the same verdict as the zod schema on mutated events', () => {
    fc.assert(
      fc.property(mutatedEventArb, (event) => {
        fc.pre(!hasProtoKey(event));
        expect(isValidKafkaEvent(event)).toBe(kafkaEventSchema.safeParse(event).success);
      }),
      { numRuns: 2_000 },
    );
  });

  it('gives the same verdict as the zod schema on arbitrary values', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withMap: true, withDate: true, withTypedArray: true }), (value) => {
        fc.pre(!hasProtoKey(value));
        expect(isValidKafkaEvent(value)).toBe(kafkaEventSchema.safeParse(value).success);
      }),
    );
  });

  it('turns malformed events into non-retriable EventsErrors, never a crash', () => {
    fc.assert(
      fc.property(mutatedEventArb, (event) => {
        try {
          decodeKafkaEvent(event);
        } catch (error) {
          expect(error).toBeInstanceOf(EventsError);
          expect((error as EventsError).retriable).toBe(false);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('names the path of the bad field', () => {
    const event = {
      eventSource: 'aws:kafka',
      eventSourceArn: 'arn',
      records: { 'a-b-0': [{ topic: 'a-b', partition: 0, offset: '12', timestamp: 1, timestampType: 'CREATE_TIME', headers: [] }] },
    };
    let thrown: unknown;
    try {
      decodeKafkaEvent(event);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(MalformedEventError);
    expect((thrown as MalformedEventError).path).toBe('records["a-b-0"][0].offset');
    expect((thrown as Error).message).toMatch(/^malformed Kafka event at records\["a-b-0"\]\[0\]\.offset: /);
  });

  it('names a header byte out of range', () => {
    const event = {
      eventSource: 'SelfManagedKafka',
      records: { 't-0': [{ topic: 't', partition: 0, offset: 1, timestamp: 1, timestampType: 'CREATE_TIME', headers: [{ h: [1, 300] }] }] },
    };
    expect(() => decodeKafkaEvent(event)).toThrow('malformed Kafka event at records["t-0"][0].headers[0].h[1]');
  });

  it('formats paths like property accesses', () => {
    expect(formatPath([])).toBe('');
    expect(formatPath(['records', 'my-topic-0', 3, 'headers', 0, 'trace'])).toBe('records["my-topic-0"][3].headers[0].trace');
  });
});
