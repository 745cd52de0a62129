import { createServer, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BrokerConnection,
  KafkaAuthenticationError,
  KafkaMalformedResponseError,
  KafkaNetworkError,
  KafkaUnsupportedVersionError,
  Writer,
  findCoordinatorV4,
  offsetFetchV8,
  type ConnectionOptions,
  type OffsetFetchResponse,
  type RequestEvent,
} from '../../../shared/kafka/wire/index.ts';
import { ALL_VERSIONS, FakeBroker, apiVersionsBody, responseFrame, type ReceivedRequest } from './fake-broker.ts';

const OPTIONS: ConnectionOptions = { clientId: 'test-client', connectTimeoutMs: 2_000, requestTimeoutMs: 2_000 };

/** A FindCoordinator v4 response naming `key`'s coordinator as node `nodeId`. */
function coordinatorBody(key: string, nodeId = 1): Buffer {
  return new Writer()
    .int32(0)
    .compactArray([key], (w, k) => w.compactString(k).int32(nodeId).compactString('127.0.0.1').int32(9092).int16(0).compactNullableString(null).taggedFields())
    .taggedFields()
    .finish();
}

/** The first key of a FindCoordinator request. */
function requestedKey(request: ReceivedRequest): string {
  request.body.int8();
  return request.body.compactStringArray()[0]!;
}

function find(connection: BrokerConnection, key: string, timeoutMs?: number) {
  return connection.request(findCoordinatorV4, { keyType: 0, keys: [key] }, timeoutMs === undefined ? {} : { timeoutMs });
}

/** A big OffsetFetch v8 response body and what it decodes to. */
function offsetFetchFixture(groups: number, partitions: number): { body: Buffer; expected: OffsetFetchResponse } {
  const expected: OffsetFetchResponse = {
    throttleTimeMs: 0,
    groups: Array.from({ length: groups }, (_, g) => ({
      groupId: `group-${g}`,
      errorCode: 0,
      topics: [{ name: `topic-${g % 7}`, partitions: Array.from({ length: partitions }, (_, p) => ({ partitionIndex: p, committedOffset: BigInt(g * 1_000_000 + p), committedLeaderEpoch: 3, metadata: 'm'.repeat(100), errorCode: 0 })) }],
    })),
  };
  const w = new Writer().int32(0);
  w.compactArray(expected.groups, (w, g) => {
    w.compactString(g.groupId);
    w.compactArray(g.topics, (w, t) => {
      w.compactString(t.name).compactArray(t.partitions, (w, p) => w.int32(p.partitionIndex).int64(p.committedOffset).int32(p.committedLeaderEpoch).compactNullableString(p.metadata).int16(p.errorCode).taggedFields());
      w.taggedFields();
    });
    w.int16(g.errorCode).taggedFields();
  });
  return { body: Buffer.from(w.taggedFields().finish()), expected };
}

describe('BrokerConnection against a scripted broker', () => {
  let broker: FakeBroker;
  const open: BrokerConnection[] = [];
  const connect = async (options: Partial<ConnectionOptions> = {}): Promise<BrokerConnection> => {
    const connection = await BrokerConnection.open(broker.address, { ...OPTIONS, ...options });
    open.push(connection);
    return connection;
  };

  beforeEach(async () => {
    broker = await FakeBroker.start();
  });

  afterEach(async () => {
    for (const c of open.splice(0)) c.close();
    await broker.stop();
  });

  it('opens with ApiVersions v3 in request header v2 and learns the version ranges', async () => {
    const events: RequestEvent[] = [];
    const connection = await connect({ onRequest: (e) => events.push(e) });
    const [hello] = broker.requests;
    expect(hello).toMatchObject({ apiKey: 18, version: 3, clientId: 'test-client', headerTagged: true });
    expect([hello!.body.compactString(), hello!.body.compactString()]).toEqual(['serverless-consumer-groups', '0.1.0']);
    expect(connection.versions(9)).toEqual({ min: 1, max: 10 });
    expect(connection.versions(999)).toBeUndefined();
    expect(connection.supports(offsetFetchV8)).toBe(true);
    expect(connection.usable).toBe(true);
    expect(events).toEqual([{ api: 'ApiVersions', apiKey: 18, version: 3, broker: `127.0.0.1:${broker.port}` }]);
  });

  it('matches pipelined responses answered out of order by correlation id', async () => {
    const connection = await connect();
    const held: ReceivedRequest[] = [];
    broker.onRequest((request) => {
      held.push(request);
      // Answer only once all three are in flight, newest first.
      if (held.length === 3) for (const r of [...held].reverse()) broker.reply(r, coordinatorBody(requestedKey(r), held.indexOf(r)));
    });
    const answers = await Promise.all(['a', 'b', 'c'].map((key) => find(connection, key)));
    expect(answers.map((a) => a.coordinators[0]!.key)).toEqual(['a', 'b', 'c']);
    expect(answers.map((a) => a.coordinators[0]!.nodeId)).toEqual([0, 1, 2]);
    expect(new Set(held.map((r) => r.correlationId)).size).toBe(3);
  });

  it('reassembles a large response split into many chunks, with the next response in the same chunk', async () => {
    const connection = await connect();
    const { body, expected } = offsetFetchFixture(200, 12);
    const requests: ReceivedRequest[] = [];
    broker.onRequest(async (request) => {
      requests.push(request);
      if (requests.length < 2) return;
      const [big, small] = requests as [ReceivedRequest, ReceivedRequest];
      const bytes = Buffer.concat([responseFrame(big.correlationId, body, { flexible: true }), responseFrame(small.correlationId, coordinatorBody('small'), { flexible: true })]);
      // The size prefix itself arrives in two pieces, then chunks of varying size.
      big.socket.write(bytes.subarray(0, 2));
      await sleep(5);
      let offset = 2;
      for (let size = 1; offset < bytes.length; size = (size * 7 + 13) % 40_000) {
        big.socket.write(bytes.subarray(offset, offset + size + 1));
        offset += size + 1;
        if (size % 3 === 0) await sleep(0);
      }
    });
    const [fetched, found] = await Promise.all([connection.request(offsetFetchV8, { groups: [{ groupId: 'x', topics: null }], requireStable: false }), find(connection, 'small')]);
    expect(body.length).toBeGreaterThan(250_000);
    expect(fetched).toEqual(expected);
    expect(found.coordinators[0]!.key).toBe('small');
  });

  it('skips tagged fields in a flexible response header', async () => {
    const connection = await connect();
    broker.onRequest((request) => broker.reply(request, coordinatorBody(requestedKey(request)), Buffer.from([9, 9, 9])));
    expect((await find(connection, 'tagged')).coordinators[0]!.key).toBe('tagged');
  });

  it('rejects a timed-out request with KafkaNetworkError and ignores its late answer', async () => {
    const connection = await connect();
    const late: ReceivedRequest[] = [];
    broker.onRequest((request) => {
      const key = requestedKey(request);
      if (key === 'slow') late.push(request);
      else broker.reply(request, coordinatorBody(key));
    });
    const error = await find(connection, 'slow', 50).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KafkaNetworkError);
    expect(error).toMatchObject({ code: 'KAFKA_REQUEST_TIMEOUT', retriable: true, broker: `127.0.0.1:${broker.port}` });
    expect((error as Error).message).toMatch(new RegExp(`FindCoordinator v4 to Kafka broker 127\\.0\\.0\\.1:${broker.port} timed out after 50 ms`));
    broker.reply(late[0]!, coordinatorBody('slow'));
    expect((await find(connection, 'next')).coordinators[0]!.key).toBe('next');
    expect(connection.usable).toBe(true);
  });

  it('rejects every pending request when the socket closes, and is unusable after', async () => {
    const connection = await connect();
    const seen: ReceivedRequest[] = [];
    broker.onRequest((request) => {
      seen.push(request);
      if (seen.length === 2) request.socket.destroy();
    });
    const results = await Promise.allSettled([find(connection, 'a'), find(connection, 'b')]);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(KafkaNetworkError);
      expect((result as PromiseRejectedResult).reason).toMatchObject({ code: 'KAFKA_CONNECTION_CLOSED', retriable: true });
    }
    expect(connection.usable).toBe(false);
    await expect(find(connection, 'c')).rejects.toThrow(/not sent: the broker closed the connection/);
  });

  it('rejects pending requests when the client closes the connection', async () => {
    const connection = await connect();
    broker.onRequest(() => undefined);
    const pending = find(connection, 'a');
    await sleep(10);
    connection.close();
    await expect(pending).rejects.toThrow(KafkaNetworkError);
    expect(connection.usable).toBe(false);
  });

  it('throws KafkaUnsupportedVersionError before sending a version the broker lacks', async () => {
    broker.apiVersions = apiVersionsBody([...ALL_VERSIONS.filter(([key]) => key !== 9 && key !== 10), [9, 1, 7]]);
    const events: RequestEvent[] = [];
    const connection = await connect({ onRequest: (e) => events.push(e) });
    const error = await connection.request(offsetFetchV8, { groups: [], requireStable: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KafkaUnsupportedVersionError);
    expect(error).toMatchObject({ code: 'KAFKA_UNSUPPORTED_VERSION', retriable: false });
    expect((error as Error).message).toMatch(/OffsetFetch v8 \(api key 9\): it supports v1 to v7 only; the broker is too old: OffsetFetch v8 needs Apache Kafka 3\.0 or newer/);
    await expect(find(connection, 'x')).rejects.toThrow(/FindCoordinator v4 \(api key 10\): it does not offer it at all/);
    expect(connection.supports(offsetFetchV8)).toBe(false);
    expect(broker.requests.map((r) => r.apiKey)).toEqual([18]);
    expect(events.map((e) => e.api)).toEqual(['ApiVersions']);
  });

  it('rejects a response that does not decode with KafkaMalformedResponseError and keeps the connection', async () => {
    const connection = await connect();
    broker.onRequest((request) => {
      const key = requestedKey(request);
      broker.reply(request, key === 'bad' ? coordinatorBody(key).subarray(0, 9) : coordinatorBody(key));
    });
    await expect(find(connection, 'bad')).rejects.toThrow(KafkaMalformedResponseError);
    expect((await find(connection, 'good')).coordinators[0]!.key).toBe('good');
  });

  it('rejects open with KafkaUnsupportedVersionError when the broker does not speak ApiVersions v3', async () => {
    // The v0 layout a pre-2.4 broker answers with: error 35 and its own ApiVersions range.
    broker.apiVersions = new Writer().int16(35).array([[18, 0, 2]], (w, [k, min, max]) => w.int16(k!).int16(min!).int16(max!)).finish();
    await expect(connect()).rejects.toThrow(/ApiVersions v3 \(api key 18\): it supports v0 to v2 only; the broker is too old: ApiVersions v3 needs Apache Kafka 2\.4/);
  });

  it('rejects open with KafkaNetworkError when ApiVersions is never answered', async () => {
    broker.apiVersions = null;
    await expect(connect({ requestTimeoutMs: 100 })).rejects.toMatchObject({ code: 'KAFKA_REQUEST_TIMEOUT', message: expect.stringMatching(/ApiVersions v3/) });
    expect(broker.sockets[0]!.destroyed || (await sleep(50).then(() => broker.sockets[0]!.destroyed))).toBe(true);
  });

  it('authenticates with SASL PLAIN: SaslHandshake v1 (header v1) then SaslAuthenticate v2', async () => {
    const events: RequestEvent[] = [];
    broker.onRequest((request) => {
      if (request.apiKey === 17) broker.reply(request, new Writer().int16(0).array(['PLAIN'], (w, m) => w.string(m)).finish());
      if (request.apiKey === 36) broker.reply(request, new Writer().int16(0).compactNullableString(null).compactBytes(Buffer.alloc(0)).int64(0n).taggedFields().finish());
    });
    await connect({ sasl: { mechanism: 'PLAIN', username: 'alice', password: 'pw' }, onRequest: (e) => events.push(e) });
    const [handshake, auth] = [broker.received(17)[0]!, broker.received(36)[0]!];
    expect(handshake).toMatchObject({ version: 1, headerTagged: false });
    expect(handshake.body.string()).toBe('PLAIN');
    expect(handshake.body.remaining).toBe(0);
    expect(auth).toMatchObject({ version: 2, headerTagged: true });
    expect(auth.body.compactBytes().toString()).toBe('\0alice\0pw');
    expect(events.map((e) => `${e.api} v${e.version}`)).toEqual(['ApiVersions v3', 'SaslHandshake v1', 'SaslAuthenticate v2']);
  });

  it('becomes unusable within the last 10% of the SASL session lifetime', async () => {
    broker.onRequest((request) => {
      if (request.apiKey === 17) broker.reply(request, new Writer().int16(0).array(['PLAIN'], (w, m) => w.string(m)).finish());
      if (request.apiKey === 36) broker.reply(request, new Writer().int16(0).compactNullableString(null).compactBytes(Buffer.alloc(0)).int64(1_000n).taggedFields().finish());
    });
    const connection = await connect({ sasl: { mechanism: 'PLAIN', username: 'a', password: 'b' } });
    expect(connection.usable).toBe(true);
    await sleep(920);
    expect(connection.usable).toBe(false);
  });

  it('fails open with KafkaAuthenticationError carrying the broker message on bad credentials', async () => {
    broker.onRequest((request) => {
      if (request.apiKey === 17) broker.reply(request, new Writer().int16(0).array(['PLAIN'], (w, m) => w.string(m)).finish());
      if (request.apiKey === 36) broker.reply(request, new Writer().int16(58).compactNullableString('Authentication failed: Invalid username or password').compactBytes(Buffer.alloc(0)).int64(0n).taggedFields().finish());
    });
    const error = await connect({ sasl: { mechanism: 'PLAIN', username: 'a', password: 'wrong' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KafkaAuthenticationError);
    expect(error).toMatchObject({ code: 'KAFKA_AUTHENTICATION_FAILED', retriable: false });
    expect((error as Error).message).toBe(`SASL PLAIN authentication with Kafka broker 127.0.0.1:${broker.port} failed: Authentication failed: Invalid username or password`);
  });

  it('fails open with KafkaAuthenticationError naming the enabled mechanisms when ours is not', async () => {
    broker.onRequest((request) => broker.reply(request, new Writer().int16(33).array(['SCRAM-SHA-512', 'OAUTHBEARER'], (w, m) => w.string(m)).finish()));
    await expect(connect({ sasl: { mechanism: 'PLAIN', username: 'a', password: 'b' } })).rejects.toThrow(/refused SASL mechanism PLAIN \(UNSUPPORTED_SASL_MECHANISM\); this listener enables: SCRAM-SHA-512, OAUTHBEARER/);
    expect(broker.received(36)).toHaveLength(0);
  });
});

describe('BrokerConnection.open failures', () => {
  it('rejects with KafkaNetworkError naming the broker when nothing listens', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const error = await BrokerConnection.open({ host: '127.0.0.1', port }, OPTIONS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KafkaNetworkError);
    expect(error).toMatchObject({ code: 'KAFKA_CONNECT_FAILED', retriable: true });
    expect((error as Error).message).toContain(`cannot connect to Kafka broker 127.0.0.1:${port}`);
  });

  it('times out connecting when the TLS handshake never completes', async () => {
    const accepted: Socket[] = [];
    const silent = createServer((socket) => accepted.push(socket.on('error', () => undefined)));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      const started = Date.now();
      const error = await BrokerConnection.open({ host: '127.0.0.1', port }, { ...OPTIONS, tls: true, connectTimeoutMs: 150 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KafkaNetworkError);
      expect(error).toMatchObject({ code: 'KAFKA_CONNECT_TIMEOUT', message: `connecting to Kafka broker 127.0.0.1:${port} timed out after 150 ms` });
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    } finally {
      for (const socket of accepted) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
