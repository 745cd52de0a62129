import { ServerlessConsumerGroupsError, isRetriable } from '../errors/index.ts';
import { OFFSET_RESET_ERROR_CODES } from './constants.ts';
import type { GroupMemberSummary } from './types.ts';

/** Base class of every error thrown by the offset-reset module. */
export class OffsetResetError extends ServerlessConsumerGroupsError {}

/** One problem with the input, named by its field path (`strategy.toOffset`, `topics[1].partitions`). */
export interface InputIssue {
  readonly field: string;
  readonly message: string;
}

/**
 * The input (function event, CLI flags, CSV file) was rejected. `message` lists every
 * problem as `field: problem`; `issues` has them one by one.
 */
export class OffsetResetInputError extends OffsetResetError {
  readonly issues: readonly InputIssue[];
  /** The first offending field. */
  readonly field: string;

  constructor(issues: readonly InputIssue[]) {
    super(issues.map((i) => `${i.field}: ${i.message}`).join('; '), { code: OFFSET_RESET_ERROR_CODES.input, retriable: false });
    this.issues = issues;
    this.field = issues[0]?.field ?? '(input)';
  }
}

/**
 * No plan can be made: a topic or partition does not exist, `shiftBy` met a partition with
 * no committed offset, the scope is empty, or a Kafka request failed (then `retriable`).
 */
export class ResetPlanError extends OffsetResetError {
  constructor(message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, { code: OFFSET_RESET_ERROR_CODES.plan, retriable: options.retriable ?? false, cause: options.cause });
  }
}

/**
 * The group still has members, so Kafka would reject the write (and kafka-consumer-groups.sh
 * refuses). After the group's mappings were paused this means a consumer outside Lambda.
 */
export class GroupNotEmptyError extends OffsetResetError {
  readonly groupId: string;
  readonly state: string;
  readonly members: readonly GroupMemberSummary[];

  constructor(groupId: string, state: string, members: readonly GroupMemberSummary[], context: string) {
    const list = members.map((m) => `${m.clientId}@${m.host}`).join(', ') || 'none listed';
    super(
      `Assignments can only be reset if the group '${groupId}' is inactive, but the current state is ${state} ` +
        `with ${members.length} member(s) (${list}); ${context}`,
      { code: OFFSET_RESET_ERROR_CODES.groupNotEmpty, retriable: false },
    );
    this.groupId = groupId;
    this.state = state;
    this.members = members;
  }
}

/** A Lambda event-source-mapping call failed (list, update or get). */
export class MappingsError extends OffsetResetError {
  /**
   * `retriable` defaults to what the cause says (`isRetriable`): a throttled or failed
   * Lambda call may succeed later, an AccessDeniedException or a deleted mapping will not,
   * and a caller that retries on `retriable` must not retry those. A cause that says
   * nothing counts as retriable, as everywhere in this project.
   */
  constructor(message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, { code: OFFSET_RESET_ERROR_CODES.mappings, retriable: options.retriable ?? isRetriable(options.cause), cause: options.cause });
  }
}

/** Mappings did not reach `Disabled`, or the group did not become Empty, within the budget. */
export class ResetTimeoutError extends OffsetResetError {
  constructor(message: string) {
    super(message, { code: OFFSET_RESET_ERROR_CODES.timeout, retriable: true });
  }
}

/** The offset write failed for at least one partition; the result lists which. */
export class OffsetWriteError extends OffsetResetError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { code: OFFSET_RESET_ERROR_CODES.write, retriable: true, cause: options.cause });
  }
}

/** The audit record could not be written; an execution refuses to start without one. */
export class AuditError extends OffsetResetError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { code: OFFSET_RESET_ERROR_CODES.audit, retriable: true, cause: options.cause });
  }
}

/** The caller wired the module wrongly (e.g. `pause: true` without a Lambda client). */
export class ResetConfigError extends OffsetResetError {
  constructor(message: string) {
    super(message, { code: OFFSET_RESET_ERROR_CODES.config, retriable: false });
  }
}
