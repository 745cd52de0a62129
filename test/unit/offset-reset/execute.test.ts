import {
  RESET_OUTCOME,
  ResetConfigError,
  ResetPlanError,
  parseResetInput,
  runReset,
  type ResetDeps,
} from '../../../shared/offset-reset/index.ts';
import { FakeClock, FakeKafka, FakeLambda, MemoryAudit, MemoryLogger } from './fakes.ts';

interface World {
  kafka: FakeKafka;
  lambda: FakeLambda;
  clock: FakeClock;
  audit: MemoryAudit;
  log: MemoryLogger;
  deps: ResetDeps;
}

// Group `email` reads `orders` (3 partitions, offsets 0..19) through mapping `u-email`,
// whose poller is a member of the group while the mapping is enabled. Other mappings
// (another group, an SQS queue) fill the account's list across pages.
function world(): World {
  const kafka = new FakeKafka().addUniformTopic('orders', 3, 20).commit('email', 'orders', 0, 15n).commit('email', 'orders', 1, 18n).commit('email', 'orders', 2, 20n);
  const lambda = new FakeLambda(kafka).addOther('u-sqs').add('u-billing', 'billing').add('u-email', 'email');
  const clock = new FakeClock();
  const audit = new MemoryAudit();
  const log = new MemoryLogger();
  return { kafka, lambda, clock, audit, log, deps: { admin: kafka, lambda: lambda.client(), clock, audit, log, pollIntervalMs: 1_000 } };
}

const execute = (over: Record<string, unknown> = {}) =>
  parseResetInput({ groupId: 'email', topics: [{ topic: 'orders' }], strategy: { shiftBy: -5 }, execute: true, reason: 'replay after bug fix', requestedBy: 'ops@example.com', ...over });

function indexOf(events: string[], event: string, from: 'first' | 'last' = 'first'): number {
  const i = from === 'first' ? events.indexOf(event) : events.lastIndexOf(event);
  if (i < 0) throw new Error(`event ${event} not found in:\n${events.join('\n')}`);
  return i;
}

describe('runReset (execute)', () => {
  it('pauses the group\'s mapping, waits until it is Disabled and the group Empty, writes, verifies, then resumes', async () => {
    const w = world();
    const result = await runReset(execute(), w.deps);

    expect(result.outcome).toBe(RESET_OUTCOME.succeeded);
    expect(result.restored).toBe(true);
    expect(result.written.map((p) => `${p.topic}-${p.partition}=${p.offset}`)).toEqual(['orders-0=10', 'orders-1=13', 'orders-2=15']);
    expect([0, 1, 2].map((p) => w.kafka.committedOf('email', 'orders', p))).toEqual([10n, 13n, 15n]);

    const e = w.kafka.events;
    const pause = indexOf(e, 'lambda:UpdateEventSourceMapping u-email Enabled=false');
    const lastPoll = indexOf(e, 'lambda:GetEventSourceMapping u-email', 'last');
    const write = indexOf(e, 'kafka:alterConsumerGroupOffsets');
    const readBack = indexOf(e, 'kafka:listConsumerGroupOffsets', 'last');
    const resume = indexOf(e, 'lambda:UpdateEventSourceMapping u-email Enabled=true');
    expect(pause).toBeLessThan(lastPoll);
    expect(lastPoll).toBeLessThan(write);
    expect(write).toBeLessThan(readBack);
    expect(readBack).toBeLessThan(resume);
    // Only the group's mapping is touched; the list was read across pages.
    expect(w.lambda.calls.filter((c) => c.startsWith('UpdateEventSourceMapping'))).toEqual([
      'UpdateEventSourceMapping u-email Enabled=false',
      'UpdateEventSourceMapping u-email Enabled=true',
    ]);
    expect(w.lambda.calls.filter((c) => c === 'ListEventSourceMappings')).toHaveLength(2);
    expect(w.lambda.state('u-email')).toBe('Enabling');
    expect(result.mappings).toEqual([expect.objectContaining({ uuid: 'u-email', stateBefore: 'Enabled', paused: true, restore: 'restored', stateAfter: 'Enabling' })]);
  });

  it('plans the write once the group is Empty, from the offsets committed before the pause ended', async () => {
    const w = world();
    // The poller commits one more batch while the mapping is Disabling.
    const originalLeave = w.kafka.leave.bind(w.kafka);
    w.kafka.leave = (group, predicate) => {
      w.kafka.commit('email', 'orders', 0, 19n);
      originalLeave(group, predicate);
    };
    const result = await runReset(execute(), w.deps);
    expect(result.plan?.groupState).toBe('Empty');
    expect(result.plan?.partitions[0]).toMatchObject({ committed: 19n, target: 14n });
  });

  it('records the execution before pausing and completes the same audit record at the end', async () => {
    const w = world();
    const result = await runReset(execute(), w.deps);
    expect(w.audit.puts.map((p) => [p.id, p.entry.outcome])).toEqual([
      [result.auditId, 'IN_PROGRESS'],
      [result.auditId, 'SUCCEEDED'],
    ]);
    expect(indexOf(w.kafka.events, 'lambda:ListEventSourceMappings')).toBeGreaterThan(-1);
    const final = w.audit.records.get(result.auditId!)!;
    expect(final).toMatchObject({ action: 'reset', groupId: 'email', requestedBy: 'ops@example.com', reason: 'replay after bug fix', strategy: 'shift-by -5', partitionCount: 3, restored: true });
    expect((final.detail.plan as { partitions: { target: string }[] }).partitions.map((p) => p.target)).toEqual(['10', '13', '15']);
    expect((final.detail.plan as { partitions: { committed: string }[] }).partitions.map((p) => p.committed)).toEqual(['15', '18', '20']);
  });

  it('refuses while a consumer outside Lambda is in the group, lists it, and restores the mapping', async () => {
    const w = world();
    w.kafka.join('email', { id: 'rogue-1', clientId: 'batch-job', host: '/10.9.9.9', topics: ['orders'] });
    const result = await runReset(execute({ timeoutSeconds: 30 }), w.deps);

    expect(result.outcome).toBe(RESET_OUTCOME.refused);
    expect(result.error?.members).toEqual([expect.objectContaining({ clientId: 'batch-job', host: '/10.9.9.9' })]);
    expect(result.error?.message).toMatch(/batch-job@\/10\.9\.9\.9/);
    expect(w.kafka.calls).not.toContain('alterConsumerGroupOffsets');
    expect(w.lambda.calls).toContain('UpdateEventSourceMapping u-email Enabled=true');
    expect(result.restored).toBe(true);
    expect(result.summary).toMatch(/Nothing written; 1 event source mapping\(s\) paused and re-enabled/);
    expect(w.audit.puts.at(-1)?.entry.outcome).toBe('REFUSED');
  });

  it('reports exactly which partitions were written when the write fails for some, and restores the mapping', async () => {
    const w = world();
    w.kafka.failCommit.set('orders-1', 15); // COORDINATOR_NOT_AVAILABLE for that partition only
    const result = await runReset(execute(), w.deps);

    expect(result.outcome).toBe(RESET_OUTCOME.failed);
    expect(result.error?.stage).toBe('writing offsets');
    expect(result.written.map((p) => `${p.topic}-${p.partition}`)).toEqual(['orders-0', 'orders-2']);
    expect(result.notWritten).toEqual([{ topic: 'orders', partition: 1, target: 13n, reason: 'COORDINATOR_NOT_AVAILABLE; committed offset is 18 after the write' }]);
    expect(result.unverified).toEqual([]);
    expect(result.restored).toBe(true);
    expect(w.lambda.state('u-email')).toBe('Enabling');
    expect(result.summary).toMatch(/2 of 3 partition\(s\) written \(orders-0, orders-2\), 1 NOT written \(orders-1\)/);
    expect(w.audit.puts.at(-1)?.entry.outcome).toBe('FAILED');
  });

  it('retries ResourceConflictException with growing delays until the update is accepted', async () => {
    const w = world();
    w.lambda.conflictsToInject = 3;
    const result = await runReset(execute(), w.deps);
    expect(result.outcome).toBe(RESET_OUTCOME.succeeded);
    expect(w.lambda.calls.filter((c) => c === 'UpdateEventSourceMapping u-email Enabled=false')).toHaveLength(4);
    expect(w.clock.slept.slice(0, 3)).toEqual([1_000, 2_000, 4_000]);
  });

  it('waits out a mapping that is Enabling, and restores it to enabled', async () => {
    const w = world();
    w.lambda.add('u-late', 'email', { state: 'Enabling' });
    const result = await runReset(execute(), w.deps);
    expect(result.outcome).toBe(RESET_OUTCOME.succeeded);
    expect(result.mappings.find((m) => m.uuid === 'u-late')).toMatchObject({ stateBefore: 'Enabling', wasEnabled: true, paused: true, restore: 'restored' });
  });

  it('leaves a mapping that was Disabled alone', async () => {
    const w = world();
    w.lambda.add('u-off', 'email', { state: 'Disabled', selfManaged: true });
    const result = await runReset(execute(), w.deps);
    expect(result.mappings.find((m) => m.uuid === 'u-off')).toMatchObject({ paused: false, restore: 'not-needed' });
    expect(w.lambda.calls.some((c) => c.startsWith('UpdateEventSourceMapping u-off'))).toBe(false);
    expect(w.lambda.state('u-off')).toBe('Disabled');
  });

  it('says which mapping is left disabled when re-enabling it fails', async () => {
    const w = world();
    w.lambda.failEnable = 1;
    const result = await runReset(execute(), w.deps);
    expect(result.outcome).toBe(RESET_OUTCOME.succeeded);
    expect(result.restored).toBe(false);
    expect(result.restoreFailures).toEqual([expect.objectContaining({ uuid: 'u-email', error: expect.stringMatching(/injected failure/) })]);
    expect(result.summary).toMatch(/could NOT be re-enabled and are left Disabled \(u-email\)/);
    expect(w.lambda.state('u-email')).toBe('Disabled');
  });

  it('fails with a timeout when the mapping stays Disabling, writes nothing, and reports the restore it could not make', async () => {
    const w = world();
    w.lambda.transitionGets = 10_000;
    const result = await runReset(execute({ timeoutSeconds: 20 }), w.deps);
    expect(result.outcome).toBe(RESET_OUTCOME.failed);
    expect(result.error).toMatchObject({ code: 'OFFSET_RESET_TIMEOUT', stage: 'waiting for event source mappings to be Disabled' });
    expect(w.kafka.calls).not.toContain('alterConsumerGroupOffsets');
    expect(result.restored).toBe(false);
    expect(result.summary).toMatch(/Nothing written/);
    expect(result.summary).toMatch(/left Disabled \(u-email\)/);
  });

  it('refuses a consumer-protocol (KIP-848) group that DescribeGroups calls Dead while it consumes', async () => {
    const w = world();
    w.kafka.consumerProtocolGroups.set('email', 'Stable');
    w.kafka.leave('email', () => true);
    const result = await runReset(execute({ pause: false }), w.deps);
    expect(result.outcome).toBe(RESET_OUTCOME.refused);
    expect(result.error?.message).toMatch(/current state is Stable.*KIP-848/);
    expect(w.kafka.calls).not.toContain('alterConsumerGroupOffsets');
  });

  it('with pause: false touches no mapping and refuses at once while the group has members', async () => {
    const w = world();
    const result = await runReset(execute({ pause: false }), w.deps);
    expect(result.outcome).toBe(RESET_OUTCOME.refused);
    expect(w.lambda.calls).toEqual([]);
    expect(w.clock.slept).toEqual([]);
  });

  it('with pause: false writes when the group is already Empty', async () => {
    const w = world();
    w.kafka.leave('email', () => true);
    const result = await runReset(execute({ pause: false }), { ...w.deps, lambda: undefined });
    expect(result.outcome).toBe(RESET_OUTCOME.succeeded);
    expect(w.lambda.calls).toEqual([]);
  });

  it('changes nothing when the plan cannot be made: no audit record, no pause', async () => {
    const w = world();
    await expect(runReset(execute({ topics: [{ topic: 'refunds' }] }), w.deps)).rejects.toBeInstanceOf(ResetPlanError);
    expect(w.lambda.calls).toEqual([]);
    expect(w.audit.puts).toEqual([]);
  });

  it('does not start without its audit record', async () => {
    const w = world();
    w.audit.failOnPut = 1;
    await expect(runReset(execute(), w.deps)).rejects.toThrow(/audit table unavailable/);
    expect(w.lambda.calls).toEqual([]);
  });

  it('needs a Lambda client to pause', async () => {
    const w = world();
    await expect(runReset(execute(), { ...w.deps, lambda: undefined })).rejects.toBeInstanceOf(ResetConfigError);
  });
});

describe('runReset (dry run)', () => {
  it('plans, logs the plan and stores nothing', async () => {
    const w = world();
    const result = await runReset(parseResetInput({ groupId: 'email', topics: [{ topic: 'orders' }], strategy: 'earliest' }), w.deps);
    expect(result.outcome).toBe(RESET_OUTCOME.dryRun);
    expect(result.plan?.partitions.map((p) => p.target)).toEqual([0n, 0n, 0n]);
    expect(w.kafka.calls).not.toContain('alterConsumerGroupOffsets');
    expect(w.lambda.calls).toEqual([]);
    expect(w.audit.puts).toEqual([]);
    expect(w.log.lines).toEqual([expect.objectContaining({ level: 'info', message: 'offset reset dry run', attributes: expect.objectContaining({ groupId: 'email', partitions: 3 }) })]);
  });
});
