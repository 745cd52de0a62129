// Executing a reset: pause -> wait -> plan -> write -> verify -> resume, with an audit
// record around it. Every path that paused something restores it (finally), and the
// result says what was written, what was not, and which mappings are still disabled.
import type { EventSourceMappingsApi } from '../aws/index.ts';
import type { Group } from '../kafka/index.ts';
import { tpKey, type ResetAdmin } from './admin.ts';
import type { AuditEntry, AuditTrail } from './audit.ts';
import { systemClock } from './clock.ts';
import { DEFAULT_POLL_INTERVAL_MS, RESET_OUTCOME, RESTORE_TIMEOUT_SECONDS } from './constants.ts';
import { GroupNotEmptyError, OffsetResetError, OffsetWriteError, ResetConfigError } from './errors.ts';
import { toJson } from './json.ts';
import { findGroupMappings, pauseMappings, recordMappings, restoreMappings, waitUntilDisabled, type MappingDeps } from './mappings.ts';
import type { ReadS3Object } from './offsets-file.ts';
import { planReset } from './plan.ts';
import { strategyLabel } from './strategy.ts';
import { isoTime } from './time.ts';
import type { Clock, ResetInput, ResetLogger, ResetResult } from './types.ts';
import { waitForInactiveGroup } from './group-wait.ts';
import { writeOffsets } from './write.ts';

/** Who asked, for the audit record. */
export interface CallerContext {
  /** Identity from the Lambda context (Cognito) or the CLI user; `input.requestedBy` wins. */
  readonly identity?: string | undefined;
  readonly awsRequestId?: string | undefined;
  readonly functionArn?: string | undefined;
}

/** Dependencies of {@link runReset}; everything that talks to the outside is injected. */
export interface ResetDeps {
  readonly admin: ResetAdmin;
  /** Required when `input.pause` is true (the default) and `input.execute` is true. */
  readonly lambda?: EventSourceMappingsApi | undefined;
  /** Where executions are recorded; without it they are only logged. */
  readonly audit?: AuditTrail | undefined;
  readonly log?: ResetLogger | undefined;
  /** @default the system clock */
  readonly clock?: Clock | undefined;
  /** Poll interval of GetEventSourceMapping / DescribeGroups while waiting. @default 2000 */
  readonly pollIntervalMs?: number | undefined;
  /** Budget for re-enabling mappings, in seconds. @default 120 */
  readonly restoreTimeoutSeconds?: number | undefined;
  readonly readS3Object?: ReadS3Object | undefined;
  readonly caller?: CallerContext | undefined;
}

function newResult(groupId: string): ResetResult {
  return {
    groupId,
    outcome: RESET_OUTCOME.dryRun,
    summary: '',
    plan: undefined,
    mappings: [],
    restored: true,
    restoreFailures: [],
    written: [],
    notWritten: [],
    unverified: [],
    error: undefined,
    auditId: undefined,
    timingsMs: {},
  };
}

const list = (keys: string[], max = 10): string => (keys.length > max ? `${keys.slice(0, max).join(', ')}, and ${keys.length - max} more` : keys.join(', '));

/** One sentence that leaves nothing unsaid: outcome, partitions written or not, mappings left disabled. */
export function summarize(r: ResetResult): string {
  const paused = r.mappings.filter((m) => m.paused).length;
  const mappingText =
    paused === 0
      ? 'no event source mapping was paused'
      : r.restored
        ? `${paused} event source mapping(s) paused and re-enabled`
        : `${r.restoreFailures.length} of ${paused} paused event source mapping(s) could NOT be re-enabled and are left Disabled (${r.restoreFailures.map((f) => f.uuid).join(', ')}): re-enable them by hand`;
  const total = r.plan?.partitions.length ?? 0;
  switch (r.outcome) {
    case RESET_OUTCOME.dryRun:
      return `Dry run for group '${r.groupId}' (${r.plan?.strategy}): ${total} partition(s) planned, ${r.plan?.totals.warnings ?? 0} warning(s); nothing written.`;
    case RESET_OUTCOME.succeeded:
      return `Reset group '${r.groupId}' (${r.plan?.strategy}): ${r.written.length} partition(s) written and verified; ${mappingText}.`;
    case RESET_OUTCOME.refused:
      return `Refused to reset group '${r.groupId}': ${r.error?.message ?? 'group not inactive'}. Nothing written; ${mappingText}.`;
    default: {
      const writtenText =
        r.written.length + r.notWritten.length + r.unverified.length === 0
          ? 'Nothing written'
          : `${r.written.length} of ${total} partition(s) written${r.written.length ? ` (${list(r.written.map(tpKey))})` : ''}` +
            `${r.notWritten.length ? `, ${r.notWritten.length} NOT written (${list(r.notWritten.map(tpKey))})` : ''}` +
            `${r.unverified.length ? `, ${r.unverified.length} unverified (${list(r.unverified.map(tpKey))})` : ''}`;
      return `Reset of group '${r.groupId}' FAILED at ${r.error?.stage ?? 'an unknown step'}: ${r.error?.message ?? 'unknown error'}. ${writtenText}; ${mappingText}.`;
    }
  }
}

/**
 * Plans, and with `execute: true` performs, a reset. Dry runs are logged, not stored.
 *
 * @example
 * const result = await runReset(parseResetInput(event), { admin, lambda: new LambdaEventSourceMappings(), audit, log: logger });
 * if (result.outcome !== 'SUCCEEDED') console.error(result.summary);
 */
export async function runReset(input: ResetInput, deps: ResetDeps): Promise<ResetResult> {
  if (input.execute) return executeReset(input, deps);
  const clock = deps.clock ?? systemClock;
  const started = clock.now();
  const result = newResult(input.groupId);
  result.plan = await planReset(deps.admin, input, { now: () => clock.now(), readS3Object: deps.readS3Object });
  result.timingsMs.plan = clock.now() - started;
  result.summary = summarize(result);
  deps.log?.info('offset reset dry run', { groupId: input.groupId, strategy: result.plan.strategy, partitions: result.plan.partitions.length, requestedBy: requester(input, deps), plan: toJson(result.plan) });
  return result;
}

function requester(input: ResetInput, deps: ResetDeps): string {
  return input.requestedBy ?? deps.caller?.identity ?? 'unknown';
}

/**
 * Executes a reset (ignores `input.execute`). Throws only before anything changed
 * (bad wiring, a plan that cannot be made, no audit record); afterwards it returns a
 * result whose outcome is SUCCEEDED, REFUSED or FAILED.
 */
export async function executeReset(input: ResetInput, deps: ResetDeps): Promise<ResetResult> {
  if (input.pause && !deps.lambda) throw new ResetConfigError('pause is true but no Lambda client was given to pause the event source mappings with');
  if (!input.reason) throw new ResetConfigError('an execution needs a reason');
  const clock = deps.clock ?? systemClock;
  const log = deps.log;
  const pollIntervalMs = deps.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const started = clock.now();
  const result = newResult(input.groupId);
  const planOptions = { now: () => clock.now(), readS3Object: deps.readS3Object };

  // A plan first, before touching anything: a reset that cannot be planned (missing topic,
  // shift without a commit) must not pause a running group for nothing.
  await planReset(deps.admin, input, planOptions);

  const entry = (outcome: string, extra: Partial<AuditEntry> = {}): AuditEntry => ({
    action: 'reset',
    groupId: input.groupId,
    requestedBy: requester(input, deps),
    reason: input.reason!,
    startedAt: isoTime(started),
    outcome,
    strategy: strategyLabel(input.strategy),
    invocation: { awsRequestId: deps.caller?.awsRequestId, functionArn: deps.caller?.functionArn },
    detail: { input: toJson(input) },
    ...extra,
  });
  if (deps.audit) result.auditId = await deps.audit.put(entry('IN_PROGRESS'));
  log?.info('offset reset started', { groupId: input.groupId, strategy: strategyLabel(input.strategy), pause: input.pause, requestedBy: requester(input, deps), reason: input.reason, auditId: result.auditId });

  const mappingDeps: MappingDeps | undefined = deps.lambda ? { lambda: deps.lambda, clock, pollIntervalMs, log } : undefined;
  let stage = 'pause';
  try {
    const deadline = started + input.timeoutSeconds * 1_000;
    let group: Group | undefined;
    if (input.pause && mappingDeps) {
      stage = 'finding event source mappings';
      const found = await findGroupMappings(mappingDeps.lambda, input.groupId);
      result.mappings.push(...(await recordMappings(mappingDeps, found, deadline)));
      stage = 'pausing event source mappings';
      await pauseMappings(mappingDeps, result.mappings, deadline);
      stage = 'waiting for event source mappings to be Disabled';
      await waitUntilDisabled(mappingDeps, result.mappings, deadline);
      stage = 'waiting for the group to be Empty';
      const paused = result.mappings.filter((m) => m.paused).length;
      // With nothing paused, nothing will make the members leave: check once, like pause: false.
      group = await waitForInactiveGroup(deps.admin, input.groupId, paused > 0 ? deadline : clock.now(), {
        clock,
        pollIntervalMs,
        context:
          paused > 0
            ? `${paused} event source mapping(s) of the group were paused and are Disabled, so these members are consumers outside Lambda ` +
              `(or pollers that did not leave within ${input.timeoutSeconds} s); stop them and retry`
            : `no enabled event source mapping consumes as this group, so these members are consumers outside Lambda; stop them and retry`,
      });
    } else {
      stage = 'checking the group is Empty';
      group = await waitForInactiveGroup(deps.admin, input.groupId, clock.now(), {
        clock,
        pollIntervalMs,
        context: 'pause is false, so nothing was paused; stop the consumers (or pause: true) and retry',
      });
    }
    result.timingsMs.pause = clock.now() - started;

    stage = 'planning';
    const planStarted = clock.now();
    // Planned now, with the group Empty: `current` and `shiftBy` start from the offsets the
    // paused consumers committed last, not from those seen before the pause.
    result.plan = await planReset(deps.admin, input, { ...planOptions, group });
    result.timingsMs.plan = clock.now() - planStarted;

    stage = 'writing offsets';
    const writeStarted = clock.now();
    const report = await writeOffsets(
      deps.admin,
      input.groupId,
      result.plan.partitions.map((p) => ({ topic: p.topic, partition: p.partition, offset: p.target })),
    );
    result.timingsMs.write = clock.now() - writeStarted;
    result.written.push(...report.written);
    result.notWritten.push(...report.notWritten);
    result.unverified.push(...report.unverified);
    if (report.notWritten.length > 0 || report.unverified.length > 0) {
      throw new OffsetWriteError(
        report.notWritten.length > 0
          ? `${report.notWritten.length} partition(s) not at their target after the write (${list(report.notWritten.map((f) => `${tpKey(f)}: ${f.reason}`), 5)})`
          : `${report.unverified.length} partition(s) could not be read back after the write`,
        { cause: report.error },
      );
    }
    result.outcome = RESET_OUTCOME.succeeded;
  } catch (error) {
    result.outcome = error instanceof GroupNotEmptyError ? RESET_OUTCOME.refused : RESET_OUTCOME.failed;
    result.error = {
      code: error instanceof OffsetResetError ? error.code : 'UNEXPECTED',
      message: error instanceof Error ? error.message : String(error),
      stage,
      ...(error instanceof GroupNotEmptyError ? { members: error.members } : {}),
    };
  } finally {
    if (mappingDeps && result.mappings.some((m) => m.paused)) {
      const restoreStarted = clock.now();
      await restoreMappings(mappingDeps, result.mappings, restoreStarted + (deps.restoreTimeoutSeconds ?? RESTORE_TIMEOUT_SECONDS) * 1_000);
      result.timingsMs.restore = clock.now() - restoreStarted;
    }
  }
  result.restoreFailures = result.mappings.filter((m) => m.restore === 'failed').map((m) => ({ uuid: m.uuid, functionArn: m.functionArn, error: m.restoreError ?? 'unknown' }));
  result.restored = result.restoreFailures.length === 0;
  result.timingsMs.total = clock.now() - started;
  result.summary = summarize(result);

  const attributes = { groupId: input.groupId, outcome: result.outcome, summary: result.summary, auditId: result.auditId, result: toJson({ ...result, plan: undefined }), plan: toJson(result.plan) };
  if (result.outcome === RESET_OUTCOME.succeeded) log?.info('offset reset finished', attributes);
  else log?.error('offset reset did not succeed', attributes);

  if (deps.audit) {
    try {
      await deps.audit.put(
        entry(result.outcome, {
          finishedAt: isoTime(clock.now()),
          summary: result.summary,
          partitionCount: result.plan?.partitions.length,
          restored: result.restored,
          detail: { input: toJson(input), plan: toJson(result.plan), result: toJson({ ...result, plan: undefined }) },
        }),
        result.auditId,
      );
    } catch (error) {
      // The reset already happened: report it rather than lose the result.
      log?.error('the audit record could not be completed', { auditId: result.auditId, error: error instanceof Error ? error.message : String(error) });
      result.summary += ` The audit record ${result.auditId} still says IN_PROGRESS: completing it failed (${error instanceof Error ? error.message : String(error)}).`;
    }
  }
  return result;
}
