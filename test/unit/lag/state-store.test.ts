import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AttributeValue, BatchWriteItemCommandInput } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { DynamoDbLagStateStore, InMemoryLagStateStore, decodeGroupState, decodeTopicState, encodeGroupState, encodeTopicState } from '../../../shared/lag/index.ts';
import type { CommitObservation, GroupLagState, OffsetTimePoint, TopicLagState } from '../../../shared/lag/index.ts';
import { TopicCommitWindows } from '../../../shared/lag/commit-windows.ts';

const T0 = 1_800_000_000_000;

const observation = fc.record({
  offset: fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }),
  lag: fc.option(fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }), { nil: null }),
  timeMs: fc.integer({ min: 0, max: 4_000_000_000_000 }),
});
const samples = fc.array(fc.record({ offset: fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }), timeMs: fc.integer({ min: 0, max: 4_000_000_000_000 }) }), { maxLength: 12 });

const groupState = fc.record({
  groupId: fc.string({ minLength: 1 }),
  type: fc.constantFrom('classic' as const, 'consumer' as const),
  lastState: fc.option(fc.constantFrom('Stable', 'Empty', 'PreparingRebalance'), { nil: null }),
  generation: fc.option(fc.nat(), { nil: null }),
  membersFingerprint: fc.option(fc.string(), { nil: null }),
  lastSeenMs: fc.integer({ min: 0, max: 4_000_000_000_000 }),
  windows: fc
    .array(fc.tuple(fc.string({ minLength: 1 }), fc.array(fc.tuple(fc.nat(1000), fc.array(observation, { maxLength: 10 })), { maxLength: 4 })), { maxLength: 3 })
    .map((topics) => new Map(topics.map(([t, ps]) => [t, new Map(ps)]))),
  scaling: fc.option(fc.record({ lastChangeAtMs: fc.integer({ min: 0, max: 4_000_000_000_000 }), minimumPollers: fc.integer({ min: 1, max: 200 }) }), { nil: null }),
});

/** `state` with plain Maps of observation objects as windows (Jest's toEqual tells a Map subclass from a Map). */
function plain(state: GroupLagState | undefined): GroupLagState | undefined {
  return state === undefined ? undefined : { ...state, windows: new Map([...state.windows].map(([topic, windows]) => [topic, new Map(windows)])) };
}

function groupWith(groupId: string, windows: Array<[string, number, CommitObservation[]]>): GroupLagState {
  const map = new Map<string, Map<number, CommitObservation[]>>();
  for (const [topic, partition, obs] of windows) map.set(topic, (map.get(topic) ?? new Map()).set(partition, obs));
  return { groupId, type: 'classic', lastState: 'Stable', generation: null, membersFingerprint: 'fp', lastSeenMs: T0, windows: map, scaling: { lastChangeAtMs: T0 - 5000, minimumPollers: 3 } };
}

describe('the state encoding', () => {
  it('round-trips any group state exactly (bigint offsets, null lags, rewinds)', () => {
    fc.assert(fc.property(groupState, (state) => expect(decodeGroupState(encodeGroupState(state))).toEqual(state)));
  });

  it('decodes the same windows into columns as into observation objects (what the stores load)', () => {
    fc.assert(
      fc.property(groupState, (state) => {
        const text = encodeGroupState(state);
        const columns = decodeGroupState(text, { columns: true })!;
        for (const windows of columns.windows.values()) expect(windows).toBeInstanceOf(TopicCommitWindows);
        expect(plain(columns)).toEqual(decodeGroupState(text));
      }),
    );
  });

  it('decodes into columns what the encoder never writes but the decoder reads: long values, upper case, extra fields, offsets past 2^53', () => {
    const text = (window: string): string => `{"v":1,"g":"g","ty":"classic","st":null,"ge":null,"fp":null,"ls":0,"sc":null,"w":[["t",[[0,"${window}"]]]]}`;
    const pastSafe = `${(2n ** 53n - 1n).toString(36)}:0:1,1:1:1,${(2n ** 60n).toString(36)}:2:1`;
    for (const window of ['2gosa7pa2gv:1:a', 'A:B:C', '5:1:2:extra', pastSafe, '-1:0:1,2::3', ':1:2']) {
      const decoded = decodeGroupState(text(window))!;
      expect(decoded.windows.get('t')!.get(0)!.length).toBeGreaterThan(0);
      expect(plain(decodeGroupState(text(window), { columns: true }))).toEqual(decoded);
    }
  });

  it('leaves out of the columns a window no int64 holds, or under a key that is no partition, as the evaluation would', () => {
    const doc = `{"v":1,"g":"g","ty":"classic","st":null,"ge":null,"fp":null,"ls":0,"sc":null,"w":[["t",[[0,"1:0:a"],[1,"${(2n ** 64n).toString(36)}:0:a"],[2.5,"1:0:a"],[3,"1:${(-(2n ** 63n)).toString(36)}:a"],[4,""]]]]}`;
    const windows = decodeGroupState(doc, { columns: true })!.windows.get('t')!;
    expect(new Map(windows)).toEqual(new Map([[0, [{ offset: 1n, lag: 0n, timeMs: 10 }]], [4, []]]));
    expect(decodeGroupState(doc)!.windows.get('t')!.size).toBe(5);
  });

  it('keeps the last window of a partition stored twice, in its first place, as a Map of the entries would', () => {
    const doc = '{"v":1,"g":"g","ty":"classic","st":null,"ge":null,"fp":null,"ls":0,"sc":null,"w":[["t",[[1,"5:0:a"],[0,"1:0:a"],[1,"7:1:b,1:0:1"]]]]}';
    expect(new Map(decodeGroupState(doc, { columns: true })!.windows.get('t')!)).toEqual(decodeGroupState(doc)!.windows.get('t'));
    expect([...decodeGroupState(doc, { columns: true })!.windows.get('t')!.keys()]).toEqual([1, 0]);
  });

  it('round-trips any topic sample table exactly', () => {
    fc.assert(
      fc.property(fc.string(), fc.array(fc.tuple(fc.nat(1000), samples), { maxLength: 5 }), (topic, tables) => {
        const state: TopicLagState = { topic, lastSeenMs: T0, samples: new Map<number, OffsetTimePoint[]>(tables) };
        expect(decodeTopicState(encodeTopicState(state))).toEqual(state);
      }),
    );
  });

  it('ignores an entity written in another format version', () => {
    expect(decodeGroupState(encodeGroupState(groupWith('g', [])).replace('"v":1', '"v":999'))).toBeUndefined();
  });

  it('keeps a 200-partition group with full windows far below the 400 KB item limit', () => {
    const windows: Array<[string, number, CommitObservation[]]> = [];
    for (let p = 0; p < 200; p++) {
      windows.push(['orders', p, Array.from({ length: 10 }, (_, i) => ({ offset: 1_000_000_000n + BigInt(p * 1000 + i * 37), lag: BigInt(i * 11), timeMs: T0 + i * 60_000 }))]);
    }
    expect(Buffer.byteLength(encodeGroupState(groupWith('big', windows)))).toBeLessThan(60_000);
  });
});

describe('the in-memory state store', () => {
  it.each([false, true])('returns what was saved, only for the entities asked (encode: %s)', async (encode) => {
    const store = new InMemoryLagStateStore({ encode });
    const group = groupWith('orders', [['t', 0, [{ offset: 5n, lag: 2n, timeMs: T0 }]]]);
    const topic: TopicLagState = { topic: 't', lastSeenMs: T0, samples: new Map([[0, [{ offset: 7n, timeMs: T0 }]]]) };
    await store.save({ groups: [group], topics: [topic], index: { updatedAtMs: T0, groups: [{ groupId: 'orders', type: 'classic' }] } });

    const loaded = await store.load({ groups: ['orders', 'unknown'], topics: ['t'] });
    expect(plain(loaded.groups.get('orders'))).toEqual(group);
    expect(loaded.groups.has('unknown')).toBe(false);
    expect(loaded.topics.get('t')).toEqual(topic);
    expect(await store.loadIndex()).toEqual({ updatedAtMs: T0, groups: [{ groupId: 'orders', type: 'classic' }] });
  });

  it('forgets deleted groups', async () => {
    const store = new InMemoryLagStateStore();
    await store.save({ groups: [groupWith('gone', [])], topics: [] });
    await store.save({ groups: [], topics: [], deleteGroups: ['gone'] });
    expect((await store.load({ groups: ['gone'], topics: [] })).groups.size).toBe(0);
  });
});

/** A real DynamoDBClient backed by a Map: BatchGetItem/BatchWriteItem answered in process. */
function tableClient(options: { unprocessedOnce?: boolean } = {}) {
  const items = new Map<string, Record<string, AttributeValue>>();
  const calls: Array<{ name: string; size: number }> = [];
  let withheld = false;
  const client = new DynamoDBClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  client.middlewareStack.add(
    (_next, context) => async (args) => {
      const name = context.commandName ?? '';
      const input = args.input as unknown;
      if (name === 'BatchWriteItemCommand') {
        const requests = (input as BatchWriteItemCommandInput).RequestItems!.state!;
        calls.push({ name, size: requests.length });
        let unprocessed: typeof requests = [];
        let todo = requests;
        if (options.unprocessedOnce && !withheld) {
          withheld = true;
          unprocessed = requests.slice(1);
          todo = requests.slice(0, 1);
        }
        for (const r of todo) {
          if (r.PutRequest) items.set(r.PutRequest.Item!.pk!.S!, r.PutRequest.Item!);
          if (r.DeleteRequest) items.delete(r.DeleteRequest.Key!.pk!.S!);
        }
        return { output: { $metadata: {}, UnprocessedItems: unprocessed.length ? { state: unprocessed } : {} }, response: {} } as never;
      }
      const keys = (input as { RequestItems: { state: { Keys: Array<{ pk: { S: string } }> } } }).RequestItems.state.Keys;
      calls.push({ name, size: keys.length });
      const found = keys.flatMap((k) => (items.has(k.pk.S) ? [items.get(k.pk.S)!] : []));
      return { output: { $metadata: {}, Responses: { state: found } }, response: {} } as never;
    },
    { step: 'initialize', name: 'inProcessTable' },
  );
  return { client, items, calls };
}

describe('the DynamoDB state store', () => {
  it('writes one compressed item per entity, in batches of 25', async () => {
    const { client, items, calls } = tableClient();
    const store = new DynamoDbLagStateStore({ tableName: 'state', client, clock: () => T0 });
    const groups = Array.from({ length: 30 }, (_, i) => groupWith(`g${i}`, [['t', 0, [{ offset: 1n, lag: 0n, timeMs: T0 }]]]));
    await store.save({ groups, topics: [] });
    expect(calls.map((c) => c.size)).toEqual([25, 5]);
    expect(items.get('group#g7')).toMatchObject({ parts: { N: '1' }, kind: { S: 'group' }, name: { S: 'g7' }, expiresAt: { N: String(T0 / 1000 + 7 * 24 * 3600) } });
    expect(items.get('group#g7')!.d!.B).toBeInstanceOf(Uint8Array);
  });

  it('reads what it wrote in batches of at most 100 keys', async () => {
    const { client, calls } = tableClient();
    const store = new DynamoDbLagStateStore({ tableName: 'state', client, clock: () => T0 });
    const groups = Array.from({ length: 120 }, (_, i) => groupWith(`g/${i}#x`, [['t', i, [{ offset: BigInt(i), lag: null, timeMs: T0 }]]]));
    await store.save({ groups, topics: [] });
    calls.length = 0;
    const loaded = await store.load({ groups: groups.map((g) => g.groupId), topics: ['none'] });
    expect(calls.map((c) => c.size)).toEqual([100, 21]);
    expect(plain(loaded.groups.get('g/7#x'))).toEqual(groups[7]);
    expect(loaded.groups.size).toBe(120);
  });

  it('splits an entity larger than one item across continuation items and joins them back', async () => {
    const { client, items } = tableClient();
    const store = new DynamoDbLagStateStore({ tableName: 'state', client, clock: () => T0, maxItemBytes: 200 });
    const windows: Array<[string, number, CommitObservation[]]> = Array.from({ length: 40 }, (_, p) => ['orders', p, [{ offset: BigInt(p * 7919), lag: BigInt(p), timeMs: T0 + p }]]);
    const big = groupWith('big', windows);
    await store.save({ groups: [big], topics: [] });
    const parts = Number(items.get('group#big')!.parts!.N);
    expect(parts).toBeGreaterThan(1);
    expect(items.has(`group#big#part#${parts - 1}`)).toBe(true);
    expect(plain((await store.load({ groups: ['big'], topics: [] })).groups.get('big'))).toEqual(big);
  });

  it('treats an entity with a missing continuation as absent rather than failing the cycle', async () => {
    const { client, items } = tableClient();
    const store = new DynamoDbLagStateStore({ tableName: 'state', client, clock: () => T0, maxItemBytes: 200 });
    const windows: Array<[string, number, CommitObservation[]]> = Array.from({ length: 40 }, (_, p) => ['orders', p, [{ offset: BigInt(p * 7919), lag: 1n, timeMs: T0 }]]);
    await store.save({ groups: [groupWith('torn', windows)], topics: [] });
    items.delete('group#torn#part#1');
    expect((await store.load({ groups: ['torn'], topics: [] })).groups.has('torn')).toBe(false);
  });

  it('retries unprocessed writes', async () => {
    const { client, items, calls } = tableClient({ unprocessedOnce: true });
    const store = new DynamoDbLagStateStore({ tableName: 'state', client, clock: () => T0, retryBaseDelayMs: 1 });
    await store.save({ groups: [groupWith('a', []), groupWith('b', []), groupWith('c', [])], topics: [] });
    expect(calls.map((c) => c.size)).toEqual([3, 2]);
    expect([...items.keys()].sort()).toEqual(['group#a', 'group#b', 'group#c']);
  });
});
