import fc from 'fast-check';
import {
  DEFAULT_TIMEOUT_SECONDS,
  OffsetResetInputError,
  parseIsoDuration,
  parseOffsetResetRequest,
  parseResetDatetime,
  parseResetInput,
} from '../../../shared/offset-reset/index.ts';

const base = { groupId: 'email', topics: [{ topic: 'orders' }], strategy: 'earliest' };

/** The fields an input error names. */
function fieldsOf(raw: unknown, parse: (raw: unknown) => unknown = parseResetInput): string[] {
  try {
    parse(raw);
  } catch (error) {
    if (error instanceof OffsetResetInputError) return error.issues.map((i) => i.field);
    throw error;
  }
  throw new Error('expected an OffsetResetInputError');
}

describe('parseResetInput', () => {
  it('applies the defaults: dry run, pause, 180 s', () => {
    const input = parseResetInput(base);
    expect(input).toMatchObject({ groupId: 'email', execute: false, pause: true, timeoutSeconds: DEFAULT_TIMEOUT_SECONDS, reason: undefined });
    expect(input.scope).toEqual({ type: 'topics', topics: [{ topic: 'orders' }] });
    expect(input.strategy).toEqual({ type: 'earliest' });
  });

  it.each([
    ['earliest', { type: 'earliest' }],
    ['latest', { type: 'latest' }],
    ['current', { type: 'current' }],
    [{ toOffset: 42 }, { type: 'toOffset', offset: 42n }],
    [{ toOffset: '9007199254740993' }, { type: 'toOffset', offset: 9007199254740993n }],
    [{ shiftBy: -100 }, { type: 'shiftBy', shift: -100n }],
    [{ shiftBy: '+5' }, { type: 'shiftBy', shift: 5n }],
    [{ toDatetime: '2024-05-01T12:00:00.000' }, { type: 'toDatetime', timestampMs: Date.UTC(2024, 4, 1, 12), text: '2024-05-01T12:00:00.000' }],
    [{ byDuration: 'PT30M' }, { type: 'byDuration', durationMs: 1_800_000, text: 'PT30M' }],
    [{ copyFromGroup: 'audit' }, { type: 'copyFromGroup', groupId: 'audit' }],
  ])('reads strategy %j', (strategy, expected) => {
    expect(parseResetInput({ ...base, strategy }).strategy).toEqual(expected);
  });

  it('reads fromFile as an S3 object or as inline CSV, with the file as the scope', () => {
    const s3 = parseResetInput({ groupId: 'email', strategy: { fromFile: 's3://ops/resets/email.csv' } });
    expect(s3.strategy).toEqual({ type: 'fromFile', source: { kind: 's3', bucket: 'ops', key: 'resets/email.csv' } });
    expect(s3.scope).toEqual({ type: 'file' });
    const inline = parseResetInput({ groupId: 'email', strategy: { fromFile: 'orders,0,5\n' } });
    expect(inline.strategy).toEqual({ type: 'fromFile', source: { kind: 'inline', csv: 'orders,0,5\n' } });
  });

  it('takes allTopics as the scope', () => {
    expect(parseResetInput({ groupId: 'email', allTopics: true, strategy: 'latest' }).scope).toEqual({ type: 'allTopics' });
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['an unknown top-level key', { ...base, strategyy: 'earliest' }, ['strategyy']],
    ['an unknown key in a topic', { ...base, topics: [{ topic: 'orders', partition: [0] }] }, ['topics[0].partition']],
    ['a missing groupId', { topics: [{ topic: 'orders' }], strategy: 'earliest' }, ['groupId']],
    ['a missing strategy', { groupId: 'email', topics: [{ topic: 'orders' }] }, ['strategy']],
    ['an unknown strategy name', { ...base, strategy: 'oldest' }, ['strategy']],
    ['an unknown strategy key', { ...base, strategy: { toOfset: 5 } }, ['strategy.toOfset']],
    ['two strategy keys', { ...base, strategy: { toOffset: 5, shiftBy: 1 } }, ['strategy']],
    ['a negative toOffset', { ...base, strategy: { toOffset: -1 } }, ['strategy.toOffset']],
    ['a fractional shiftBy', { ...base, strategy: { shiftBy: 1.5 } }, ['strategy.shiftBy']],
    ['an unsafe JSON number', { ...base, strategy: { toOffset: 2 ** 60 } }, ['strategy.toOffset']],
    ['a datetime without zone or millis', { ...base, strategy: { toDatetime: '2024-05-01T12:00:00' } }, ['strategy.toDatetime']],
    ['a duration in months', { ...base, strategy: { byDuration: 'P1M' } }, ['strategy.byDuration']],
    ['an empty fromFile', { groupId: 'email', strategy: { fromFile: ' ' } }, ['strategy.fromFile']],
    ['copyFromGroup naming the same group', { ...base, strategy: { copyFromGroup: 'email' } }, ['strategy.copyFromGroup']],
    ['no scope', { groupId: 'email', strategy: 'earliest' }, ['topics']],
    ['both scopes', { ...base, allTopics: true }, ['allTopics']],
    ['allTopics false', { groupId: 'email', allTopics: false, strategy: 'earliest' }, ['allTopics']],
    ['a scope with fromFile', { groupId: 'email', topics: [{ topic: 'orders' }], strategy: { fromFile: 'orders,0,1' } }, ['topics']],
    ['an invalid topic name', { ...base, topics: [{ topic: 'or ders' }] }, ['topics[0].topic']],
    ['a topic listed twice', { ...base, topics: [{ topic: 'orders' }, { topic: 'orders' }] }, ['topics[1].topic']],
    ['a negative partition', { ...base, topics: [{ topic: 'orders', partitions: [0, -1] }] }, ['topics[0].partitions[1]']],
    ['a duplicate partition', { ...base, topics: [{ topic: 'orders', partitions: [1, 1] }] }, ['topics[0].partitions']],
    ['execute without a reason', { ...base, execute: true }, ['reason']],
    ['a timeout above 900 s', { ...base, timeoutSeconds: 901 }, ['timeoutSeconds']],
    ['a string for execute', { ...base, execute: 'yes' }, ['execute']],
  ])('rejects %s, naming the field', (_name, raw, fields) => {
    expect(fieldsOf(raw)).toEqual(fields);
  });

  it('reports every bad field at once', () => {
    expect(fieldsOf({ groupId: '', topics: [{ topic: 'orders' }], strategy: { toOffset: 'x' }, pause: 1 })).toEqual(
      expect.arrayContaining(['groupId', 'pause', 'strategy.toOffset']),
    );
  });

  it('rejects what is not an object', () => {
    expect(fieldsOf('reset everything')).toEqual(['(input)']);
  });

  it('reads any int64 offset given as a string, and any safe JSON integer, exactly', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }), (offset) => {
        expect(parseResetInput({ ...base, strategy: { toOffset: offset.toString() } }).strategy).toEqual({ type: 'toOffset', offset });
      }),
    );
    fc.assert(
      fc.property(fc.maxSafeInteger(), (shift) => {
        expect(parseResetInput({ ...base, strategy: { shiftBy: shift } }).strategy).toEqual({ type: 'shiftBy', shift: BigInt(shift) });
      }),
    );
  });

  it('rejects every non-integer offset text, naming strategy.toOffset', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !/^\s*[+-]?\d+\s*$/.test(s)),
        (text) => {
          expect(fieldsOf({ ...base, strategy: { toOffset: text } })).toEqual(['strategy.toOffset']);
        },
      ),
    );
  });
});

describe('parseOffsetResetRequest', () => {
  it('selects the action, reset by default', () => {
    expect(parseOffsetResetRequest(base).action).toBe('reset');
    expect(parseOffsetResetRequest({ action: 'describe', groupId: 'email' })).toEqual({ action: 'describe', groupId: 'email' });
    expect(parseOffsetResetRequest({ action: 'deleteOffsets', groupId: 'email', topics: [{ topic: 'orders' }], reason: 'retired' })).toMatchObject({
      action: 'deleteOffsets',
      topics: [{ topic: 'orders' }],
    });
  });

  it('rejects an unknown action and keys foreign to the action', () => {
    expect(fieldsOf({ action: 'purge', groupId: 'email' }, parseOffsetResetRequest)).toEqual(['action']);
    expect(fieldsOf({ action: 'describe', groupId: 'email', strategy: 'earliest' }, parseOffsetResetRequest)).toEqual(['strategy']);
    expect(fieldsOf({ action: 'deleteOffsets', groupId: 'email', topics: [{ topic: 'orders' }] }, parseOffsetResetRequest)).toEqual(['reason']);
  });
});

describe('parseResetDatetime', () => {
  it.each([
    ['2024-05-01T12:00:00.000', Date.UTC(2024, 4, 1, 12)],
    ['2024-05-01T12:00:00.000Z', Date.UTC(2024, 4, 1, 12)],
    ['2024-05-01T14:00:00.000+02:00', Date.UTC(2024, 4, 1, 12)],
    ['2024-05-01T14:00:00.000+0200', Date.UTC(2024, 4, 1, 12)],
    ['2024-05-01T14:00:00.000+02', Date.UTC(2024, 4, 1, 12)],
    ['2024-05-01T07:30:00-04:30', Date.UTC(2024, 4, 1, 12)],
    ['2024-05-01T12:00:00.123456Z', Date.UTC(2024, 4, 1, 12, 0, 0, 123)],
  ])('reads %s like kafka-consumer-groups.sh', (text, expected) => {
    expect(parseResetDatetime(text)).toEqual({ ok: true, value: expected });
  });

  it.each(['2024-02-30T00:00:00.000', '2024-05-01 12:00:00.000', '2024-05-01T24:00:00.000', '2024-05-01T12:00:00', '2024-05-01', '2024-05-01T12:00:00.000+19:00'])(
    'rejects %s',
    (text) => {
      expect(parseResetDatetime(text).ok).toBe(false);
    },
  );

  it('round-trips every instant written by toISOString', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date(0), max: new Date(Date.UTC(9999, 11, 31)), noInvalidDate: true }), (date) => {
        expect(parseResetDatetime(date.toISOString())).toEqual({ ok: true, value: date.getTime() });
        expect(parseResetDatetime(date.toISOString().replace('Z', ''))).toEqual({ ok: true, value: date.getTime() });
      }),
    );
  });
});

describe('parseIsoDuration', () => {
  it('reads every PnDTnHnMnS combination to the millisecond', () => {
    fc.assert(
      fc.property(
        fc.record({ d: fc.option(fc.nat(10_000)), h: fc.option(fc.nat(100)), m: fc.option(fc.nat(100)), s: fc.option(fc.nat(100)), ms: fc.option(fc.nat(999)) }),
        ({ d, h, m, s, ms }) => {
          const time = `${h !== null ? `${h}H` : ''}${m !== null ? `${m}M` : ''}${s !== null ? `${s}${ms !== null ? `.${String(ms).padStart(3, '0')}` : ''}S` : ''}`;
          const text = `P${d !== null ? `${d}D` : ''}${time ? `T${time}` : ''}`;
          const expected = (d ?? 0) * 86_400_000 + (h ?? 0) * 3_600_000 + (m ?? 0) * 60_000 + (s ?? 0) * 1_000 + (s !== null ? (ms ?? 0) : 0);
          const parsed = parseIsoDuration(text);
          if (d === null && time === '') expect(parsed.ok).toBe(false);
          else expect(parsed).toEqual({ ok: true, value: expected });
        },
      ),
    );
  });

  it.each(['P', 'PT', 'P1DT', 'P1Y', 'P1W', 'PT-5M', '-PT5M', '1H', 'PT1.5H'])('rejects %s', (text) => {
    expect(parseIsoDuration(text).ok).toBe(false);
  });
});
