import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createEmailServiceHandler } from '../../../functions/email-service/app.ts';
import { freshName } from '../support/kafka.ts';
import { eventOf, lambdaContext, MemoryLogger, recordAt, tablesPerTest, userEvent } from './support.ts';

const TOPIC = 'user-events';
const registered = (userId: string) => userEvent('user.registered', userId, { email: `${userId}@example.com` });

/** Registrations of 12 users over 3 partitions, a login between each, and one user registered twice. */
function registrations() {
  const records = [0, 1, 2].flatMap((partition) =>
    Array.from({ length: 8 }, (_, offset) => recordAt(TOPIC, partition, offset, offset % 2 === 0 ? registered(`u-${partition}-${offset}`) : userEvent('user.login', `u-${partition}-${offset - 1}`))),
  );
  records.push(recordAt(TOPIC, 0, 8, registered('u-0-0')));
  return eventOf(records);
}

function usersOf(items: Array<Record<string, { S?: string }>>): string[] {
  return items.map((item) => item.userId?.S ?? '').sort();
}

const EXPECTED_USERS = [0, 1, 2].flatMap((p) => [0, 2, 4, 6].map((o) => `u-${p}-${o}`)).sort();

describe('the composed consumer with business keys on DynamoDB', () => {
  const tables = tablesPerTest();

  it('has exactly one of two invocations racing on the same event send each e-mail', async () => {
    const outbox = await tables.create('outbox');
    const env = { SCG_GROUP_ID: freshName('email'), SCG_IDEMPOTENCY: 'key', SCG_IDEMPOTENCY_TABLE: tables.idempotency, EMAIL_OUTBOX_TABLE: outbox, SCG_REPORT_BATCH_ITEM_FAILURES: 'true' };
    // Two execution environments: separate handlers, clients and stores, one table.
    const first = createEmailServiceHandler({ env, logger: new MemoryLogger(), metrics: false });
    const second = createEmailServiceHandler({ env, logger: new MemoryLogger(), metrics: false });
    const event = registrations();

    const responses = await Promise.all([first(event, lambdaContext('A')), second(event, lambdaContext('B'))]);
    // Whatever the race left for retry (keys held by the other invocation) is retried.
    let retries = 0;
    while (responses.some((r) => r.batchItemFailures.length > 0) && retries < 5) {
      retries += 1;
      responses.splice(0, responses.length, await first(event, lambdaContext(`retry-${retries}`)));
    }

    expect(responses.at(-1)).toEqual({ batchItemFailures: [] });
    expect(usersOf(await tables.scan(outbox))).toEqual(EXPECTED_USERS);
  });

  it('sends each e-mail once when a batch is replayed after a failure part-way', async () => {
    const outbox = await tables.create('outbox');
    const client = new DynamoDBClient({});
    let puts = 0;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'PutItemCommand' && ++puts === 5) throw Object.assign(new Error('We encountered an internal error'), { name: 'InternalServerError' });
        return next(args);
      },
      { step: 'initialize', name: 'failOnePut' },
    );
    const handler = createEmailServiceHandler({
      client,
      env: { SCG_GROUP_ID: freshName('email'), SCG_IDEMPOTENCY_TABLE: tables.idempotency, EMAIL_OUTBOX_TABLE: outbox, SCG_REPORT_BATCH_ITEM_FAILURES: 'true' },
      logger: new MemoryLogger(),
      metrics: false,
    });
    const event = registrations();

    const first = await handler(event, lambdaContext('first'));
    const replay = await handler(event, lambdaContext('replay'));

    expect(first.batchItemFailures).toHaveLength(1);
    expect(replay).toEqual({ batchItemFailures: [] });
    expect(usersOf(await tables.scan(outbox))).toEqual(EXPECTED_USERS);
  });
});
