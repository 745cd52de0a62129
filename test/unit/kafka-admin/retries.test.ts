import { performance } from 'node:perf_hooks';
import { KafkaPartitionErrors, KafkaRoutingError, type ConsumerGroupDescription } from '../../../shared/kafka/index.ts';
import { KafkaNetworkError, KafkaProtocolError, Writer } from '../../../shared/kafka/wire/index.ts';
import {
  API,
  ScriptedCluster,
  brokersOf,
  consumerGroupDescribeBody,
  describeGroupsBody,
  describedGroups,
  findCoordinatorBody,
  findCoordinatorKeys,
  listGroupsBody,
  metadataBody,
  offsetCommitBody,
  offsetDeleteBody,
  offsetFetchBody,
  offsetFetchGroups,
  rejection,
  type ReceivedRequest,
} from './support.ts';

const NOT_COORDINATOR = 16;
const COORDINATOR_LOAD_IN_PROGRESS = 14;
const COORDINATOR_NOT_AVAILABLE = 15;

describe('KafkaAdmin retries against scripted brokers', () => {
  let cluster: ScriptedCluster;
  /** Every FindCoordinator key lookup, in order. */
  let lookups: string[][];

  /** Answers FindCoordinator naming node `coordinatorOf(key, lookup number)` for each key. */
  const coordinators = (request: ReceivedRequest, coordinatorOf: (key: string, lookup: number) => number): Buffer => {
    const keys = findCoordinatorKeys(request);
    lookups.push(keys);
    return findCoordinatorBody(keys.map((key) => ({ key, nodeId: coordinatorOf(key, lookups.length), address: cluster.address(coordinatorOf(key, lookups.length)) })));
  };

  const committed = (groupId: string, offset = 42n) => ({ groupId, topics: [{ name: 'orders', offsets: [[0, offset] as const] }] });
  const fetched = (groupId: string, offset = 42n) => ({ groupId, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: -1, metadata: '' }] }] });

  beforeEach(async () => {
    cluster = await ScriptedCluster.start(2);
    lookups = [];
  });

  afterEach(async () => {
    await cluster.stop();
  });

  describe('a moved coordinator (NOT_COORDINATOR)', () => {
    it('looks the coordinator up again and reads the offsets from the new one', async () => {
      cluster.script((request, node) => {
        if (request.apiKey === API.FindCoordinator) return coordinators(request, (_, lookup) => (lookup === 1 ? 1 : 2));
        if (request.apiKey === API.OffsetFetch) return offsetFetchBody(offsetFetchGroups(request).map((g) => (node === 1 ? { groupId: g, errorCode: NOT_COORDINATOR } : committed(g))));
        return undefined;
      });
      const answer = await cluster.admin().listConsumerGroupOffsets({ groups: ['orders-service'] });
      expect(answer).toEqual([fetched('orders-service')]);
      expect(lookups).toEqual([['orders-service'], ['orders-service']]);
      expect(cluster.received(1, API.OffsetFetch)).toHaveLength(1);
      expect(cluster.received(2, API.OffsetFetch)).toHaveLength(1);
    });

    it('asks again only for the groups that moved, and answers in request order', async () => {
      cluster.script((request, node) => {
        if (request.apiKey === API.FindCoordinator) return coordinators(request, (key, lookup) => (key === 'b' && lookup > 1 ? 2 : 1));
        if (request.apiKey === API.OffsetFetch) return offsetFetchBody(offsetFetchGroups(request).map((g) => (node === 1 && g === 'b' ? { groupId: g, errorCode: NOT_COORDINATOR } : committed(g, g === 'a' ? 1n : 2n))));
        return undefined;
      });
      const answer = await cluster.admin().listConsumerGroupOffsets({ groups: ['b', 'a'] });
      expect(answer).toEqual([fetched('b', 2n), fetched('a', 1n)]);
      expect(lookups).toEqual([['b', 'a'], ['b']]);
      expect(cluster.received(1, API.OffsetFetch).map(offsetFetchGroups)).toEqual([['b', 'a']]);
      expect(cluster.received(2, API.OffsetFetch).map(offsetFetchGroups)).toEqual([['b']]);
    });

    it('reads committed offsets compactly with the same routing: moved groups asked again, every asked group answered', async () => {
      cluster.script((request, node) => {
        if (request.apiKey === API.FindCoordinator) return coordinators(request, (key, lookup) => (key === 'b' && lookup > 1 ? 2 : 1));
        if (request.apiKey === API.OffsetFetch) {
          return offsetFetchBody(
            offsetFetchGroups(request)
              .filter((g) => g !== 'absent')
              .map((g) => (node === 1 && g === 'b' ? { groupId: g, errorCode: NOT_COORDINATOR } : { groupId: g, topics: [{ name: 'orders', offsets: [[1, g === 'a' ? 1n : 2n], [0, -1n]] as const }] })),
          );
        }
        return undefined;
      });
      const answer = await cluster.admin().listCommittedOffsets(['b', 'a', 'absent']);
      expect([...answer.keys()]).toEqual(['b', 'a', 'absent']);
      expect(answer.get('a')!.map((t) => [t.name, [...t.offsets]])).toEqual([['orders', [undefined, 1n]]]);
      expect(answer.get('b')!.map((t) => [t.name, [...t.offsets]])).toEqual([['orders', [undefined, 2n]]]);
      expect(answer.get('absent')).toEqual([]);
      // A group the coordinator did not answer for is asked again too, as by listConsumerGroupOffsets.
      expect(lookups).toEqual([['b', 'a', 'absent'], ['b', 'absent']]);
      expect(cluster.received(2, API.OffsetFetch).map(offsetFetchGroups)).toEqual([['b']]);
    });

    it('rejects compact committed offsets with the error of the first partition the coordinator refused', async () => {
      cluster.script((request) => {
        if (request.apiKey === API.FindCoordinator) return coordinators(request, () => 1);
        if (request.apiKey === API.OffsetFetch) {
          const w = new Writer().int32(0);
          w.compactArray(['orders-service'], (w, groupId) => {
            w.compactString(groupId).compactArray(['orders'], (w, topic) => {
              w.compactString(topic).compactArray([0, 1], (w, p) => w.int32(p).int64(5n).int32(-1).compactNullableString('').int16(p === 1 ? 29 : 0).taggedFields());
              w.taggedFields();
            });
            w.int16(0).taggedFields();
          });
          return Buffer.from(w.taggedFields().finish());
        }
        return undefined;
      });
      const error = await rejection(cluster.admin({ retries: 0 }).listCommittedOffsets(['orders-service']));
      expect(error).toBeInstanceOf(KafkaProtocolError);
      expect((error as KafkaProtocolError).errorName).toBe('TOPIC_AUTHORIZATION_FAILED');
      expect((error as KafkaProtocolError).message).toContain("OffsetFetch for group 'orders-service', partition orders-1");
    });

    it('describes a classic group on its new coordinator', async () => {
      cluster.script((request, node) => {
        if (request.apiKey === API.FindCoordinator) return coordinators(request, (_, lookup) => (lookup === 1 ? 1 : 2));
        if (request.apiKey === API.DescribeGroups) return describeGroupsBody(describedGroups(request).map((groupId) => ({ groupId, ...(node === 1 ? { errorCode: NOT_COORDINATOR } : {}) })));
        return undefined;
      });
      const described = await cluster.admin().describeGroups({ groups: ['orders-service'] });
      expect(described.get('orders-service')).toEqual({ id: 'orders-service', state: 'Stable', protocolType: 'consumer', protocol: 'range', members: new Map() });
      expect(lookups).toHaveLength(2);
      expect(cluster.received(2, API.DescribeGroups)).toHaveLength(1);
    });

    it('describes a KIP-848 group on its new coordinator', async () => {
      cluster.script((request, node) => {
        if (request.apiKey === API.FindCoordinator) return coordinators(request, (_, lookup) => (lookup === 1 ? 1 : 2));
        if (request.apiKey === API.ConsumerGroupDescribe) return consumerGroupDescribeBody(describedGroups(request).map((groupId) => ({ groupId, ...(node === 1 ? { errorCode: NOT_COORDINATOR } : { epoch: 7 }) })));
        return undefined;
      });
      const described = await cluster.admin().consumerGroupDescribe(['orders-service']);
      expect(described.get('orders-service')).toEqual({ groupId: 'orders-service', state: 'Stable', groupEpoch: 7, assignmentEpoch: 7, members: [] });
      expect(lookups).toHaveLength(2);
    });

    it('commits on the new coordinator when the old one refuses every partition with NOT_COORDINATOR', async () => {
      cluster.script((request, node) => {
        if (request.apiKey === API.FindCoordinator) return coordinators(request, (_, lookup) => (lookup === 1 ? 1 : 2));
        if (request.apiKey === API.OffsetCommit) return offsetCommitBody('orders', [[0, node === 1 ? NOT_COORDINATOR : 0]]);
        return undefined;
      });
      await cluster.admin().alterConsumerGroupOffsets({ groupId: 'orders-service', topics: [{ name: 'orders', partitionOffsets: [{ partition: 0, offset: 5n }] }] });
      expect(cluster.received(1, API.OffsetCommit)).toHaveLength(1);
      expect(cluster.received(2, API.OffsetCommit)).toHaveLength(1);
    });

    it('deletes on the new coordinator when the old one answers NOT_COORDINATOR', async () => {
      cluster.script((request, node) => {
        if (request.apiKey === API.FindCoordinator) return coordinators(request, (_, lookup) => (lookup === 1 ? 1 : 2));
        if (request.apiKey === API.OffsetDelete) return offsetDeleteBody(node === 1 ? NOT_COORDINATOR : 0, 'orders', [[0, 0]]);
        return undefined;
      });
      const deleted = await cluster.admin().deleteConsumerGroupOffsets({ groupId: 'orders-service', topics: [{ name: 'orders', partitionIndexes: [0] }] });
      expect(deleted).toEqual([{ name: 'orders', partitionIndexes: [0] }]);
      expect(cluster.received(2, API.OffsetDelete)).toHaveLength(1);
    });
  });

  describe('a coordinator loading its groups (COORDINATOR_LOAD_IN_PROGRESS)', () => {
    /** Arrival times (ms) of the requests of `apiKey`, for checking the pauses between retries. */
    let arrivals: number[];
    const gaps = (): number[] => arrivals.slice(1).map((t, i) => t - arrivals[i]!);

    beforeEach(() => {
      arrivals = [];
    });

    it('retries after a pause that doubles each time, and succeeds', async () => {
      cluster.script((request) => {
        if (request.apiKey === API.FindCoordinator) return coordinators(request, () => 1);
        if (request.apiKey !== API.OffsetFetch) return undefined;
        arrivals.push(performance.now());
        return offsetFetchBody(offsetFetchGroups(request).map((g) => (arrivals.length < 3 ? { groupId: g, errorCode: COORDINATOR_LOAD_IN_PROGRESS } : committed(g))));
      });
      const answer = await cluster.admin({ retries: 3, retryDelayMs: 20 }).listConsumerGroupOffsets({ groups: ['orders-service'] });
      expect(answer).toEqual([fetched('orders-service')]);
      expect(arrivals).toHaveLength(3);
      const [first, second] = gaps();
      expect(first).toBeGreaterThanOrEqual(19);
      expect(second).toBeGreaterThanOrEqual(39);
    });

    it('gives up after `retries` retries with the error the coordinator answered', async () => {
      cluster.script((request) => {
        if (request.apiKey === API.FindCoordinator) return coordinators(request, () => 1);
        if (request.apiKey === API.OffsetFetch) return offsetFetchBody(offsetFetchGroups(request).map((g) => ({ groupId: g, errorCode: COORDINATOR_LOAD_IN_PROGRESS })));
        return undefined;
      });
      const error = await rejection(cluster.admin({ retries: 2 }).listConsumerGroupOffsets({ groups: ['orders-service'] }));
      expect(error).toBeInstanceOf(KafkaProtocolError);
      expect((error as KafkaProtocolError).errorName).toBe('COORDINATOR_LOAD_IN_PROGRESS');
      expect((error as KafkaProtocolError).message).toContain("OffsetFetch for group 'orders-service'");
      expect(cluster.count(API.OffsetFetch)).toBe(3);
    });

    it('retries a group DescribeGroups answers loading', async () => {
      let describes = 0;
      cluster.script((request) => {
        if (request.apiKey === API.FindCoordinator) return coordinators(request, () => 1);
        if (request.apiKey !== API.DescribeGroups) return undefined;
        describes++;
        return describeGroupsBody(describedGroups(request).map((groupId) => ({ groupId, ...(describes < 3 ? { errorCode: COORDINATOR_LOAD_IN_PROGRESS } : {}) })));
      });
      expect((await cluster.admin({ retries: 2 }).describeGroups({ groups: ['orders-service'] })).get('orders-service')!.state).toBe('Stable');
      expect(describes).toBe(3);
    });

    it('retries ConsumerGroupDescribe after a pause that doubles each time', async () => {
      cluster.script((request) => {
        if (request.apiKey === API.FindCoordinator) return coordinators(request, () => 1);
        if (request.apiKey !== API.ConsumerGroupDescribe) return undefined;
        arrivals.push(performance.now());
        return consumerGroupDescribeBody(describedGroups(request).map((groupId) => ({ groupId, ...(arrivals.length < 3 ? { errorCode: COORDINATOR_LOAD_IN_PROGRESS } : {}) })));
      });
      const described = await cluster.admin({ retries: 2, retryDelayMs: 20 }).consumerGroupDescribe(['orders-service']);
      expect((described.get('orders-service') as ConsumerGroupDescription).state).toBe('Stable');
      expect(arrivals).toHaveLength(3);
      const [first, second] = gaps();
      expect(first).toBeGreaterThanOrEqual(19);
      expect(second).toBeGreaterThanOrEqual(39);
    });

    it('maps a KIP-848 group to the loading error once retries run out, without failing the others', async () => {
      cluster.script((request) => {
        if (request.apiKey === API.FindCoordinator) return coordinators(request, () => 1);
        if (request.apiKey !== API.ConsumerGroupDescribe) return undefined;
        return consumerGroupDescribeBody(describedGroups(request).map((groupId) => ({ groupId, ...(groupId === 'loading' ? { errorCode: COORDINATOR_LOAD_IN_PROGRESS } : {}) })));
      });
      const described = await cluster.admin({ retries: 1 }).consumerGroupDescribe(['loading', 'ready']);
      const failed = described.get('loading');
      expect(failed).toBeInstanceOf(KafkaProtocolError);
      expect((failed as KafkaProtocolError).errorName).toBe('COORDINATOR_LOAD_IN_PROGRESS');
      expect((described.get('ready') as ConsumerGroupDescription).state).toBe('Stable');
      expect(cluster.received(1, API.ConsumerGroupDescribe).map(describedGroups)).toEqual([['loading', 'ready'], ['loading']]);
    });

    it('retries a FindCoordinator that names no coordinator yet (COORDINATOR_NOT_AVAILABLE)', async () => {
      cluster.script((request) => {
        if (request.apiKey === API.FindCoordinator) {
          const keys = findCoordinatorKeys(request);
          lookups.push(keys);
          return findCoordinatorBody(keys.map((key) => ({ key, nodeId: 1, address: cluster.address(1), ...(lookups.length < 3 ? { errorCode: COORDINATOR_NOT_AVAILABLE } : {}) })));
        }
        if (request.apiKey === API.OffsetFetch) return offsetFetchBody(offsetFetchGroups(request).map((g) => committed(g)));
        return undefined;
      });
      expect(await cluster.admin({ retries: 2 }).listConsumerGroupOffsets({ groups: ['orders-service'] })).toEqual([fetched('orders-service')]);
      expect(lookups).toHaveLength(3);
    });

    it('retries a ListGroups the broker answers loading', async () => {
      let lists = 0;
      cluster.script((request) => {
        if (request.apiKey === API.Metadata) return metadataBody(brokersOf(cluster).slice(0, 1));
        if (request.apiKey !== API.ListGroups) return undefined;
        lists++;
        return lists === 1 ? listGroupsBody(COORDINATOR_LOAD_IN_PROGRESS) : listGroupsBody(0, [{ id: 'orders-service', state: 'Stable', type: 'classic' }]);
      });
      const listed = await cluster.admin({ retries: 1 }).listGroups();
      expect([...listed.keys()]).toEqual(['orders-service']);
      expect(lists).toBe(2);
    });

    it('does not retry a commit refused for a reason retrying cannot fix, next to a loading partition', async () => {
      cluster.script((request) => {
        if (request.apiKey === API.FindCoordinator) return coordinators(request, () => 1);
        if (request.apiKey === API.OffsetCommit) return offsetCommitBody('orders', [[0, COORDINATOR_LOAD_IN_PROGRESS], [1, 25 /* UNKNOWN_MEMBER_ID */]]);
        return undefined;
      });
      const error = await rejection(
        cluster.admin({ retries: 3 }).alterConsumerGroupOffsets({ groupId: 'orders-service', topics: [{ name: 'orders', partitionOffsets: [{ partition: 0, offset: 1n }, { partition: 1, offset: 1n }] }] }),
      );
      expect(error).toBeInstanceOf(KafkaPartitionErrors);
      expect((error as KafkaPartitionErrors).retriable).toBe(false);
      expect((error as KafkaPartitionErrors).failed).toEqual(new Map([['orders-0', 'COORDINATOR_LOAD_IN_PROGRESS'], ['orders-1', 'UNKNOWN_MEMBER_ID']]));
      expect(cluster.count(API.OffsetCommit)).toBe(1);
    });
  });

  describe('a broker that drops the connection or does not answer', () => {
    it('reconnects and retries a request whose connection was dropped mid-request', async () => {
      let fetches = 0;
      cluster.script((request) => {
        if (request.apiKey === API.FindCoordinator) return coordinators(request, () => 1);
        if (request.apiKey !== API.OffsetFetch) return undefined;
        fetches++;
        return fetches === 1 ? 'drop' : offsetFetchBody(offsetFetchGroups(request).map((g) => committed(g)));
      });
      const answer = await cluster.admin({ retries: 1 }).listConsumerGroupOffsets({ groups: ['orders-service'] });
      expect(answer).toEqual([fetched('orders-service')]);
      expect(fetches).toBe(2);
      expect(cluster.node(1).sockets).toHaveLength(2);
    });

    it('gives up after `retries` + 1 attempts when every attempt is dropped', async () => {
      cluster.script((request) => {
        if (request.apiKey === API.FindCoordinator) return coordinators(request, () => 1);
        return request.apiKey === API.OffsetFetch ? 'drop' : undefined;
      });
      const error = await rejection(cluster.admin({ retries: 2 }).listConsumerGroupOffsets({ groups: ['orders-service'] }));
      expect(error).toBeInstanceOf(KafkaNetworkError);
      expect(cluster.count(API.OffsetFetch)).toBe(3);
      expect(cluster.node(1).sockets).toHaveLength(3);
    });

    it('reconnects for a Metadata request whose connection was dropped', async () => {
      let reads = 0;
      cluster.script((request) => {
        if (request.apiKey !== API.Metadata) return undefined;
        reads++;
        return reads === 2 ? 'drop' : metadataBody(brokersOf(cluster));
      });
      const admin = cluster.admin({ retries: 1 });
      await admin.metadata({ topics: [] });
      const metadata = await admin.metadata({ topics: [] });
      expect([...metadata.brokers.keys()]).toEqual([1, 2]);
      expect(reads).toBe(3);
      expect(cluster.node(1).sockets).toHaveLength(2);
    });

    it('retries a request that timed out', async () => {
      let fetches = 0;
      cluster.script((request) => {
        if (request.apiKey === API.FindCoordinator) return coordinators(request, () => 1);
        if (request.apiKey !== API.OffsetFetch) return undefined;
        fetches++;
        return fetches === 1 ? undefined : offsetFetchBody(offsetFetchGroups(request).map((g) => committed(g)));
      });
      const answer = await cluster.admin({ retries: 1, requestTimeoutMs: 50 }).listConsumerGroupOffsets({ groups: ['orders-service'] });
      expect(answer).toEqual([fetched('orders-service')]);
      expect(fetches).toBe(2);
    });

    it('fails a call waiting for an answer at once when the client is closed, saying so', async () => {
      cluster.script((request) => (request.apiKey === API.FindCoordinator ? coordinators(request, () => 1) : undefined));
      const admin = cluster.admin({ retries: 5, retryDelayMs: 10_000, requestTimeoutMs: 10_000 });
      const pending = rejection(admin.listConsumerGroupOffsets({ groups: ['orders-service'] }));
      while (cluster.count(API.OffsetFetch) === 0) await new Promise((resolve) => setTimeout(resolve, 2));
      await admin.close();
      const error = await pending;
      expect(error).toBeInstanceOf(KafkaRoutingError);
      expect((error as KafkaRoutingError).message).toBe('the admin client is closed');
      expect((error as KafkaRoutingError).cause).toBeInstanceOf(KafkaNetworkError);
      expect(cluster.count(API.OffsetFetch)).toBe(1);
    });

    it('fails at once with retries: 0, on a dropped connection and on a loading coordinator', async () => {
      cluster.script((request) => {
        if (request.apiKey === API.FindCoordinator) return coordinators(request, () => 1);
        if (request.apiKey === API.OffsetFetch) return 'drop';
        if (request.apiKey === API.DescribeGroups) return describeGroupsBody(describedGroups(request).map((groupId) => ({ groupId, errorCode: COORDINATOR_LOAD_IN_PROGRESS })));
        return undefined;
      });
      const admin = cluster.admin({ retries: 0, retryDelayMs: 10_000 });
      const dropped = await rejection(admin.listConsumerGroupOffsets({ groups: ['orders-service'] }));
      expect(dropped).toBeInstanceOf(KafkaNetworkError);
      expect((dropped as KafkaNetworkError).code).toBe('KAFKA_CONNECTION_CLOSED');
      expect(cluster.count(API.OffsetFetch)).toBe(1);

      const loading = await rejection(admin.describeGroups({ groups: ['orders-service'] }));
      expect((loading as KafkaProtocolError).errorName).toBe('COORDINATOR_LOAD_IN_PROGRESS');
      expect(cluster.count(API.DescribeGroups)).toBe(1);
    });
  });
});
