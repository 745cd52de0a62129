// Adapter for kafkajs (2.x): a `PartitionAssigner` for `consumer({ partitionAssigners: [...] })`.
//
// - The assigner's name is Kafka's protocol name, so Java members running the same strategy
//   can share the group; subscriptions are ConsumerProtocolSubscription v0
//   (`AssignerProtocol.MemberMetadata`), which Java reads.
// - kafkajs only speaks the eager protocol: it revokes everything before every rebalance and
//   never schedules the follow-up rebalance the cooperative protocol relies on, so withheld
//   partitions would stay unconsumed. `cooperative-sticky` is refused.
// - The eager sticky strategy carries ownership in the user data (Kafka's StickyAssignor
//   format). kafkajs tells an assigner nothing about its member's assignment, so an
//   `ownership` provider must: `trackKafkajsOwnership(consumer)` builds one from the
//   consumer's GROUP_JOIN and HEARTBEAT events.
// This is the only file of the module that loads kafkajs (CommonJS, a dev dependency).
import kafkajs from 'kafkajs';
import type { Assigner, Consumer, GroupMember, GroupMemberAssignment, PartitionAssigner } from 'kafkajs';
import { assign } from './assign.ts';
import { ASSIGNOR_ERROR_CODES, STRATEGIES } from './constants.ts';
import { AssignorError } from './errors.ts';
import type { AssignmentInput, MemberSubscription, OwnershipProvider, StickyMemberData, StrategyName } from './types.ts';
import { encodeStickyUserData } from './user-data.ts';
import { parseStrategy } from './validate.ts';

const { AssignerProtocol } = kafkajs;

/** ConsumerProtocolSubscription/Assignment version kafkajs encodes. */
const KAFKAJS_PROTOCOL_VERSION = 0;

/** Options of `kafkajsAssigner`. */
export interface KafkajsAssignerOptions {
  /**
   * What this member owns, for the `sticky` strategy's user data.
   * @default no ownership (a sticky group is then only as sticky as a fresh one)
   */
  readonly ownership?: OwnershipProvider;
}

/** The slice of kafkajs's `Cluster` the assigner uses. */
interface KafkajsClusterMetadata {
  findTopicPartitionMetadata(topic: string): readonly unknown[];
}

/** The assignor input from the leader's JoinGroup members and its cluster metadata. */
function kafkajsInput(members: readonly GroupMember[], cluster: KafkajsClusterMetadata): AssignmentInput {
  const subscribed = new Set<string>();
  const subscriptions = members.map(({ memberId, memberMetadata }): MemberSubscription => {
    const decoded = AssignerProtocol.MemberMetadata.decode(memberMetadata);
    const topics = decoded?.topics ?? [];
    topics.forEach((topic) => subscribed.add(topic));
    const userData = decoded?.userData;
    return userData === undefined || userData === null || userData.byteLength === 0
      ? { memberId, topics }
      : { memberId, topics, userData };
  });
  // The leader only has metadata for topics its cluster tracks; like Kafka, skip the others.
  const topics = [...subscribed].flatMap((topic) => {
    const partitions = cluster.findTopicPartitionMetadata(topic).length;
    return partitions > 0 ? [{ topic, partitions }] : [];
  });
  return { members: subscriptions, topics };
}

/**
 * A kafkajs `PartitionAssigner` running one of Kafka's strategies.
 *
 * @throws AssignorError `UNKNOWN_STRATEGY`; `UNSUPPORTED_STRATEGY` for `cooperative-sticky`.
 * @example
 * const consumer = kafka.consumer({ groupId, partitionAssigners: [kafkajsAssigner('sticky', { ownership })] });
 */
export function kafkajsAssigner(strategy: string, options: KafkajsAssignerOptions = {}): PartitionAssigner {
  const name: StrategyName = parseStrategy(strategy);
  if (name === STRATEGIES.COOPERATIVE_STICKY) {
    throw new AssignorError(
      'strategy: kafkajs only runs the eager rebalance protocol; use "sticky" (cooperative-sticky needs a client that rejoins after revoking)',
      { code: ASSIGNOR_ERROR_CODES.UNSUPPORTED_STRATEGY },
    );
  }
  return ({ cluster }): Assigner => ({
    name,
    version: KAFKAJS_PROTOCOL_VERSION,
    protocol({ topics }) {
      const owned = name === STRATEGIES.STICKY ? options.ownership?.() : undefined;
      return {
        name,
        metadata: AssignerProtocol.MemberMetadata.encode({
          version: KAFKAJS_PROTOCOL_VERSION,
          topics,
          userData: owned === undefined ? Buffer.alloc(0) : Buffer.from(encodeStickyUserData(owned)),
        }),
      };
    },
    async assign({ members }): Promise<GroupMemberAssignment[]> {
      const assignment = assign(name, kafkajsInput(members, cluster));
      return [...assignment].map(([memberId, topics]) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: KAFKAJS_PROTOCOL_VERSION,
          assignment: Object.fromEntries([...topics].map(([topic, partitions]) => [topic, [...partitions]])),
          userData: Buffer.alloc(0),
        }),
      }));
    },
  });
}

/** Event handlers that keep a kafkajs member's ownership for its sticky user data. */
export interface KafkajsOwnershipTracker {
  readonly ownership: OwnershipProvider;
  /** For `consumer.events.GROUP_JOIN`: records the member's new assignment. */
  onGroupJoin(event: { readonly payload: { readonly memberAssignment: Readonly<Record<string, readonly number[]>> } }): void;
  /** For `consumer.events.HEARTBEAT`: records the generation the assignment belongs to. */
  onHeartbeat(event: { readonly payload: { readonly groupGenerationId: number } }): void;
}

/**
 * Ownership from kafkajs events. GROUP_JOIN does not carry the generation; heartbeats after
 * the join do, so until the first one the ownership has no generation (Kafka's v0 user data),
 * which only ever loses a contested partition, never wins one it should not.
 *
 * @example
 * const tracker = kafkajsOwnershipTracker();
 * consumer.on(consumer.events.GROUP_JOIN, tracker.onGroupJoin);
 * consumer.on(consumer.events.HEARTBEAT, tracker.onHeartbeat);
 */
export function kafkajsOwnershipTracker(): KafkajsOwnershipTracker {
  let owned: StickyMemberData | undefined;
  let partitions: StickyMemberData['partitions'] = [];
  return {
    ownership: () => owned,
    onGroupJoin: ({ payload }) => {
      partitions = Object.entries(payload.memberAssignment).map(([topic, list]) => ({ topic, partitions: [...list] }));
      owned = partitions.length === 0 ? undefined : { partitions };
    },
    onHeartbeat: ({ payload }) => {
      if (partitions.length > 0) owned = { partitions, generation: payload.groupGenerationId };
    },
  };
}

/**
 * Subscribes an ownership tracker to a kafkajs consumer's events.
 *
 * @example
 * let ownership: OwnershipProvider = () => undefined;
 * const consumer = kafka.consumer({ groupId, partitionAssigners: [kafkajsAssigner('sticky', { ownership: () => ownership() })] });
 * ownership = trackKafkajsOwnership(consumer);
 */
export function trackKafkajsOwnership(consumer: Consumer): OwnershipProvider {
  const tracker = kafkajsOwnershipTracker();
  consumer.on(consumer.events.GROUP_JOIN, tracker.onGroupJoin);
  consumer.on(consumer.events.HEARTBEAT, tracker.onHeartbeat);
  return tracker.ownership;
}
