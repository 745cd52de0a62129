import { KafkaPartitionErrors } from '../kafka/index.ts';
import type { Group, KafkaAdmin } from '../kafka/index.ts';
import { KafkaProtocolError } from '../kafka/wire/index.ts';
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
export async function listConsumerGroups(admin: KafkaAdmin, states: readonly string[] | undefined): Promise<ListedGroup[]> {
  const listed = await admin.listGroups({
    ...(states && states.length > 0 ? { states } : {}),
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
  admin: KafkaAdmin,
  states: readonly string[] | undefined,
  concurrency: number,
): Promise<{ groups: ListedGroup[]; errors: string[] }> {
  const metadata = await admin.metadata({ topics: [], forceUpdate: true });
  const errors: string[] = [];
  const raw: RawListedGroup[] = [];
  await mapWithConcurrency([...metadata.brokers.entries()], concurrency, async ([nodeId, broker]) => {
    try {
      const groups = await admin.listGroupsOnBroker(nodeId, { states: [...(states ?? [])], types: [...MONITORED_GROUP_TYPES] });
      raw.push(...groups.map((g) => ({ groupId: g.id, protocolType: g.protocolType, groupType: g.groupType || undefined })));
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
  admin: KafkaAdmin,
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
export async function describeConsumerGroups(admin: KafkaAdmin, groups: readonly ListedGroup[], concurrency: number): Promise<PartialResults<DescribedGroup>> {
  const classic = groups.filter((g) => g.type === 'classic').map((g) => g.groupId);
  const modern = groups.filter((g) => g.type === 'consumer').map((g) => g.groupId);
  const [a, b] = await Promise.all([
    resilientGroupBatch(admin, 'DescribeGroups', classic, async (ids) => classicDescriptions(await admin.describeGroups({ groups: ids })), concurrency),
    describeKip848Groups(admin, modern),
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
 * KIP-848 groups: DescribeGroups answers `Dead` for them on Kafka 4.x, so they are
 * described with ConsumerGroupDescribe (one request per coordinator). A coordinator that
 * fails, or a per-group error (e.g. the group turned classic), costs only its own groups.
 */
async function describeKip848Groups(admin: KafkaAdmin, ids: readonly string[]): Promise<PartialResults<DescribedGroup>> {
  const results = new Map<string, DescribedGroup>();
  const errors = new Map<string, string>();
  if (ids.length === 0) return { results, errors };
  for (const [id, group] of await admin.consumerGroupDescribe(ids)) {
    if (group instanceof Error) {
      errors.set(id, describeError(group));
      continue;
    }
    results.set(id, {
      state: group.state,
      generation: group.groupEpoch,
      members: group.members.map((m) => ({
        memberId: m.memberId,
        clientId: m.clientId,
        host: m.clientHost,
        assignment: new Map(m.assignment.map((a) => [a.topic, [...a.partitions]])),
      })),
    });
  }
  return { results, errors };
}

async function coordinatorsOf(admin: KafkaAdmin, ids: readonly string[]): Promise<Map<string, string[]>> {
  const coordinators = await admin.findCoordinator({ keys: [...ids] });
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
    if (current instanceof KafkaProtocolError || current instanceof KafkaPartitionErrors) return true;
    const inner: unknown[] = current instanceof AggregateError ? (current.errors as unknown[]) : [];
    if (inner.some((e) => isResponseError(e))) return true;
    current = current.cause;
  }
  return false;
}
