import { createOffsetResetHandler, offsetResetConfigFromEnv, type LambdaContext } from '../../../functions/offset-reset/app.ts';
import { OffsetResetInputError, ResetConfigError } from '../../../shared/offset-reset/index.ts';
import { FakeKafka, FakeLambda, MemoryAudit, MemoryLogger } from './fakes.ts';

const context = (remainingMs = 900_000): LambdaContext => ({
  awsRequestId: 'req-1',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:offset-reset',
  getRemainingTimeInMillis: () => remainingMs,
});

const config = offsetResetConfigFromEnv({ SCG_AUDIT_TABLE: 'audit', SCG_BOOTSTRAP_SERVERS: '127.0.0.1:9092' });

function setup() {
  const kafka = new FakeKafka().addUniformTopic('orders', 2, 10).commit('email', 'orders', 0, 7n);
  const lambda = new FakeLambda(kafka);
  const audit = new MemoryAudit();
  const handler = createOffsetResetHandler(config, { admin: kafka, lambda: lambda.client(), audit, logger: new MemoryLogger(), pollIntervalMs: 1 });
  return { kafka, audit, handler };
}

describe('offset-reset handler', () => {
  it('reads its configuration from the environment, naming a missing variable', () => {
    expect(config).toEqual({ auditTable: 'audit', groupsInclude: undefined, cluster: { type: 'self-managed', bootstrapServers: '127.0.0.1:9092', auth: 'none' } });
    expect(() => offsetResetConfigFromEnv({ SCG_BOOTSTRAP_SERVERS: '127.0.0.1:9092' })).toThrow(ResetConfigError);
    expect(() => offsetResetConfigFromEnv({ SCG_BOOTSTRAP_SERVERS: '127.0.0.1:9092' })).toThrow(/SCG_AUDIT_TABLE/);
  });

  it('answers a dry run with offsets as strings', async () => {
    const { handler } = setup();
    const out = (await handler({ groupId: 'email', topics: [{ topic: 'orders' }], strategy: 'latest' }, context())) as { outcome: string; plan: { partitions: { committed?: string; target: string }[] } };
    expect(out.outcome).toBe('DRY_RUN');
    expect(out.plan.partitions.map((p) => [p.committed, p.target])).toEqual([
      ['7', '10'],
      [undefined, '10'],
    ]);
  });

  it('executes and audits with the invocation\'s request id', async () => {
    const { handler, audit, kafka } = setup();
    const out = (await handler({ groupId: 'email', topics: [{ topic: 'orders' }], strategy: 'earliest', execute: true, reason: 'replay' }, context())) as { outcome: string };
    expect(out.outcome).toBe('SUCCEEDED');
    expect(kafka.committedOf('email', 'orders', 1)).toBe(0n);
    expect(audit.puts.at(-1)?.entry).toMatchObject({ requestedBy: 'unknown', invocation: { awsRequestId: 'req-1' } });
  });

  it('routes describe and deleteOffsets', async () => {
    const { handler, kafka } = setup();
    expect(await handler({ action: 'describe', groupId: 'email' }, context())).toMatchObject({ state: 'Empty', totalLag: '3' });
    expect(await handler({ action: 'deleteOffsets', groupId: 'email', topics: [{ topic: 'orders' }], reason: 'retired' }, context())).toMatchObject({ outcome: 'SUCCEEDED' });
    expect(kafka.committedOf('email', 'orders', 0)).toBeUndefined();
  });

  it('refuses an execution that cannot finish restoring within the invocation, before changing anything', async () => {
    const { handler, kafka } = setup();
    const call = handler({ groupId: 'email', allTopics: true, strategy: 'earliest', execute: true, reason: 'replay' }, context(200_000));
    await expect(call).rejects.toBeInstanceOf(OffsetResetInputError);
    await expect(call).rejects.toThrow(/timeoutSeconds: 180 s to pause \+ 120 s to restore/);
    expect(kafka.calls).toEqual([]);
  });

  it('changes only the groups of SCG_GROUPS_INCLUDE, and describes any', async () => {
    const kafka = new FakeKafka().addUniformTopic('orders', 1, 10).commit('email', 'orders', 0, 7n);
    const only = offsetResetConfigFromEnv({ SCG_AUDIT_TABLE: 'audit', SCG_BOOTSTRAP_SERVERS: '127.0.0.1:9092', SCG_GROUPS_INCLUDE: 'billing, audit' });
    const handler = createOffsetResetHandler(only, { admin: kafka, lambda: new FakeLambda(kafka).client(), audit: new MemoryAudit(), logger: new MemoryLogger() });
    await expect(handler({ groupId: 'email', allTopics: true, strategy: 'latest' }, context())).rejects.toThrow(/groupId: 'email' is not one of the groups this function manages/);
    expect(await handler({ action: 'describe', groupId: 'email' }, context())).toMatchObject({ groupId: 'email' });
  });

  it('rejects bad input naming the field', async () => {
    const { handler } = setup();
    await expect(handler({ groupId: 'email', allTopics: true, strategy: { toOffset: -3 } }, context())).rejects.toThrow(/strategy\.toOffset/);
  });
});
