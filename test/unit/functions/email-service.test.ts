import { InMemoryIdempotencyStore } from '../../../shared/idempotency/index.ts';
import { createEmailServiceHandler } from '../../../functions/email-service/app.ts';
import { eventOf, FakeDynamoDb, lambdaContext, MemorySink, recordAt, testOptions, userEvent } from './support.ts';

const ENV = { SCG_GROUP_ID: 'email-service-group', EMAIL_OUTBOX_TABLE: 'outbox', SCG_REPORT_BATCH_ITEM_FAILURES: 'true' };
const at = (partition: number, offset: number, value: unknown) => recordAt('user-events', partition, offset, value);
const registered = (userId: string) => userEvent('user.registered', userId, { email: `${userId}@example.com`, name: `User ${userId}` });

function setup() {
  const fake = new FakeDynamoDb();
  const store = new InMemoryIdempotencyStore();
  const sink = new MemorySink();
  const handler = createEmailServiceHandler({ ...testOptions(fake, ENV), idempotency: { store }, deadLetter: sink });
  return { fake, store, sink, handler };
}

describe('email-service', () => {
  it('queues one welcome e-mail per registration in the outbox and ignores other events', async () => {
    const { fake, store, handler } = setup();
    const event = eventOf([at(0, 0, registered('u-1')), at(0, 1, userEvent('user.login', 'u-1')), at(1, 0, registered('u-2')), at(1, 1, null)]);

    const response = await handler(event, lambdaContext());

    expect(response).toEqual({ batchItemFailures: [] });
    const outbox = fake.items('outbox').map((item) => [item.userId?.S, item.to?.S, item.template?.S, item.status?.S]);
    expect(outbox.sort()).toEqual([
      ['u-1', 'u-1@example.com', 'welcome', 'PENDING'],
      ['u-2', 'u-2@example.com', 'welcome', 'PENDING'],
    ]);
    // Only the two registrations touched the idempotency store: one read, two claims, two completions.
    expect(store.requestCounts).toEqual({ BatchGetItem: 1, UpdateItem: 0, PutItem: 4, DeleteItem: 0 });
  });

  it('never sends a user two welcome e-mails: republished, redelivered or both', async () => {
    const { fake, handler } = setup();
    const event = eventOf([at(0, 0, registered('u-1')), at(0, 7, registered('u-1'))]);

    await handler(event, lambdaContext());
    await handler(event, lambdaContext());
    await handler(eventOf([at(0, 9, registered('u-1'))]), lambdaContext());

    expect(fake.items('outbox')).toHaveLength(1);
  });

  it('never sends twice when two invocations race on the same registration', async () => {
    const { fake, handler } = setup();
    const event = eventOf([at(0, 0, registered('u-1')), at(1, 0, registered('u-2'))]);

    const responses = await Promise.all([handler(event, lambdaContext('A')), handler(event, lambdaContext('B'))]);
    await handler(event, lambdaContext('retry'));

    expect(fake.items('outbox').map((item) => item.userId?.S).sort()).toEqual(['u-1', 'u-2']);
    expect(responses).toHaveLength(2);
  });

  it('dead-letters a registration without a valid address', async () => {
    const { fake, sink, handler } = setup();

    await handler(eventOf([at(0, 0, userEvent('user.registered', 'u-1', { email: 'not-an-address' })), at(0, 1, '{oops')]), lambdaContext());

    expect(fake.items('outbox')).toEqual([]);
    expect(sink.entries.map((entry) => [entry.offset, entry.error.name])).toEqual([
      ['0', 'PoisonRecordError'],
      ['1', 'PoisonRecordError'],
    ]);
    expect(sink.entries[0]?.error.message).toMatch(/email/);
  });

  it('sends on the retry when the outbox write failed the first time', async () => {
    const { fake, handler } = setup();
    fake.failures.push({ command: 'PutItemCommand', error: Object.assign(new Error('service unavailable'), { name: 'InternalServerError' }), count: 1 });
    const event = eventOf([at(0, 0, registered('u-1'))]);

    const failed = await handler(event, lambdaContext());
    const retried = await handler(event, lambdaContext());

    expect(failed).toEqual({ batchItemFailures: [{ itemIdentifier: { partition: 'user-events-0', offset: 0 } }] });
    expect(retried).toEqual({ batchItemFailures: [] });
    expect(fake.items('outbox')).toHaveLength(1);
  });
});
