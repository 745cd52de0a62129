// A scripted cluster for the admin client's unit tests: fake brokers on loopback (node ids
// 1..n), response bodies of the APIs the client speaks, and readers of its requests.
import { createServer } from 'node:net';
import { KafkaAdmin, type KafkaAdminOptions } from '../../../shared/kafka/index.ts';
import { Reader, Writer } from '../../../shared/kafka/wire/index.ts';
import { FakeBroker, type ReceivedRequest } from '../kafka-wire/fake-broker.ts';

export type { ReceivedRequest } from '../kafka-wire/fake-broker.ts';

/** API keys, by the names `onRequest` reports. */
export const API = {
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  DescribeGroups: 15,
  ListGroups: 16,
  OffsetDelete: 47,
  ConsumerGroupDescribe: 69,
} as const;

/** What a scripted broker does with one request: answer with a body, drop the connection, or say nothing. */
export type Answer = Buffer | 'drop' | undefined;

export type Script = (request: ReceivedRequest, node: number) => Answer;

/** Fake brokers; broker `i` is node `i + 1`. Every broker runs the same script. */
export class ScriptedCluster {
  readonly #brokers: FakeBroker[];
  readonly #admins: KafkaAdmin[] = [];
  #script: Script = () => undefined;

  private constructor(brokers: FakeBroker[]) {
    this.#brokers = brokers;
    for (const [i, broker] of brokers.entries()) {
      broker.onRequest((request) => {
        const answer = this.#script(request, i + 1);
        if (answer === 'drop') request.socket.destroy();
        else if (answer !== undefined) broker.reply(request, answer);
      });
    }
  }

  static async start(nodes = 1): Promise<ScriptedCluster> {
    return new ScriptedCluster(await Promise.all(Array.from({ length: nodes }, () => FakeBroker.start())));
  }

  /** Answers every request with `script` (replacing the last one). */
  script(script: Script): void {
    this.#script = script;
  }

  node(nodeId: number): FakeBroker {
    const broker = this.#brokers[nodeId - 1];
    if (!broker) throw new Error(`no node ${nodeId}`);
    return broker;
  }

  get nodeIds(): number[] {
    return this.#brokers.map((_, i) => i + 1);
  }

  /** `host:port` of a node. */
  address(nodeId: number): string {
    return `127.0.0.1:${this.node(nodeId).port}`;
  }

  /** Requests of `apiKey` that node `nodeId` received. */
  received(nodeId: number, apiKey: number): ReceivedRequest[] {
    return this.node(nodeId).received(apiKey);
  }

  /** Requests of `apiKey` the whole cluster received. */
  count(apiKey: number): number {
    return this.#brokers.reduce((sum, b) => sum + b.received(apiKey).length, 0);
  }

  /** A client of this cluster (bootstrap: node 1 unless told), closed by `stop()`. Fast retries and timeouts. */
  admin(options: Partial<KafkaAdminOptions> = {}): KafkaAdmin {
    const admin = new KafkaAdmin({ clientId: 'unit-admin', bootstrapBrokers: [this.address(1)], retryDelayMs: 5, connectTimeoutMs: 1_000, requestTimeoutMs: 1_000, ...options });
    this.#admins.push(admin);
    return admin;
  }

  async stop(): Promise<void> {
    await Promise.all(this.#admins.map((a) => a.close()));
    await Promise.all(this.#brokers.map((b) => b.stop()));
  }
}

/** A loopback address nothing listens on: connecting is refused. */
export async function refusedAddress(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('not listening');
  return `127.0.0.1:${address.port}`;
}

// ---- requests ----

/** A fresh reader of a request's body, so that a request can be read more than once. */
function bodyOf(request: ReceivedRequest): Reader {
  return new Reader(request.body.buffer, request.body.offset);
}

/** The keys of a FindCoordinator v4 request. */
export function findCoordinatorKeys(request: ReceivedRequest): string[] {
  const body = bodyOf(request);
  body.int8();
  return body.compactStringArray();
}

/** The group ids of an OffsetFetch v8 request. */
export function offsetFetchGroups(request: ReceivedRequest): string[] {
  const body = bodyOf(request);
  return body.compactArray((r) => {
    const groupId = r.compactString();
    r.compactNullableArray((t) => {
      t.compactString();
      t.compactInt32Array();
      t.skipTaggedFields();
    });
    r.skipTaggedFields();
    return groupId;
  });
}

/** The topic names of a Metadata v12 request; null for every topic. */
export function metadataTopics(request: ReceivedRequest): string[] | null {
  const body = bodyOf(request);
  return body.compactNullableArray((r) => {
    r.uuid();
    const name = r.compactNullableString();
    r.skipTaggedFields();
    return name ?? '';
  });
}

/** The group ids of a DescribeGroups v5 or ConsumerGroupDescribe v0 request. */
export function describedGroups(request: ReceivedRequest): string[] {
  return bodyOf(request).compactStringArray();
}

/** `[topic, partition]` pairs of a ListOffsets v6 request. */
export function listOffsetsPartitions(request: ReceivedRequest): Array<[string, number]> {
  const body = bodyOf(request);
  body.int32();
  body.int8();
  return body
    .compactArray((r) => {
      const name = r.compactString();
      const partitions = r.compactArray((p) => {
        const index = p.int32();
        p.int32();
        p.int64();
        p.skipTaggedFields();
        return index;
      });
      r.skipTaggedFields();
      return partitions.map((index): [string, number] => [name, index]);
    })
    .flat();
}

// ---- response bodies ----

export interface BrokerSpec {
  readonly nodeId: number;
  readonly address: string;
}

export interface TopicSpec {
  readonly name: string;
  readonly errorCode?: number;
  /** Leader of each partition, by index. */
  readonly leaders?: readonly number[];
  readonly isInternal?: boolean;
}

/** The topic id every known topic of a scripted Metadata answer has. */
export const TOPIC_ID = 'AAECAwQFBgcICQoLDA0ODw';

/** Metadata v12: brokers and topics. */
export function metadataBody(brokers: readonly BrokerSpec[], topics: readonly TopicSpec[] = []): Buffer {
  const w = new Writer().int32(0);
  w.compactArray(brokers, (w, b) => {
    const cut = b.address.lastIndexOf(':');
    w.int32(b.nodeId).compactString(b.address.slice(0, cut)).int32(Number(b.address.slice(cut + 1))).compactNullableString(null).taggedFields();
  });
  w.compactNullableString('unit-cluster').int32(brokers[0]?.nodeId ?? -1);
  w.compactArray(topics, (w, t) => {
    const partitions = (t.errorCode ? [] : (t.leaders ?? [])).map((leader, index) => ({ leader, index }));
    w.int16(t.errorCode ?? 0).compactString(t.name).uuid(t.errorCode ? null : TOPIC_ID).boolean(t.isInternal ?? false);
    w.compactArray(partitions, (w, p) => w.int16(0).int32(p.index).int32(p.leader).int32(0).compactInt32Array([p.leader]).compactInt32Array([p.leader]).compactInt32Array([]).taggedFields());
    w.int32(-2147483648).taggedFields();
  });
  return Buffer.from(w.taggedFields().finish());
}

/** The cluster's brokers as Metadata names them. */
export function brokersOf(cluster: ScriptedCluster): BrokerSpec[] {
  return cluster.nodeIds.map((nodeId) => ({ nodeId, address: cluster.address(nodeId) }));
}

/** FindCoordinator v4: each key's coordinator, or an error code. */
export function findCoordinatorBody(coordinators: ReadonlyArray<{ key: string; nodeId: number; address: string; errorCode?: number }>): Buffer {
  const w = new Writer().int32(0);
  w.compactArray(coordinators, (w, c) => {
    const cut = c.address.lastIndexOf(':');
    const failed = (c.errorCode ?? 0) !== 0;
    w.compactString(c.key).int32(failed ? -1 : c.nodeId).compactString(failed ? '' : c.address.slice(0, cut)).int32(failed ? -1 : Number(c.address.slice(cut + 1)));
    w.int16(c.errorCode ?? 0).compactNullableString(null).taggedFields();
  });
  return Buffer.from(w.taggedFields().finish());
}

export interface FetchedGroupSpec {
  readonly groupId: string;
  readonly errorCode?: number;
  readonly topics?: ReadonlyArray<{ readonly name: string; readonly offsets: ReadonlyArray<readonly [partition: number, offset: bigint]> }>;
}

/** OffsetFetch v8: per group, its committed offsets or an error code. */
export function offsetFetchBody(groups: readonly FetchedGroupSpec[]): Buffer {
  const w = new Writer().int32(0);
  w.compactArray(groups, (w, g) => {
    w.compactString(g.groupId);
    w.compactArray(g.topics ?? [], (w, t) => {
      w.compactString(t.name).compactArray(t.offsets, (w, [partition, offset]) => w.int32(partition).int64(offset).int32(-1).compactNullableString('').int16(0).taggedFields());
      w.taggedFields();
    });
    w.int16(g.errorCode ?? 0).taggedFields();
  });
  return Buffer.from(w.taggedFields().finish());
}

/** ListGroups v5: a top-level error code and the groups. */
export function listGroupsBody(errorCode: number, groups: ReadonlyArray<{ id: string; state: string; type: string }> = []): Buffer {
  const w = new Writer().int32(0).int16(errorCode);
  w.compactArray(groups, (w, g) => w.compactString(g.id).compactString('consumer').compactString(g.state).compactString(g.type).taggedFields());
  return Buffer.from(w.taggedFields().finish());
}

/** DescribeGroups v5: per group an error code, or an empty Stable group. */
export function describeGroupsBody(groups: ReadonlyArray<{ groupId: string; errorCode?: number; state?: string }>): Buffer {
  const w = new Writer().int32(0);
  w.compactArray(groups, (w, g) => {
    w.int16(g.errorCode ?? 0).compactString(g.groupId).compactString(g.state ?? 'Stable').compactString('consumer').compactString('range');
    w.compactArray([], () => undefined).int32(-2147483648).taggedFields();
  });
  return Buffer.from(w.taggedFields().finish());
}

/** ConsumerGroupDescribe v0: per group an error code, or a Stable group without members. */
export function consumerGroupDescribeBody(groups: ReadonlyArray<{ groupId: string; errorCode?: number; epoch?: number }>): Buffer {
  const w = new Writer().int32(0);
  w.compactArray(groups, (w, g) => {
    w.int16(g.errorCode ?? 0).compactNullableString(null).compactString(g.groupId).compactString(g.errorCode ? 'Dead' : 'Stable').int32(g.epoch ?? 1).int32(g.epoch ?? 1).compactString('uniform');
    w.compactArray([], () => undefined).int32(-2147483648).taggedFields();
  });
  return Buffer.from(w.taggedFields().finish());
}

/** ListOffsets v6: per partition an offset or an error code. */
export function listOffsetsBody(partitions: ReadonlyArray<{ topic: string; partition: number; offset?: bigint; errorCode?: number }>): Buffer {
  const topics = [...new Set(partitions.map((p) => p.topic))];
  const w = new Writer().int32(0);
  w.compactArray(topics, (w, topic) => {
    w.compactString(topic);
    w.compactArray(
      partitions.filter((p) => p.topic === topic),
      (w, p) => w.int32(p.partition).int16(p.errorCode ?? 0).int64(-1n).int64(p.errorCode ? -1n : (p.offset ?? 0n)).int32(0).taggedFields(),
    );
    w.taggedFields();
  });
  return Buffer.from(w.taggedFields().finish());
}

/** OffsetCommit v8: per partition an error code. */
export function offsetCommitBody(topic: string, codes: ReadonlyArray<readonly [partition: number, errorCode: number]>): Buffer {
  const w = new Writer().int32(0);
  w.compactArray([topic], (w, name) => {
    w.compactString(name).compactArray(codes, (w, [partition, errorCode]) => w.int32(partition).int16(errorCode).taggedFields());
    w.taggedFields();
  });
  return Buffer.from(w.taggedFields().finish());
}

/** OffsetDelete v0 (not flexible): a top-level error code, and per partition one. */
export function offsetDeleteBody(errorCode: number, topic: string, codes: ReadonlyArray<readonly [partition: number, errorCode: number]> = []): Buffer {
  const w = new Writer().int16(errorCode).int32(0);
  w.array(errorCode ? [] : [topic], (w, name) => w.string(name).array(codes, (w, [partition, code]) => w.int32(partition).int16(code)));
  return Buffer.from(w.finish());
}

/** The error `promise` rejects with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection, got a result');
}
