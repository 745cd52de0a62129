import type { STRATEGY_NAMES } from './constants.ts';

/** One of Kafka's assignment strategies, by protocol name. */
export type StrategyName = (typeof STRATEGY_NAMES)[number];

/** Partitions of one topic (the shape Kafka's consumer protocol and @platformatic/kafka use). */
export interface TopicPartitions {
  readonly topic: string;
  readonly partitions: readonly number[];
}

/** A topic and its partition count, as the group leader sees it in cluster metadata. */
export interface TopicMetadata {
  readonly topic: string;
  /** Number of partitions; must be at least 1. */
  readonly partitions: number;
}

/**
 * One member's JoinGroup subscription.
 *
 * Previous ownership, which only the sticky strategies read, comes from:
 * - `sticky`: `userData` in Kafka's StickyAssignor format (`encodeStickyUserData`); when
 *   `userData` is absent, `ownedPartitions` + `generation` are used instead (a convenience for
 *   callers that have no bytes);
 * - `cooperative-sticky`: `ownedPartitions` + `generation` (ConsumerProtocolSubscription v1/v2
 *   fields); when `generation` is absent it is read from `userData` (an int32, Kafka's
 *   CooperativeStickyAssignor user data for v0/v1 subscriptions).
 */
export interface MemberSubscription {
  readonly memberId: string;
  /** Topics the member subscribes to; topics missing from the metadata are ignored, as Kafka does. */
  readonly topics: readonly string[];
  readonly userData?: Uint8Array;
  readonly ownedPartitions?: readonly TopicPartitions[];
  /** Generation the owned partitions belong to; a higher generation wins a contested partition. */
  readonly generation?: number;
}

/** What an assignor needs: the members (in JoinGroup order) and the topics' partition counts. */
export interface AssignmentInput {
  readonly members: readonly MemberSubscription[];
  readonly topics: readonly TopicMetadata[];
}

/** Topic -> partitions (ascending) for one member. */
export type MemberAssignment = ReadonlyMap<string, readonly number[]>;

/**
 * Member id -> topic -> partitions. Every member of the input is a key (members that get
 * nothing map to an empty map); members are in member-id order, topics in name order.
 */
export type Assignment = ReadonlyMap<string, MemberAssignment>;

/** The decoded content of sticky user data: the partitions a member owned, and when. */
export interface StickyMemberData {
  readonly partitions: readonly TopicPartitions[];
  /** Absent in Kafka's v0 format (clients before 2.3) and when the member has no generation yet. */
  readonly generation?: number;
}

/**
 * The rebalances of the cooperative protocol (KIP-429). `first` is what the leader hands out in
 * the rebalance that triggered the change: every member keeps what it keeps in the target, and
 * partitions that change owner are revoked from their old owner and withheld from everyone. The
 * members that lost partitions rejoin at once, and `second` is the assignment of that follow-up
 * rebalance, which hands the withheld partitions out. With equal subscriptions that is the end
 * (`second` is the target, `rebalances` is 2, or 1 when nothing moved). With unequal
 * subscriptions the second rebalance can settle differently and revoke again; `final` is where
 * the group comes to rest.
 */
export interface CooperativeRebalance {
  /** The balanced, sticky assignment the first rebalance aims at (what `sticky` gives). */
  readonly target: Assignment;
  /** First rebalance: moving partitions revoked and withheld. */
  readonly first: Assignment;
  /** Second rebalance: the withheld partitions assigned (equal to `first` when nothing was withheld). */
  readonly second: Assignment;
  /** The assignment of the last rebalance, the first one that revokes nothing. */
  readonly final: Assignment;
  /** Rebalances until one revokes nothing (1 when the first one withholds nothing). */
  readonly rebalances: number;
  /** Per member, the partitions it gives up in the first rebalance. */
  readonly revoked: Assignment;
  /** Generation of the first rebalance's assignment (the next ones are `generation + 1`, ...). */
  readonly generation: number;
}

/**
 * Where an adapter reads what its own member owns (partitions and generation) when it builds
 * its subscription; `undefined` when it owns nothing yet (or lost its membership).
 */
export type OwnershipProvider = () => StickyMemberData | undefined;
