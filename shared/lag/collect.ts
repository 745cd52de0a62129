import type { KafkaAdmin } from '../kafka/index.ts';
import { chunk, mapWithConcurrency } from './batching.ts';
import { LAG_DEFAULTS, LIST_OFFSETS_EARLIEST, LIST_OFFSETS_LATEST } from './constants.ts';
import { describeConsumerGroups, listConsumerGroups, listConsumerGroupsPerBroker } from './collect-groups.ts';
import type { DescribedGroup, ListedGroup } from './collect-groups.ts';
import { fetchCommittedOffsets, fetchLogOffsets, fetchTopicLayouts } from './collect-offsets.ts';
import { prefetchLogOffsets, prefetchedTopic } from './collect-prefetch.ts';
import type { PrefetchedLogOffsets } from './collect-prefetch.ts';
import type { CommittedOffsets } from './collect-offsets.ts';
import { describeError } from './errors.ts';
import { groupFilter, isLiteralPattern } from './group-filter.ts';
import type { CollectedGroup, CollectedPartition, CollectedTopic, GroupMemberInfo, LagCollection, MonitorIndex } from './types.ts';

/** Options of {@link collectLag}. */
export interface CollectLagOptions {
  /** Group id patterns to monitor (`*`, `?`). @default every group */
  readonly include?: readonly string[];
  /** Group id patterns to skip; wins over `include`. @default none */
  readonly exclude?: readonly string[];
  /** ListGroups state filter (KIP-518), e.g. `['Stable', 'Empty']`. @default every state */
  readonly states?: readonly string[];
  /**
   * Groups known from the previous cycle. Used when ListGroups fails (their data is still
   * collected) and to notice groups that vanished. @default none
   */
  readonly knownGroups?: MonitorIndex['groups'];
  /** Groups per DescribeGroups/OffsetFetch batch. @default 500 */
  readonly groupsPerRequest?: number;
  /** Topics per ListOffsets call. @default 1000 */
  readonly topicsPerListOffsets?: number;
  /** Batches in flight at once. @default 4 */
  readonly concurrency?: number;
  /**
   * The topics the previous cycle read (`LagCollection.topics`, with their partition
   * counts). Their metadata and log offsets are fetched alongside the group requests
   * instead of after them, which takes one round (Metadata + ListOffsets) off the critical
   * path of a warm cycle; new topics are fetched after, as on a first cycle.
   * @default none: every topic is fetched after the group requests
   */
  readonly knownTopics?: ReadonlyMap<string, number>;
  /**
   * Whether the metadata of `knownTopics` is asked again this cycle (one Metadata request,
   * alongside). Without it, their partition counts and leaders are the ones the client
   * cached: moved leaders and deleted topics still show (ListOffsets refuses them), but
   * partitions added since only when a group commits on or is assigned one
   * (`LagCollection.outdatedTopics`); the others wait for the next refresh. Kafka clients
   * refresh every 5 minutes (`metadata.max.age.ms`), Burrow every 60 s against offsets
   * every 10 s (`topic-refresh`); `LagMonitor` follows `topicRefreshMs`.
   * @default true
   */
  readonly refreshKnownTopics?: boolean;
  /**
   * Called with each group as soon as its data is complete, while the brokers may still be
   * answering for other groups, so that the caller can evaluate it meanwhile. `topics`
   * holds every topic of its partitions. Each group of the result is passed exactly once,
   * in no particular order, before `collectLag` resolves; the group and the topics are the
   * very objects of the result. With it, committed offsets are asked in a few pieces per
   * batch of groups (see {@link OFFSET_FETCH_PIECES}) so that some arrive early.
   * @default none
   */
  readonly onGroup?: (group: CollectedGroup, topics: ReadonlyMap<string, CollectedTopic>) => void;
}

/**
 * With `onGroup`, a batch's committed offsets are asked in up to this many OffsetFetch
 * requests, none smaller than {@link MIN_GROUPS_PER_PIECE} groups. A broker answers one
 * connection's requests in order: while it works on the next piece, the caller evaluates
 * the groups of the last one. A few pieces hide most of the evaluation; more only add requests.
 */
export const OFFSET_FETCH_PIECES = 4;
export const MIN_GROUPS_PER_PIECE = 25;

/**
 * One batched round of admin requests for every selected group:
 *
 * 1. ListGroups (one request per broker, state and type filters);
 * 2. per batch of `groupsPerRequest` groups, in parallel: DescribeGroups /
 *    ConsumerGroupDescribe and OffsetFetch, each one request per coordinator;
 * 3. Metadata for the topics involved (one request);
 * 4. ListOffsets latest and earliest in parallel (one request per partition leader each).
 *
 * With `knownTopics` (a warm monitor), 3 and 4 run for those topics alongside 1 and 2, and
 * step 3 then reads the metadata the prefetch just refreshed: the cycle's wall time is
 * the longer of the two chains instead of their sum. Committed and end offsets were never
 * read at one instant (lag is clamped at 0 for that reason); this changes which is read first.
 *
 * So the request count grows with brokers and coordinators, not with groups (batches of
 * 500 groups add one round each on clusters with more). A broker or coordinator that
 * fails costs the groups and partitions it serves: they carry an error, the rest is
 * complete.
 *
 * @example
 * const collection = await collectLag(admin, { include: ['orders-*'] });
 */
export async function collectLag(admin: KafkaAdmin, options: CollectLagOptions = {}): Promise<LagCollection> {
  const select = groupFilter(options);
  const concurrency = options.concurrency ?? LAG_DEFAULTS.concurrency;
  const errors: string[] = [];
  const logOptions = { topicsPerCall: options.topicsPerListOffsets ?? LAG_DEFAULTS.topicsPerListOffsets, concurrency };
  const cycleStartedMs = Date.now();
  // ListGroups first on the wire: the group requests wait for its answer, and a broker
  // answers one connection's requests in order.
  const listing = listConsumerGroups(admin, options.states);
  listing.catch(() => undefined); // awaited below
  const prefetch = prefetchLogOffsets(admin, options.knownTopics, logOptions.topicsPerCall, options.refreshKnownTopics ?? true);

  let listed: ListedGroup[];
  let listingComplete = true;
  try {
    listed = await listing;
  } catch (error) {
    // Partial listing: what the brokers that answer know, the groups known from the
    // previous cycle, and the groups the include patterns name literally (how the CDK app
    // configures the function), so the groups of a dead coordinator show up with an error
    // instead of vanishing.
    listingComplete = false;
    errors.push(`ListGroups failed: ${describeError(error)}`);
    const perBroker = await listConsumerGroupsPerBroker(admin, options.states, concurrency).catch((e: unknown) => ({
      groups: [] as ListedGroup[],
      errors: [`ListGroups per broker failed: ${describeError(e)}`],
    }));
    errors.push(...perBroker.errors);
    const byId = new Map<string, ListedGroup>();
    for (const g of [...(options.knownGroups ?? []), ...perBroker.groups]) byId.set(g.groupId, g);
    for (const pattern of options.include ?? []) if (isLiteralPattern(pattern) && !byId.has(pattern)) byId.set(pattern, { groupId: pattern, type: 'classic' });
    listed = [...byId.values()];
  }
  const selected = listed.filter((g) => select(g.groupId)).sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  const listedIds = new Set(listed.map((g) => g.groupId));
  const vanishedGroups = listingComplete ? (options.knownGroups ?? []).filter((g) => !listedIds.has(g.groupId) && select(g.groupId)).map((g) => g.groupId) : [];

  // Describe and fetch committed offsets, batch by batch; with `onGroup`, groups are
  // assembled as soon as their piece is in and their topics were prefetched.
  const described = new Map<string, DescribedGroup>();
  const committed = new Map<string, CommittedOffsets>();
  const groupErrors = new Map<string, string[]>();
  const addGroupError = (id: string, message: string): void => void groupErrors.set(id, [...(groupErrors.get(id) ?? []), message]);
  const early = options.onGroup === undefined ? undefined : new EarlyAssembly(options.onGroup, prefetch);
  await mapWithConcurrency(chunk(selected, options.groupsPerRequest ?? LAG_DEFAULTS.groupsPerRequest), concurrency, async (batch) => {
    const describing = describeConsumerGroups(admin, batch, concurrency).then((descriptions) => {
      for (const [id, value] of descriptions.results) described.set(id, value);
      for (const [id, message] of descriptions.errors) addGroupError(id, message);
    });
    // Awaited by every piece below; this only keeps a failure from counting as unhandled
    // while the pieces are still waiting for their committed offsets.
    describing.catch(() => undefined);
    const pieces = early === undefined ? [batch] : chunk(batch, Math.max(MIN_GROUPS_PER_PIECE, Math.ceil(batch.length / OFFSET_FETCH_PIECES)));
    await Promise.all(
      pieces.map(async (piece) => {
        const offsets = await fetchCommittedOffsets(
          admin,
          piece.map((g) => g.groupId),
          concurrency,
        );
        // After the description's errors, so a group's errors read in the same order however the answers raced.
        await describing;
        for (const [id, value] of offsets.results) committed.set(id, value);
        for (const [id, message] of offsets.errors) addGroupError(id, message);
        await early?.offer(piece, (g) => ({ description: described.get(g.groupId), offsets: committed.get(g.groupId), errors: groupErrors.get(g.groupId) ?? [] }));
      }),
    );
  });

  // Topics involved: committed by, or assigned to, some selected group.
  const topicNames = new Set<string>();
  for (const offsets of committed.values()) for (const topic of offsets.keys()) topicNames.add(topic);
  for (const group of described.values()) for (const m of group.members) for (const topic of m.assignment.keys()) topicNames.add(topic);

  // The prefetched topics as they are, the rest asked now (all of them on a first cycle).
  // A prefetched topic some group commits on or is assigned beyond is asked again too,
  // unless it went out with a group already: then this cycle keeps it as it was handed.
  const prefetched = await prefetch;
  const extents = partitionExtents(committed.values(), described.values());
  const outdated = new Set(early?.outdated);
  const fromPrefetch = new Map<string, CollectedTopic>();
  const remaining: string[] = [];
  for (const topic of [...topicNames].sort()) {
    const handed = early?.topic(topic);
    let collected = handed ?? (prefetched === undefined ? undefined : prefetchedTopic(prefetched, topic));
    if (collected !== undefined && (extents.get(topic) ?? 0) > collected.partitionCount) {
      outdated.add(topic);
      if (handed === undefined) collected = undefined;
    }
    if (collected === undefined) remaining.push(topic);
    else fromPrefetch.set(topic, collected);
  }
  // After a successful prefetch, the metadata it refreshed (this cycle) is current: read it
  // from the client's cache; anything older (a topic new this cycle) is asked again.
  const layouts = remaining.length === 0 ? { layouts: new Map(), missing: [], errors: [] } : await fetchTopicLayouts(admin, remaining, prefetched === undefined ? undefined : Date.now() - cycleStartedMs + 1);
  errors.push(...layouts.errors);
  const [ends, starts] = await Promise.all([
    fetchLogOffsets(admin, layouts.layouts, LIST_OFFSETS_LATEST, logOptions),
    fetchLogOffsets(admin, layouts.layouts, LIST_OFFSETS_EARLIEST, logOptions),
  ]);

  // In name order, as the topics were asked before prefetching existed.
  const topics = new Map<string, CollectedTopic>();
  for (const topic of [...topicNames].sort()) {
    const collected = fromPrefetch.get(topic);
    const layout = layouts.layouts.get(topic);
    if (collected !== undefined) topics.set(topic, collected);
    else if (layout !== undefined) {
      topics.set(topic, { topic, partitionCount: layout.partitionCount, logStartOffsets: starts.offsets.get(topic) ?? [], logEndOffsets: ends.offsets.get(topic) ?? [] });
    }
  }

  const missingTopics = new Set(layouts.missing);
  const unavailable = new Map([...starts.unavailable, ...ends.unavailable]);
  const groups = selected.map((listedGroup) => {
    const done = early?.group(listedGroup.groupId);
    if (done !== undefined) return done;
    const group = assembleGroup(listedGroup, {
      description: described.get(listedGroup.groupId),
      offsets: committed.get(listedGroup.groupId),
      errors: groupErrors.get(listedGroup.groupId) ?? [],
      topics,
      missingTopics,
      unavailable,
    });
    options.onGroup?.(group, topics);
    return group;
  });
  if (layouts.missing.length > 0) {
    errors.push(`ignored commits on topics that no longer exist: ${layouts.missing.join(', ')}`);
  }
  return { groups, topics, vanishedGroups, errors, listingComplete, outdatedTopics: [...outdated].sort() };
}

/** topic -> 1 + the highest partition any group has committed on or is assigned. */
function partitionExtents(offsets: Iterable<CommittedOffsets>, groups: Iterable<DescribedGroup>): Map<string, number> {
  const extents = new Map<string, number>();
  const widen = (topic: string, extent: number): void => {
    if (extent > (extents.get(topic) ?? 0)) extents.set(topic, extent);
  };
  // forEach: no entry array per topic (this reads every topic of every group).
  for (const byTopic of offsets) byTopic.forEach((committed, topic) => widen(topic, committed.length));
  for (const group of groups) for (const m of group.members) m.assignment.forEach((partitions, topic) => partitions.forEach((p) => widen(topic, p + 1)));
  return extents;
}

/**
 * Groups assembled before the whole round is in (`CollectLagOptions.onGroup`): a group is
 * when its description and committed offsets are in and every topic it reads was
 * prefetched and still matches the metadata (`prefetchedTopic`). Such a group is exactly
 * what the late assembly would build: its topics need no request after the group
 * requests, so none of their partitions can be missing or unavailable.
 */
class EarlyAssembly {
  readonly #onGroup: NonNullable<CollectLagOptions['onGroup']>;
  readonly #prefetch: Promise<PrefetchedLogOffsets | undefined>;
  /** Prefetched topics looked at: the topic, or `null` when it must be asked again. */
  readonly #topics = new Map<string, CollectedTopic | null>();
  /** The non-null entries of `#topics`: what early groups are assembled with and handed out with. */
  readonly #ready = new Map<string, CollectedTopic>();
  /** Topics handed out with a group: this cycle keeps them as they are. */
  readonly #handed = new Set<string>();
  /** Topics a group committed on or is assigned beyond their partition count. */
  readonly outdated = new Set<string>();
  readonly #groups = new Map<string, CollectedGroup>();

  constructor(onGroup: NonNullable<CollectLagOptions['onGroup']>, prefetch: Promise<PrefetchedLogOffsets | undefined>) {
    this.#onGroup = onGroup;
    this.#prefetch = prefetch;
  }

  /** Assembles and hands out the groups of `piece` whose topics were all prefetched. */
  async offer(piece: readonly ListedGroup[], inputOf: (g: ListedGroup) => Pick<AssemblyInput, 'description' | 'offsets' | 'errors'>): Promise<void> {
    const prefetched = await this.#prefetch;
    if (prefetched === undefined) return;
    for (const listed of piece) {
      const input = inputOf(listed);
      if (input.offsets === undefined) continue;
      const topics = topicsOf(input.offsets, input.description?.members ?? []);
      let ready = true;
      for (const topic of topics) {
        let collected = this.#topics.get(topic);
        if (collected === undefined) {
          collected = prefetchedTopic(prefetched, topic) ?? null;
          this.#topics.set(topic, collected);
          if (collected !== null) this.#ready.set(topic, collected);
        }
        if (collected !== null && extentOf(topic, input) > collected.partitionCount) {
          // Partitions added since the layout was read (cached metadata): the topic is asked
          // again after the group requests, unless it went out with a group already (this
          // cycle then keeps it as handed, for every group).
          this.outdated.add(topic);
          if (!this.#handed.has(topic)) {
            this.#topics.set(topic, (collected = null));
            this.#ready.delete(topic);
          }
        }
        if (collected === null) {
          ready = false;
          break;
        }
      }
      if (!ready) continue;
      const group = assembleGroup(listed, { ...input, topics: this.#ready, missingTopics: NO_TOPICS, unavailable: NO_REASONS }, topics);
      for (const topic of topics) this.#handed.add(topic);
      this.#groups.set(listed.groupId, group);
      this.#onGroup(group, this.#ready);
    }
  }

  /** The prefetched topic handed out with early groups, if any (the late assembly must use the same object). */
  topic(name: string): CollectedTopic | undefined {
    return this.#handed.has(name) ? (this.#topics.get(name) ?? undefined) : undefined;
  }

  group(groupId: string): CollectedGroup | undefined {
    return this.#groups.get(groupId);
  }

}

/** 1 + the highest partition of `topic` the group has committed on or is assigned. */
function extentOf(topic: string, input: Pick<AssemblyInput, 'description' | 'offsets'>): number {
  let extent = input.offsets?.get(topic)?.length ?? 0;
  for (const m of input.description?.members ?? []) for (const p of m.assignment.get(topic) ?? []) if (p + 1 > extent) extent = p + 1;
  return extent;
}

const NO_TOPICS: ReadonlySet<string> = new Set();
const NO_REASONS: ReadonlyMap<string, string> = new Map();

interface AssemblyInput {
  readonly description: DescribedGroup | undefined;
  readonly offsets: CommittedOffsets | undefined;
  readonly errors: readonly string[];
  readonly topics: ReadonlyMap<string, CollectedTopic>;
  readonly missingTopics: ReadonlySet<string>;
  readonly unavailable: ReadonlyMap<string, string>;
}

/** `topicNames`: `topicsOf` the group's offsets and members, when the caller has it already. */
function assembleGroup(listed: ListedGroup, input: AssemblyInput, topicNames?: readonly string[]): CollectedGroup {
  const { description, offsets } = input;
  const members = description?.members ?? [];
  const errors = [...input.errors];
  const owners = ownersOf(members);

  // Without committed offsets nothing can be said about the partitions: an empty list, not
  // a list of "never committed" partitions, which would be false.
  const partitions: CollectedPartition[] = [];
  if (offsets !== undefined) {
    const unavailableReasons = new Set<string>();
    for (const topic of topicNames ?? topicsOf(offsets, members)) {
      const info = input.topics.get(topic);
      if (info === undefined) {
        // A deleted topic is reported once per cycle; anything else is this group's problem.
        if (!input.missingTopics.has(topic)) errors.push(`metadata unavailable for topic ${topic}`);
        continue;
      }
      const committedByPartition = offsets.get(topic);
      const ownerOf = owners.get(topic);
      const checkAvailability = input.unavailable.size > 0;
      // Every partition of the topic: a partition the group never committed is shown as such.
      for (let partition = 0; partition < info.partitionCount; partition++) {
        if (checkAvailability) {
          const reason = input.unavailable.get(`${topic}:${partition}`);
          if (reason !== undefined) unavailableReasons.add(reason);
        }
        partitions.push({
          topic,
          partition,
          committedOffset: committedByPartition?.[partition] ?? null,
          logStartOffset: info.logStartOffsets[partition] ?? null,
          logEndOffset: info.logEndOffsets[partition] ?? null,
          owner: ownerOf?.[partition] ?? null,
        });
      }
    }
    for (const reason of unavailableReasons) errors.push(reason);
  }
  return {
    groupId: listed.groupId,
    type: listed.type,
    state: description?.state ?? 'Unknown',
    members,
    generation: description?.generation ?? null,
    partitions,
    errors,
    offsetsAvailable: offsets !== undefined,
    described: description !== undefined,
  };
}

/**
 * topic -> owner by partition index (a hole where no member has the partition). Arrays
 * indexed by partition, not maps or `topic:partition` keys: this is read for every
 * partition of every group.
 */
function ownersOf(members: readonly GroupMemberInfo[]): Map<string, GroupMemberInfo[]> {
  const owners = new Map<string, GroupMemberInfo[]>();
  for (const member of members) {
    for (const [topic, partitions] of member.assignment) {
      let byPartition = owners.get(topic);
      if (byPartition === undefined) owners.set(topic, (byPartition = []));
      for (const p of partitions) byPartition[p] = member;
    }
  }
  return owners;
}

/** The topics a group committed on or is assigned, sorted; a set only when members can add topics. */
function topicsOf(offsets: CommittedOffsets, members: readonly GroupMemberInfo[]): string[] {
  const topics = [...offsets.keys()];
  if (members.length > 0) {
    const seen = new Set(topics);
    for (const member of members) {
      for (const topic of member.assignment.keys()) {
        if (!seen.has(topic)) {
          seen.add(topic);
          topics.push(topic);
        }
      }
    }
  }
  // Often in order already (always with one topic): checking is cheaper than sorting a copy.
  for (let i = 1; i < topics.length; i++) if (topics[i - 1]! > topics[i]!) return topics.sort();
  return topics;
}
