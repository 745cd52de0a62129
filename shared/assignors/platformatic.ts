// Adapter for @platformatic/kafka's Consumer (classic group protocol): the `protocols`,
// `partitionAssigner` and, for the eager sticky strategy, `protocolsMetadata` options.
//
// - The protocol name is Kafka's (`range`, `roundrobin`, `sticky`, `cooperative-sticky`), so Java
//   members running the same strategy can share the group.
// - `cooperative-sticky`: @platformatic/kafka itself puts ownedPartitions and the generation in
//   the subscription and, when a sync revokes partitions, rejoins at once (the second
//   rebalance), so the assigner only has to withhold moving partitions.
// - `sticky`: the eager protocol carries ownership in the user data only; `protocolsMetadata`
//   encodes it (Kafka's StickyAssignor format) from the `ownership` provider, typically
//   `platformaticOwnership(consumer)`.
// Only types are imported from @platformatic/kafka: loading this file loads no client.
import type {
  ClusterMetadata,
  ExtendedGroupProtocolSubscription,
  GroupAssignment,
  GroupPartitionsAssigner,
  GroupPartitionsAssignments,
  GroupProtocolSubscription,
  GroupProtocolsMetadataCallback,
} from '@platformatic/kafka';
import { assign } from './assign.ts';
import { COOPERATIVE_SUBSCRIPTION_VERSION, EAGER_SUBSCRIPTION_VERSION, STRATEGIES } from './constants.ts';
import type { AssignmentInput, MemberSubscription, OwnershipProvider, StrategyName } from './types.ts';
import { encodeStickyUserData } from './user-data.ts';
import { parseStrategy } from './validate.ts';

/** Options of `platformaticAssignor`. */
export interface PlatformaticAssignorOptions {
  /**
   * What this member owns, for the `sticky` strategy's user data. Without it a sticky member
   * reports nothing, and the group is only as sticky as a fresh one.
   * @default no ownership
   */
  readonly ownership?: OwnershipProvider;
}

/** The Consumer options to spread into `new Consumer({ ... })` (or pass to `joinGroup`). */
export interface PlatformaticGroupOptions {
  readonly protocols: GroupProtocolSubscription[];
  readonly partitionAssigner: GroupPartitionsAssigner;
  readonly protocolsMetadata?: GroupProtocolsMetadataCallback;
}

/** The part of a @platformatic/kafka Consumer `platformaticOwnership` reads. */
export interface PlatformaticConsumerState {
  readonly memberId: string | null;
  readonly generationId: number;
  readonly assignments: readonly GroupAssignment[] | null;
}

function toBytes(metadata: Buffer | string | undefined): Uint8Array | undefined {
  if (metadata === undefined) return undefined;
  return typeof metadata === 'string' ? Buffer.from(metadata) : metadata;
}

/** The assignor input from what the group leader received in JoinGroup. */
function platformaticInput(
  members: ReadonlyMap<string, ExtendedGroupProtocolSubscription>,
  metadata: ClusterMetadata,
): AssignmentInput {
  const subscriptions: MemberSubscription[] = [];
  const subscribed = new Set<string>();
  for (const [memberId, member] of members) {
    const topics = member.topics ?? [];
    topics.forEach((topic) => subscribed.add(topic));
    const userData = toBytes(member.metadata);
    subscriptions.push({
      memberId,
      topics,
      ...(userData === undefined || userData.byteLength === 0 ? {} : { userData }),
      ...(member.ownedPartitions === undefined ? {} : { ownedPartitions: member.ownedPartitions }),
      ...(member.generationId === undefined ? {} : { generation: Math.max(member.generationId, -1) }),
    });
  }
  // Kafka skips subscribed topics without metadata (or without partitions) rather than failing.
  const topics = [...subscribed].flatMap((topic) => {
    const partitions = metadata.topics.get(topic)?.partitionsCount ?? 0;
    return partitions > 0 ? [{ topic, partitions }] : [];
  });
  return { members: subscriptions, topics };
}

/**
 * Reads a Consumer's own ownership (its current assignments and generation); nothing once it
 * has lost its member id, so a fenced member cannot claim partitions it no longer has. Takes a
 * getter because the Consumer is created with the options this feeds.
 *
 * @example
 * let consumer: Consumer | undefined;
 * consumer = new Consumer({ ...options, ...platformaticAssignor('sticky', { ownership: platformaticOwnership(() => consumer) }) });
 */
export function platformaticOwnership(getConsumer: () => PlatformaticConsumerState | undefined): OwnershipProvider {
  return () => {
    const consumer = getConsumer();
    if (consumer === undefined || consumer.memberId === null || consumer.assignments === null) return undefined;
    if (consumer.assignments.length === 0) return undefined;
    return { partitions: consumer.assignments, generation: consumer.generationId };
  };
}

/**
 * Turns a strategy into @platformatic/kafka Consumer group options.
 *
 * @throws AssignorError `UNKNOWN_STRATEGY`.
 * @example
 * let consumer: Consumer | undefined;
 * consumer = new Consumer({
 *   groupId, clientId, bootstrapBrokers,
 *   ...platformaticAssignor('sticky', { ownership: platformaticOwnership(() => consumer) }),
 * });
 */
export function platformaticAssignor(strategy: string, options: PlatformaticAssignorOptions = {}): PlatformaticGroupOptions {
  const name: StrategyName = parseStrategy(strategy);
  const partitionAssigner: GroupPartitionsAssigner = (_current, members, _topics, metadata) => {
    const assignment = assign(name, platformaticInput(members, metadata));
    return [...assignment].map(
      ([memberId, topics]): GroupPartitionsAssignments => ({
        memberId,
        assignments: new Map([...topics].map(([topic, partitions]) => [topic, { topic, partitions: [...partitions] }])),
      }),
    );
  };
  if (name === STRATEGIES.COOPERATIVE_STICKY) {
    return { protocols: [{ name, version: COOPERATIVE_SUBSCRIPTION_VERSION }], partitionAssigner };
  }
  const protocols = [{ name, version: EAGER_SUBSCRIPTION_VERSION }];
  if (name !== STRATEGIES.STICKY) return { protocols, partitionAssigner };
  const protocolsMetadata: GroupProtocolsMetadataCallback = () => {
    const owned = options.ownership?.();
    return owned === undefined ? Buffer.alloc(0) : Buffer.from(encodeStickyUserData(owned));
  };
  return { protocols, partitionAssigner, protocolsMetadata };
}
