// Group operations: coordinator lookup (batched, cached), ListGroups on every broker,
// DescribeGroups and ConsumerGroupDescribe per coordinator.
import {
  consumerGroupDescribeV0,
  decodeConsumerAssignment,
  describeGroupsV5,
  findCoordinatorV4,
  KafkaUnsupportedVersionError,
  listGroupsV4,
  listGroupsV5,
  protocolError,
} from '../wire/index.ts';
import { shouldRetry, type ClusterConnections } from './cluster.ts';
import type {
  ConsumerGroupDescription,
  Coordinator,
  Group,
  GroupListing,
  GroupMember,
  GroupMemberAssignment,
  ListGroupsOptions,
} from './types.ts';

/** Errors that mean "ask the coordinator again" (it moved, or is loading the group). */
export const COORDINATOR_ERRORS: ReadonlySet<number> = new Set([14 /* COORDINATOR_LOAD_IN_PROGRESS */, 15 /* COORDINATOR_NOT_AVAILABLE */, 16 /* NOT_COORDINATOR */]);

/** A group whose coordinator answered one of {@link COORDINATOR_ERRORS}. */
export interface MovedGroup {
  readonly groupId: string;
  readonly errorCode: number;
}

/**
 * Forgets the coordinators of `moved` and returns the error to retry with: the code the
 * coordinator answered (NOT_COORDINATOR, or COORDINATOR_LOAD_IN_PROGRESS while it loads),
 * so that the error left when retries run out says what the broker said.
 */
export function coordinatorMoved(api: string, moved: readonly MovedGroup[], coordinators: Coordinators): Error {
  coordinators.forget(moved.map((m) => m.groupId));
  const [first] = moved;
  const more = moved.length > 1 ? ` and ${moved.length - 1} more` : '';
  return protocolError(first!.errorCode, `${api} for group '${first!.groupId}'${more}`);
}

/** Group coordinators, found with one batched FindCoordinator (KIP-699) and cached until a request says they moved. */
export class Coordinators {
  readonly #cluster: ClusterConnections;
  readonly #byGroup = new Map<string, Coordinator>();

  constructor(cluster: ClusterConnections) {
    this.#cluster = cluster;
  }

  forget(groupIds: Iterable<string>): void {
    for (const id of groupIds) this.#byGroup.delete(id);
  }

  /** The coordinator of each group; `refresh` asks again for all of them. */
  async of(groupIds: readonly string[], refresh = false): Promise<Coordinator[]> {
    if (refresh) this.forget(groupIds);
    const missing = [...new Set(groupIds.filter((id) => !this.#byGroup.has(id)))];
    if (missing.length > 0) {
      const response = await this.#cluster.requestAny(findCoordinatorV4, { keyType: 0, keys: missing });
      for (const c of response.coordinators) {
        if (c.errorCode !== 0) throw protocolError(c.errorCode, `FindCoordinator for group '${c.key}'`, c.errorMessage);
        this.#byGroup.set(c.key, { key: c.key, nodeId: c.nodeId, host: c.host, port: c.port });
        this.#cluster.addBroker(c.nodeId, { host: c.host, port: c.port });
      }
    }
    return groupIds.map((id) => {
      const c = this.#byGroup.get(id);
      if (!c) throw protocolError(15, `FindCoordinator for group '${id}'`, 'the broker named no coordinator');
      return c;
    });
  }

  /** `groupIds` grouped by coordinator node. */
  async byNode(groupIds: readonly string[], refresh = false): Promise<Map<number, { coordinator: Coordinator; groupIds: string[] }>> {
    const out = new Map<number, { coordinator: Coordinator; groupIds: string[] }>();
    for (const c of await this.of(groupIds, refresh)) {
      const entry = out.get(c.nodeId);
      if (entry) entry.groupIds.push(c.key);
      else out.set(c.nodeId, { coordinator: c, groupIds: [c.key] });
    }
    return out;
  }
}

/**
 * ListGroups on one broker: v5 with the type filter where the broker has KIP-848, v4
 * (no type filter) on older brokers, which cannot have `consumer` groups anyway.
 */
export async function listGroupsOn(cluster: ClusterConnections, nodeId: number, options: ListGroupsOptions): Promise<GroupListing[]> {
  const broker = cluster.broker(nodeId);
  const states = [...(options.states ?? [])];
  return cluster.withRetries(async () => {
    const v5 = await cluster.request(broker, listGroupsV5, { statesFilter: states, typesFilter: [...(options.types ?? [])] }).catch((error: unknown) => {
      if (error instanceof KafkaUnsupportedVersionError) return undefined;
      throw error;
    });
    const response = v5 ?? (await cluster.request(broker, listGroupsV4, { statesFilter: states }));
    // Inside the retry loop: COORDINATOR_LOAD_IN_PROGRESS (a broker loading its groups) is retriable.
    if (response.errorCode !== 0) throw protocolError(response.errorCode, `ListGroups on broker ${nodeId}`);
    return response.groups.map((g) => ({ id: g.groupId, state: g.groupState, groupType: g.groupType ?? undefined, protocolType: g.protocolType }));
  });
}

/** Describes classic groups: one DescribeGroups per coordinator, in parallel. */
export async function describeGroups(cluster: ClusterConnections, coordinators: Coordinators, groupIds: readonly string[]): Promise<Map<string, Group>> {
  const out = new Map<string, Group>();
  let pending = [...new Set(groupIds)];
  await cluster.withRetries(async (attempt) => {
    const byNode = await coordinators.byNode(pending, attempt > 0);
    const moved: MovedGroup[] = [];
    await Promise.all(
      [...byNode.values()].map(async ({ coordinator, groupIds: ids }) => {
        const response = await cluster.request(coordinator, describeGroupsV5, { groups: ids });
        for (const g of response.groups) {
          if (COORDINATOR_ERRORS.has(g.errorCode)) moved.push({ groupId: g.groupId, errorCode: g.errorCode });
          else if (g.errorCode !== 0) throw protocolError(g.errorCode, `DescribeGroups for group '${g.groupId}'`);
          else out.set(g.groupId, toGroup(g));
        }
      }),
    );
    pending = moved.map((m) => m.groupId);
    if (moved.length > 0) throw coordinatorMoved('DescribeGroups', moved, coordinators);
  });
  return out;
}

type DescribedGroupEntry = Awaited<ReturnType<typeof describeGroupsV5.decode>>['groups'][number];

function toGroup(g: DescribedGroupEntry): Group {
  const members = new Map<string, GroupMember>();
  const consumer = g.protocolType === 'consumer' || g.protocolType === '';
  for (const m of g.members) {
    const assignments = new Map<string, GroupMemberAssignment>();
    let topics: string[] | undefined;
    if (consumer) {
      try {
        for (const a of decodeConsumerAssignment(m.memberAssignment)) assignments.set(a.topic, { topic: a.topic, partitions: [...a.partitions] });
        topics = decodeSubscriptionTopics(m.memberMetadata);
      } catch {
        // Not the consumer protocol's layout (a custom protocol type): no assignment to show.
      }
    }
    members.set(m.memberId, {
      id: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      ...(topics === undefined ? {} : { metadata: { topics } }),
      assignments,
    });
  }
  return { id: g.groupId, state: g.groupState, protocolType: g.protocolType, protocol: g.protocolData, members };
}

/**
 * Topics of a classic consumer's subscription (ConsumerProtocolSubscription: int16
 * version, int32 count, int16-length strings, then fields we do not need).
 */
export function decodeSubscriptionTopics(bytes: Buffer): string[] {
  if (bytes.length < 6) return [];
  let offset = 2;
  const count = bytes.readInt32BE(offset);
  offset += 4;
  const topics: string[] = [];
  for (let i = 0; i < count; i++) {
    const length = bytes.readInt16BE(offset);
    offset += 2;
    if (length < 0 || offset + length > bytes.length) throw new RangeError('malformed consumer subscription');
    topics.push(bytes.toString('utf8', offset, offset + length));
    offset += length;
  }
  return topics;
}

/**
 * Describes KIP-848 groups: one ConsumerGroupDescribe per coordinator. Each group gets its
 * description or the error that stopped it (its coordinator down, a per-group error code),
 * so one bad coordinator or group costs only its own groups.
 */
export async function consumerGroupDescribe(
  cluster: ClusterConnections,
  coordinators: Coordinators,
  groupIds: readonly string[],
): Promise<Map<string, ConsumerGroupDescription | Error>> {
  const out = new Map<string, ConsumerGroupDescription | Error>();
  let pending = [...new Set(groupIds)];
  for (let attempt = 0; pending.length > 0; attempt++) {
    // The same pauses as every other call's retries: a coordinator loading its groups
    // needs time, not a burst of immediate retries.
    if (attempt > 0) await cluster.backoff(attempt - 1);
    const canRetry = attempt < cluster.retries && !cluster.closed;
    let byNode;
    try {
      byNode = await coordinators.byNode(pending, attempt > 0);
    } catch (error) {
      if (canRetry && shouldRetry(error)) continue;
      for (const id of pending) out.set(id, error as Error);
      break;
    }
    const retry: string[] = [];
    await Promise.all(
      [...byNode.entries()].map(async ([nodeId, { coordinator, groupIds: ids }]) => {
        try {
          const response = await cluster.request(coordinator, consumerGroupDescribeV0, { groupIds: ids });
          for (const g of response.groups) {
            if (COORDINATOR_ERRORS.has(g.errorCode) && canRetry) retry.push(g.groupId);
            else if (g.errorCode !== 0) out.set(g.groupId, protocolError(g.errorCode, `ConsumerGroupDescribe for group '${g.groupId}'`, g.errorMessage));
            else
              out.set(g.groupId, {
                groupId: g.groupId,
                state: g.groupState,
                groupEpoch: g.groupEpoch,
                assignmentEpoch: g.assignmentEpoch,
                members: g.members.map((m) => ({
                  memberId: m.memberId,
                  instanceId: m.instanceId,
                  memberEpoch: m.memberEpoch,
                  clientId: m.clientId,
                  clientHost: m.clientHost,
                  subscribedTopicNames: m.subscribedTopicNames,
                  assignment: m.assignment.map((a) => ({ topic: a.topicName, partitions: [...a.partitions] })),
                })),
              });
          }
        } catch (error) {
          if (canRetry && shouldRetry(error)) retry.push(...ids);
          else {
            const reason = new Error(`ConsumerGroupDescribe to coordinator ${nodeId} (${coordinator.host}:${coordinator.port}) failed: ${(error as Error).message}`, { cause: error });
            for (const id of ids) out.set(id, reason);
          }
        }
      }),
    );
    pending = retry;
  }
  return out;
}
