import { FindCoordinatorKeyTypes, consumerGroupDescribeV0, listGroupsV4, listGroupsV5 } from '@platformatic/kafka';
import type { Admin, ConsumerGroupStateValue, Group } from '@platformatic/kafka';
import { mapWithConcurrency } from './batching.ts';
import { MONITORED_GROUP_TYPES } from './constants.ts';
import type { MonitoredGroupType } from './constants.ts';
import { describeError } from './errors.ts';
import type { GroupMemberInfo } from './types.ts';

/** A group as ListGroups (or the state index, when ListGroups failed) names it. */
export interface ListedGroup {
  readonly groupId: string;
  readonly type: MonitoredGroupType;
}

/** A group as DescribeGroups / ConsumerGroupDescribe report it. */
export interface DescribedGroup {
  readonly state: string;
  readonly members: GroupMemberInfo[];
  readonly generation: number | null;
}

/** Per-id results of a batched call that may fail for some ids only. */
export interface PartialResults<T> {
  readonly results: Map<string, T>;
  readonly errors: Map<string, string>;
}

/**
 * Lists the cluster's consumer groups: one ListGroups request per broker, with the
 * KIP-518 state filter when given and an explicit KIP-848 type filter. The type filter
 * matters: Kafka 4.4 answers a ListGroups without one with classic groups only, so
 * `consumer` (KIP-848) groups would silently be missed. Classic groups whose protocol
 * type is neither `consumer` nor empty (Kafka Connect workers) are not consumer groups
 * and are skipped, as `kafka-consumer-groups.sh --list` does.
 */
export async function listConsumerGroups(admin: Admin, states: readonly string[] | undefined): Promise<ListedGroup[]> {
  const listed = await admin.listGroups({
    ...(states && states.length > 0 ? { states: states as ConsumerGroupStateValue[] } : {}),
    types: [...MONITORED_GROUP_TYPES],
  });
  return toMonitoredGroups([...listed.values()].map((g) => ({ groupId: g.id, groupType: g.groupType, protocolType: g.protocolType })));
}

/**
 * The fallback when {@link listConsumerGroups} fails: the admin client asks every broker
 * and fails as a whole when one does not answer, so here each broker is asked on its own
 * (ListGroups v5 with the type filter, v4 without it for brokers older than KIP-848) and
 * the brokers that answer still give their groups. Each group is listed by its
 * coordinator only, so the groups of a dead broker are the ones missing.
 */
export async function listConsumerGroupsPerBroker(
  admin: Admin,
  states: readonly string[] | undefined,
  concurrency: number,
): Promise<{ groups: ListedGroup[]; errors: string[] }> {
  const metadata = await admin.metadata({ topics: [], forceUpdate: true });
  const errors: string[] = [];
  const raw: RawListedGroup[] = [];
  const stateFilter = [...(states ?? [])] as ConsumerGroupStateValue[];
  await mapWithConcurrency([...metadata.brokers.entries()], concurrency, async ([nodeId, broker]) => {
    try {
      const connection = await admin.connections.get(broker);
      let response: { groups: Array<{ groupId: string; protocolType: string; groupType?: string }> };
      try {
        response = await listGroupsV5.api.async(connection, stateFilter, [...MONITORED_GROUP_TYPES]);
      } catch (error) {
        if (isResponseError(error)) throw error;
        response = await listGroupsV4.api.async(connection, stateFilter, []);
      }
      raw.push(...response.groups.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, groupType: g.groupType || undefined })));
    } catch (error) {
      errors.push(`ListGroups to broker ${nodeId} (${broker.host}:${broker.port}) failed: ${describeError(error)}`);
    }
  });
  return { groups: toMonitoredGroups(raw), errors };
}

interface RawListedGroup {
  readonly groupId: string;
  readonly groupType: string | undefined;
  readonly protocolType: string;
}

function toMonitoredGroups(raw: readonly RawListedGroup[]): ListedGroup[] {
  const groups: ListedGroup[] = [];
  for (const group of raw) {
    if (group.groupType !== undefined && !(MONITORED_GROUP_TYPES as readonly string[]).includes(group.groupType)) continue;
    const type: MonitoredGroupType = group.groupType === 'consumer' ? 'consumer' : 'classic';
    if (type === 'classic' && group.protocolType !== 'consumer' && group.protocolType !== '') continue;
    groups.push({ groupId: group.groupId, type });
  }
  return groups;
}

/**
 * Calls `call` once for all `ids` (the admin client batches them per coordinator). When
 * that fails, finds the coordinators and retries per coordinator, so a coordinator that
 * is down costs only its own groups; when one coordinator's batch is rejected with a
 * per-group error code, retries its groups one by one, so one bad group costs only itself.
 * The healthy path is one call; the fallbacks run only on failure.
 */
export async function resilientGroupBatch<T>(
  admin: Admin,
  api: string,
  ids: readonly string[],
  call: (ids: string[]) => Promise<Map<string, T>>,
  concurrency: number,
): Promise<PartialResults<T>> {
  const results = new Map<string, T>();
  const errors = new Map<string, string>();
  if (ids.length === 0) return { results, errors };
  try {
    for (const [id, value] of await call([...ids])) results.set(id, value);
    return { results, errors };
  } catch (batchError) {
    if (ids.length === 1) {
      errors.set(ids[0]!, `${api} failed: ${describeError(batchError)}`);
      return { results, errors };
    }
  }
  let byCoordinator: Map<string, string[]>;
  try {
    byCoordinator = await coordinatorsOf(admin, ids);
  } catch (error) {
    for (const id of ids) errors.set(id, `${api} failed and the group coordinators could not be found: ${describeError(error)}`);
    return { results, errors };
  }
  await mapWithConcurrency([...byCoordinator.entries()], concurrency, async ([coordinator, groupIds]) => {
    try {
      for (const [id, value] of await call(groupIds)) results.set(id, value);
    } catch (error) {
      if (!isResponseError(error) || groupIds.length === 1) {
        for (const id of groupIds) errors.set(id, `${api} to coordinator ${coordinator} failed: ${describeError(error)}`);
        return;
      }
      await mapWithConcurrency(groupIds, concurrency, async (id) => {
        try {
          for (const [key, value] of await call([id])) results.set(key, value);
        } catch (single) {
          errors.set(id, `${api} to coordinator ${coordinator} failed: ${describeError(single)}`);
        }
      });
    }
  });
  return { results, errors };
}

/** Describes groups: DescribeGroups for classic groups, ConsumerGroupDescribe for KIP-848 ones. */
export async function describeConsumerGroups(admin: Admin, groups: readonly ListedGroup[], concurrency: number): Promise<PartialResults<DescribedGroup>> {
  const classic = groups.filter((g) => g.type === 'classic').map((g) => g.groupId);
  const modern = groups.filter((g) => g.type === 'consumer').map((g) => g.groupId);
  const [a, b] = await Promise.all([
    resilientGroupBatch(admin, 'DescribeGroups', classic, async (ids) => classicDescriptions(await admin.describeGroups({ groups: ids })), concurrency),
    describeKip848Groups(admin, modern, concurrency),
  ]);
  return { results: new Map([...a.results, ...b.results]), errors: new Map([...a.errors, ...b.errors]) };
}

function classicDescriptions(described: Map<string, Group>): Map<string, DescribedGroup> {
  const out = new Map<string, DescribedGroup>();
  for (const group of described.values()) {
    const members = [...group.members.values()].map(
      (member): GroupMemberInfo => ({
        memberId: member.id,
        clientId: member.clientId,
        host: member.clientHost,
        assignment: new Map([...(member.assignments?.values() ?? [])].map((a) => [a.topic, [...a.partitions]])),
      }),
    );
    out.set(group.id, { state: String(group.state), members, generation: null });
  }
  return out;
}

/**
 * KIP-848 groups: the admin client has no ConsumerGroupDescribe method, and DescribeGroups
 * answers `Dead` for them on Kafka 4.x, so the protocol API is called directly on the
 * coordinator connections of the same client (one request per coordinator). A
 * per-group error (e.g. the group turned classic) fails only that group.
 */
async function describeKip848Groups(admin: Admin, ids: readonly string[], concurrency: number): Promise<PartialResults<DescribedGroup>> {
  const results = new Map<string, DescribedGroup>();
  const errors = new Map<string, string>();
  if (ids.length === 0) return { results, errors };
  let coordinators: Awaited<ReturnType<Admin['findCoordinator']>>;
  try {
    coordinators = await admin.findCoordinator({ keyType: FindCoordinatorKeyTypes.GROUP, keys: [...ids] });
  } catch (error) {
    for (const id of ids) errors.set(id, `ConsumerGroupDescribe failed: the group coordinators could not be found: ${describeError(error)}`);
    return { results, errors };
  }
  const byNode = new Map<number, { host: string; port: number; ids: string[] }>();
  for (const c of coordinators) {
    const entry = byNode.get(c.nodeId) ?? { host: c.host, port: c.port, ids: [] };
    entry.ids.push(c.key);
    byNode.set(c.nodeId, entry);
  }
  await mapWithConcurrency([...byNode.entries()], concurrency, async ([nodeId, { host, port, ids: groupIds }]) => {
    let response: consumerGroupDescribeV0.ConsumerGroupDescribeResponse;
    try {
      const connection = await admin.connections.get({ host, port });
      response = await consumerGroupDescribeV0.api.async(connection, groupIds, false);
    } catch (error) {
      const partial = isResponseError(error) ? (error as { response?: consumerGroupDescribeV0.ConsumerGroupDescribeResponse }).response : undefined;
      if (partial === undefined) {
        for (const id of groupIds) errors.set(id, `ConsumerGroupDescribe to coordinator ${nodeId} (${host}:${port}) failed: ${describeError(error)}`);
        return;
      }
      response = partial;
    }
    for (const group of response.groups) {
      if (group.errorCode !== 0) {
        errors.set(group.groupId, `ConsumerGroupDescribe failed with error code ${group.errorCode}${group.errorMessage ? `: ${group.errorMessage}` : ''}`);
        continue;
      }
      results.set(group.groupId, {
        state: group.groupState,
        generation: group.groupEpoch,
        members: group.members.map((m) => ({
          memberId: m.memberId,
          clientId: m.clientId,
          host: m.clientHost,
          assignment: new Map(m.assignment.topicPartitions.map((tp) => [tp.topicName, [...tp.partitions]])),
        })),
      });
    }
  });
  return { results, errors };
}

async function coordinatorsOf(admin: Admin, ids: readonly string[]): Promise<Map<string, string[]>> {
  const coordinators = await admin.findCoordinator({ keyType: FindCoordinatorKeyTypes.GROUP, keys: [...ids] });
  const out = new Map<string, string[]>();
  for (const c of coordinators) {
    const key = `${c.nodeId} (${c.host}:${c.port})`;
    out.set(key, [...(out.get(key) ?? []), c.key]);
  }
  return out;
}

/** A Kafka error response (some error code in an otherwise well-formed answer), as opposed to a network failure. */
export function isResponseError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current instanceof Error; depth++) {
    if ((current as { code?: unknown }).code === 'PLT_KFK_RESPONSE') return true;
    const inner: unknown[] = current instanceof AggregateError ? (current.errors as unknown[]) : [];
    if (inner.some((e) => isResponseError(e))) return true;
    current = current.cause;
  }
  return false;
}
