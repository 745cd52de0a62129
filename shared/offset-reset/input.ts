// The function's input, validated once at the edge. Unknown keys are rejected (a typo is
// an error, not a silent default) and every error names its field.
import * as z from 'zod/mini';
import { safeParse } from '../validation/parse.ts';
import { DEFAULT_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS } from './constants.ts';
import { OffsetResetInputError, type InputIssue } from './errors.ts';
import { parseStrategy } from './strategy.ts';
import type { ResetInput, ResetScope, TopicSelection } from './types.ts';

const GroupIdSchema = z.string({ error: 'must be a string' }).check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(255, 'must be at most 255 characters'));
const TopicNameSchema = z
  .string({ error: 'must be a string' })
  .check(z.regex(/^[a-zA-Z0-9._-]{1,249}$/, 'must be a Kafka topic name (1-249 characters of [a-zA-Z0-9._-])'));
const TopicSelectionSchema = z.strictObject({
  topic: TopicNameSchema,
  partitions: z.optional(
    z
      .array(z.number({ error: 'must be a partition number' }).check(z.int('must be an integer'), z.minimum(0, 'must be 0 or more'), z.maximum(2_147_483_647)), {
        error: 'must be an array of partition numbers',
      })
      .check(z.minLength(1, 'must list at least one partition (omit it for all partitions)')),
  ),
});
const TopicsSchema = z.array(TopicSelectionSchema, { error: 'must be an array of {topic, partitions?}' }).check(z.minLength(1, 'must list at least one topic'));
const ReasonSchema = z.string({ error: 'must be a string' }).check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(2_000, 'must be at most 2000 characters'));
const RequestedBySchema = z.string({ error: 'must be a string' }).check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(256, 'must be at most 256 characters'));

const ResetFieldsSchema = z.strictObject({
  action: z.optional(z.literal('reset')),
  groupId: GroupIdSchema,
  allTopics: z.optional(z.literal(true, { error: 'must be true when given (omit it and list topics instead)' })),
  topics: z.optional(TopicsSchema),
  strategy: z.optional(z.unknown()),
  execute: z._default(z.boolean({ error: 'must be true or false' }), false),
  pause: z._default(z.boolean({ error: 'must be true or false' }), true),
  timeoutSeconds: z._default(
    z
      .number({ error: 'must be a number of seconds' })
      .check(
        z.int('must be a whole number of seconds'),
        z.minimum(1, 'must be at least 1'),
        z.maximum(MAX_TIMEOUT_SECONDS, `must be at most ${MAX_TIMEOUT_SECONDS} (a Lambda invocation lasts at most 900 s)`),
      ),
    DEFAULT_TIMEOUT_SECONDS,
  ),
  reason: z.optional(ReasonSchema),
  requestedBy: z.optional(RequestedBySchema),
});

const DescribeSchema = z.strictObject({ action: z.literal('describe'), groupId: GroupIdSchema });

const DeleteOffsetsSchema = z.strictObject({
  action: z.literal('deleteOffsets'),
  groupId: GroupIdSchema,
  topics: TopicsSchema,
  reason: ReasonSchema,
  requestedBy: z.optional(RequestedBySchema),
});

/** A validated `describe` request. */
export interface DescribeRequest {
  readonly action: 'describe';
  readonly groupId: string;
}

/** A validated `deleteOffsets` request: drop the group's committed offsets for the topics. */
export interface DeleteOffsetsRequest {
  readonly action: 'deleteOffsets';
  readonly groupId: string;
  readonly topics: readonly TopicSelection[];
  readonly reason: string;
  readonly requestedBy: string | undefined;
}

/** What the offset-reset function accepts, selected by `action` (default `reset`). */
export type OffsetResetRequest = ({ readonly action: 'reset' } & ResetInput) | DescribeRequest | DeleteOffsetsRequest;

/** `topics[1].partitions[0]` from a zod path. */
function fieldOf(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `${out === '' ? '' : '.'}${String(part)}`;
  return out === '' ? '(input)' : out;
}

function issuesOf(error: z.core.$ZodError): InputIssue[] {
  const issues: InputIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) issues.push({ field: fieldOf([...issue.path, key]), message: 'is not a known field' });
    } else if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) {
      issues.push({ field: fieldOf(issue.path), message: 'is required' });
    } else {
      issues.push({ field: fieldOf(issue.path), message: issue.message });
    }
  }
  return issues;
}

function duplicateIssues(topics: readonly TopicSelection[], field: string): InputIssue[] {
  const issues: InputIssue[] = [];
  const seen = new Set<string>();
  topics.forEach((t, i) => {
    if (seen.has(t.topic)) issues.push({ field: `${field}[${i}].topic`, message: `"${t.topic}" is listed twice` });
    seen.add(t.topic);
    if (t.partitions && new Set(t.partitions).size !== t.partitions.length) {
      issues.push({ field: `${field}[${i}].partitions`, message: 'lists a partition twice' });
    }
  });
  return issues;
}

function objectOrFail(raw: unknown): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new OffsetResetInputError([{ field: '(input)', message: 'must be a JSON object' }]);
  }
  return raw as Record<string, unknown>;
}

/**
 * Validates a reset request (the function's event without `action`, or with
 * `action: "reset"`). Throws `OffsetResetInputError` listing every bad field.
 *
 * @example
 * const input = parseResetInput({ groupId: 'email', topics: [{ topic: 'orders' }], strategy: { shiftBy: -100 } });
 * input.execute; // false: a dry run unless asked
 */
export function parseResetInput(raw: unknown): ResetInput {
  const parsed = safeParse(ResetFieldsSchema, objectOrFail(raw));
  const issues: InputIssue[] = parsed.success ? [] : issuesOf(parsed.error);
  const strategyResult = parseStrategy(objectOrFail(raw).strategy);
  issues.push(...strategyResult.issues);
  if (!parsed.success || !strategyResult.strategy) throw new OffsetResetInputError(issues);

  const data = parsed.data;
  const strategy = strategyResult.strategy;
  let scope: ResetScope | undefined;
  if (strategy.type === 'fromFile') {
    // kafka-consumer-groups.sh ignores --topic/--all-topics with --from-file (the rows name
    // the partitions); rejecting them is clearer than ignoring them.
    if (data.allTopics || data.topics) issues.push({ field: data.allTopics ? 'allTopics' : 'topics', message: 'must be omitted with strategy.fromFile: the file names the partitions' });
    scope = { type: 'file' };
  } else if (data.allTopics && data.topics) {
    issues.push({ field: 'allTopics', message: 'give either allTopics: true or topics, not both' });
  } else if (data.allTopics) {
    scope = { type: 'allTopics' };
  } else if (data.topics) {
    issues.push(...duplicateIssues(data.topics, 'topics'));
    scope = { type: 'topics', topics: data.topics };
  } else {
    issues.push({ field: 'topics', message: 'is required: list topics, or set allTopics: true (every topic the group has committed)' });
  }
  if (data.execute && !data.reason) issues.push({ field: 'reason', message: 'is required when execute is true (it goes into the audit record)' });
  if (strategy.type === 'copyFromGroup' && strategy.groupId === data.groupId) {
    issues.push({ field: 'strategy.copyFromGroup', message: 'must name another group than groupId' });
  }
  if (issues.length > 0 || !scope) throw new OffsetResetInputError(issues);
  return {
    groupId: data.groupId,
    scope,
    strategy,
    execute: data.execute,
    pause: data.pause,
    timeoutSeconds: data.timeoutSeconds,
    reason: data.reason,
    requestedBy: data.requestedBy,
  };
}

/**
 * Validates the function's event: `action` selects `reset` (default), `describe` or
 * `deleteOffsets`; each has its own strict shape.
 *
 * @example
 * parseOffsetResetRequest({ action: 'describe', groupId: 'email' });
 */
export function parseOffsetResetRequest(raw: unknown): OffsetResetRequest {
  const event = objectOrFail(raw);
  const action = event.action ?? 'reset';
  if (action === 'reset') return { action: 'reset', ...parseResetInput(event) };
  if (action === 'describe') {
    const parsed = safeParse(DescribeSchema, event);
    if (!parsed.success) throw new OffsetResetInputError(issuesOf(parsed.error));
    return parsed.data;
  }
  if (action === 'deleteOffsets') {
    const parsed = safeParse(DeleteOffsetsSchema, event);
    if (!parsed.success) throw new OffsetResetInputError(issuesOf(parsed.error));
    const dupes = duplicateIssues(parsed.data.topics, 'topics');
    if (dupes.length > 0) throw new OffsetResetInputError(dupes);
    return { ...parsed.data, requestedBy: parsed.data.requestedBy };
  }
  throw new OffsetResetInputError([{ field: 'action', message: `must be "reset", "describe" or "deleteOffsets", got ${JSON.stringify(action)}` }]);
}
