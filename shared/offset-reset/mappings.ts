// Pausing and resuming the Lambda event source mappings of a consumer group.
//
// Facts this relies on (AWS Lambda developer guide, "Kafka event source mappings" and the
// UpdateEventSourceMapping API reference):
// - the group id is `AmazonManagedKafkaEventSourceConfig.ConsumerGroupId` (MSK) or
//   `SelfManagedKafkaEventSourceConfig.ConsumerGroupId`; without one, Lambda uses the
//   mapping's UUID as the group id;
// - ListEventSourceMappings filters by function or event source only, never by group, so
//   we list everything and filter;
// - `Enabled: false` moves a mapping Enabled -> Disabling -> Disabled, `Enabled: true`
//   Disabled -> Enabling -> Enabled, each taking up to ~90 s; an update while the mapping is
//   mid-transition fails with ResourceConflictException, so updates retry with backoff.
import type { EventSourceMappingConfiguration } from '@aws-sdk/client-lambda';
import { hasAwsErrorCode, type EventSourceMappingsApi } from '../aws/index.ts';
import { CONFLICT_RETRY_INITIAL_MS, CONFLICT_RETRY_MAX_MS } from './constants.ts';
import { MappingsError, ResetTimeoutError } from './errors.ts';
import type { Clock, MappingRecord, ResetLogger } from './types.ts';

/** What the mapping steps need. */
export interface MappingDeps {
  readonly lambda: EventSourceMappingsApi;
  readonly clock: Clock;
  readonly pollIntervalMs: number;
  readonly log?: ResetLogger | undefined;
}

function isKafkaMapping(m: EventSourceMappingConfiguration): boolean {
  return Boolean(
    m.AmazonManagedKafkaEventSourceConfig ||
      m.SelfManagedKafkaEventSourceConfig ||
      m.SelfManagedEventSource?.Endpoints?.KAFKA_BOOTSTRAP_SERVERS ||
      /^arn:aws[a-z-]*:kafka:/.test(m.EventSourceArn ?? ''),
  );
}

/**
 * The Kafka consumer group a mapping consumes as; `undefined` for non-Kafka mappings.
 *
 * @example
 * mappingGroupId({ UUID: 'u', AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: 'email' } }); // 'email'
 */
export function mappingGroupId(m: EventSourceMappingConfiguration): string | undefined {
  if (!isKafkaMapping(m)) return undefined;
  return m.AmazonManagedKafkaEventSourceConfig?.ConsumerGroupId ?? m.SelfManagedKafkaEventSourceConfig?.ConsumerGroupId ?? m.UUID;
}

export function isResourceConflict(error: unknown): boolean {
  return hasAwsErrorCode(error, 'ResourceConflictException');
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Every event source mapping of the account whose consumer group is `groupId` (all pages). */
export async function findGroupMappings(lambda: EventSourceMappingsApi, groupId: string): Promise<EventSourceMappingConfiguration[]> {
  const found: EventSourceMappingConfiguration[] = [];
  let marker: string | undefined;
  do {
    let page;
    try {
      page = await lambda.list({ Marker: marker, MaxItems: 100 });
    } catch (error) {
      throw new MappingsError(`ListEventSourceMappings failed while looking for the mappings of group '${groupId}' (${errorText(error)})`, { cause: error });
    }
    for (const m of page.EventSourceMappings ?? []) if (mappingGroupId(m) === groupId) found.push(m);
    marker = page.NextMarker || undefined;
  } while (marker);
  return found;
}

async function getMapping(deps: MappingDeps, uuid: string): Promise<EventSourceMappingConfiguration> {
  try {
    return await deps.lambda.get(uuid);
  } catch (error) {
    throw new MappingsError(`GetEventSourceMapping ${uuid} failed (${errorText(error)})`, { cause: error });
  }
}

/**
 * Records the mappings' state before anything changes. A mapping `Creating` or `Updating`
 * is waited out first: whether it ends enabled decides whether the reset must restore it.
 */
export async function recordMappings(deps: MappingDeps, mappings: readonly EventSourceMappingConfiguration[], deadlineMs: number): Promise<MappingRecord[]> {
  const records: MappingRecord[] = [];
  for (const initial of mappings) {
    let m = initial;
    while ((m.State === 'Creating' || m.State === 'Updating') && deps.clock.now() < deadlineMs) {
      await deps.clock.sleep(deps.pollIntervalMs);
      m = await getMapping(deps, m.UUID!);
    }
    const state = m.State ?? 'Unknown';
    if (state === 'Creating' || state === 'Updating') throw new ResetTimeoutError(`event source mapping ${m.UUID} stayed ${state} until the timeout`);
    records.push({
      uuid: m.UUID!,
      functionArn: m.FunctionArn,
      stateBefore: state,
      // Enabling counts as enabled: that is where it is going, and where it must end up again.
      wasEnabled: state === 'Enabled' || state === 'Enabling',
      paused: false,
      restore: 'not-needed',
      stateAfter: state,
      restoreError: undefined,
    });
  }
  return records;
}

/** Sets `Enabled`, retrying ResourceConflictException (a transition in progress) with backoff until the deadline. */
async function setEnabled(deps: MappingDeps, uuid: string, enabled: boolean, deadlineMs: number): Promise<string | undefined> {
  let delay = CONFLICT_RETRY_INITIAL_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      const out = await deps.lambda.update({ UUID: uuid, Enabled: enabled });
      return out.State;
    } catch (error) {
      if (!isResourceConflict(error)) {
        throw new MappingsError(`UpdateEventSourceMapping ${uuid} Enabled=${enabled} failed (${errorText(error)})`, { cause: error });
      }
      const left = deadlineMs - deps.clock.now();
      if (left <= 0) {
        throw new ResetTimeoutError(`UpdateEventSourceMapping ${uuid} Enabled=${enabled} still conflicts with a transition in progress after ${attempt} attempt(s)`);
      }
      deps.log?.info('event source mapping is mid-transition; retrying', { uuid, enabled, attempt, retryInMs: Math.min(delay, left) });
      await deps.clock.sleep(Math.min(delay, left));
      delay = Math.min(delay * 2, CONFLICT_RETRY_MAX_MS);
    }
  }
}

/**
 * Disables every mapping that was enabled. `paused` is set before the call, so a call
 * that fails after taking effect is still restored.
 */
export async function pauseMappings(deps: MappingDeps, records: MappingRecord[], deadlineMs: number): Promise<void> {
  const results = await Promise.allSettled(
    records
      .filter((r) => r.wasEnabled)
      .map(async (r) => {
        r.paused = true;
        r.stateAfter = await setEnabled(deps, r.uuid, false, deadlineMs);
      }),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** Polls GetEventSourceMapping until every paused mapping is `Disabled`. */
export async function waitUntilDisabled(deps: MappingDeps, records: MappingRecord[], deadlineMs: number): Promise<void> {
  let pending = records.filter((r) => r.paused);
  while (pending.length > 0) {
    for (const r of pending) r.stateAfter = (await getMapping(deps, r.uuid)).State;
    pending = pending.filter((r) => r.stateAfter !== 'Disabled');
    if (pending.length === 0) return;
    if (deps.clock.now() >= deadlineMs) {
      throw new ResetTimeoutError(`event source mapping(s) not Disabled before the timeout: ${pending.map((r) => `${r.uuid} is ${r.stateAfter}`).join(', ')}`);
    }
    await deps.clock.sleep(deps.pollIntervalMs);
  }
}

/**
 * Re-enables every mapping the reset paused. Never throws: each record says `restored`
 * or `failed` with the error, so the caller can report exactly what is left disabled.
 */
export async function restoreMappings(deps: MappingDeps, records: MappingRecord[], deadlineMs: number): Promise<void> {
  await Promise.all(
    records
      .filter((r) => r.paused)
      .map(async (r) => {
        try {
          r.stateAfter = await setEnabled(deps, r.uuid, true, deadlineMs);
          r.restore = 'restored';
          r.restoreError = undefined;
        } catch (error) {
          r.restore = 'failed';
          r.restoreError = error instanceof Error ? error.message : String(error);
          deps.log?.error('event source mapping could not be re-enabled; it is left Disabled', { uuid: r.uuid, functionArn: r.functionArn, error: r.restoreError });
        }
      }),
  );
}
