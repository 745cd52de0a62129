// kafka-consumer-groups.sh --delete-offsets --group g --topic t[:p,...]: drop a group's
// committed offsets (the group then starts from its auto.offset.reset / StartingPosition
// there). Kafka refuses for a group that has members subscribed to the topic
// (GROUP_SUBSCRIBED_TO_TOPIC); we check first, so the refusal names the members.
import { byTopic, describeError, groupStatus, subscribedTopics, tpKey, type ResetAdmin } from './admin.ts';
import type { AuditEntry, AuditTrail } from './audit.ts';
import { RESET_OUTCOME, type ResetOutcome } from './constants.ts';
import { GroupNotEmptyError, ResetPlanError } from './errors.ts';
import { systemClock } from './clock.ts';
import type { CallerContext } from './execute.ts';
import type { DeleteOffsetsRequest } from './input.ts';
import { isoTime } from './time.ts';
import type { Clock, GroupMemberSummary, ResetLogger, TopicPartition } from './types.ts';
import { partitionErrorsOf } from './write.ts';

/** What a deletion did. */
export interface DeleteOffsetsResult {
  readonly groupId: string;
  readonly outcome: Exclude<ResetOutcome, 'DRY_RUN'>;
  readonly summary: string;
  /** Partitions whose committed offset is gone. */
  readonly deleted: TopicPartition[];
  /** Partitions Kafka refused, with its error name. */
  readonly failed: (TopicPartition & { reason: string })[];
  readonly members: readonly GroupMemberSummary[];
  readonly auditId: string | undefined;
}

/** Dependencies of {@link deleteGroupOffsets}. */
export interface DeleteOffsetsDeps {
  readonly admin: ResetAdmin;
  readonly audit?: AuditTrail | undefined;
  readonly log?: ResetLogger | undefined;
  readonly clock?: Clock | undefined;
  readonly caller?: CallerContext | undefined;
}

/**
 * Deletes the group's committed offsets for the topics (all partitions unless listed).
 * Refused (nothing deleted) when the group has members subscribed to one of the topics.
 *
 * @example
 * await deleteGroupOffsets({ action: 'deleteOffsets', groupId: 'email', topics: [{ topic: 'orders' }], reason: 'topic retired', requestedBy: 'ops' }, { admin });
 */
export async function deleteGroupOffsets(request: DeleteOffsetsRequest, deps: DeleteOffsetsDeps): Promise<DeleteOffsetsResult> {
  const { admin, log } = deps;
  const clock = deps.clock ?? systemClock;
  const started = clock.now();
  const topics = request.topics.map((t) => t.topic);

  let status;
  try {
    status = await groupStatus(admin, request.groupId);
  } catch (error) {
    throw new ResetPlanError(`describing group '${request.groupId}' failed: ${describeError(error)}`, { retriable: true, cause: error });
  }
  const members = status.members;
  if (!status.inactive) {
    // A KIP-848 group hides its subscriptions from DescribeGroups: treat it as subscribed to all.
    const subscribed = subscribedTopics(status.group);
    const busy = status.consumerProtocol ? topics : topics.filter((t) => subscribed.has(t));
    if (busy.length > 0) {
      const error = new GroupNotEmptyError(request.groupId, status.state, members, `its members are subscribed to ${busy.join(', ')}: Kafka forbids deleting offsets of a topic an active group consumes (GROUP_SUBSCRIBED_TO_TOPIC)`);
      log?.warn('offset deletion refused', { groupId: request.groupId, topics, error: error.message });
      return { groupId: request.groupId, outcome: RESET_OUTCOME.refused, summary: `Refused: ${error.message}. Nothing deleted.`, deleted: [], failed: [], members, auditId: undefined };
    }
  }

  let metadata;
  try {
    metadata = await admin.metadata({ topics, forceUpdate: true });
  } catch (error) {
    throw new ResetPlanError(`reading metadata of ${topics.join(', ')} failed: ${describeError(error)}`, { cause: error });
  }
  const partitions: TopicPartition[] = request.topics.flatMap((t) => {
    const count = metadata.topics.get(t.topic)?.partitionsCount ?? 0;
    return (t.partitions ?? Array.from({ length: count }, (_, i) => i)).map((partition) => ({ topic: t.topic, partition }));
  });

  const entry = (outcome: string, extra: Partial<AuditEntry> = {}): AuditEntry => ({
    action: 'deleteOffsets',
    groupId: request.groupId,
    requestedBy: request.requestedBy ?? deps.caller?.identity ?? 'unknown',
    reason: request.reason,
    startedAt: isoTime(started),
    outcome,
    partitionCount: partitions.length,
    invocation: { awsRequestId: deps.caller?.awsRequestId, functionArn: deps.caller?.functionArn },
    detail: { input: request, partitions },
    ...extra,
  });
  const auditId = deps.audit ? await deps.audit.put(entry('IN_PROGRESS')) : undefined;

  let codes: Map<string, string> | undefined;
  let failure: unknown;
  try {
    await admin.deleteConsumerGroupOffsets({
      groupId: request.groupId,
      topics: [...byTopic(partitions)].map(([name, list]) => ({ name, partitionIndexes: list.map((p) => p.partition) })),
    });
  } catch (error) {
    failure = error;
    codes = partitionErrorsOf(error);
  }
  const deleted: TopicPartition[] = [];
  const failed: (TopicPartition & { reason: string })[] = [];
  for (const p of partitions) {
    const code = failure === undefined ? '' : (codes?.get(tpKey(p)) ?? describeError(failure));
    if (code) failed.push({ ...p, reason: code });
    else deleted.push(p);
  }
  const outcome = failed.length === 0 ? RESET_OUTCOME.succeeded : RESET_OUTCOME.failed;
  const summary =
    failed.length === 0
      ? `Deleted the committed offsets of group '${request.groupId}' for ${deleted.length} partition(s) of ${topics.join(', ')}.`
      : `Deleting offsets of group '${request.groupId}' FAILED for ${failed.length} partition(s) (${failed.slice(0, 10).map((f) => `${tpKey(f)}: ${f.reason}`).join('; ')}); ${deleted.length} deleted.`;
  const attributes = { groupId: request.groupId, outcome, summary, auditId };
  if (outcome === RESET_OUTCOME.succeeded) log?.info('offset deletion finished', attributes);
  else log?.error('offset deletion failed', attributes);
  if (deps.audit) {
    try {
      await deps.audit.put(entry(outcome, { finishedAt: isoTime(clock.now()), summary, detail: { input: request, deleted, failed } }), auditId);
    } catch (error) {
      log?.error('the audit record could not be completed', { auditId, error: describeError(error) });
    }
  }
  return { groupId: request.groupId, outcome, summary, deleted, failed, members, auditId };
}
