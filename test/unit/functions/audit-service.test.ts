import { createAuditServiceHandler } from '../../../functions/audit-service/app.ts';
import { eventOf, FakeDynamoDb, lambdaContext, recordAt, testOptions, userEvent } from './support.ts';

// Idempotency off on purpose: the audit trail is naturally idempotent.
const ENV = { SCG_GROUP_ID: 'audit-service-group', AUDIT_TABLE: 'audit', SCG_IDEMPOTENCY: 'off', SCG_REPORT_BATCH_ITEM_FAILURES: 'true' };
const at = (partition: number, offset: number, value: unknown) => recordAt('user-events', partition, offset, value);

describe('audit-service', () => {
  it('appends one audit item per record, keyed by topic-partition and offset, whatever the payload', async () => {
    const fake = new FakeDynamoDb();
    const handler = createAuditServiceHandler(testOptions(fake, ENV));

    const response = await handler(eventOf([at(0, 41, userEvent('user.login', 'u-1')), at(0, 42, null), at(2, 7, 'garbage')]), lambdaContext());

    expect(response).toEqual({ batchItemFailures: [] });
    const items = fake.items('audit').map((item) => [item.pk?.S, item.sk?.N, item.eventType?.S, item.userId?.S]);
    expect(items.sort()).toEqual([
      ['user-events-0', '41', 'user.login', 'u-1'],
      ['user-events-0', '42', '(tombstone)', undefined],
      ['user-events-2', '7', '(invalid)', undefined],
    ]);
  });

  it('is naturally idempotent: a redelivery rewrites the very same items', async () => {
    const fake = new FakeDynamoDb();
    const handler = createAuditServiceHandler(testOptions(fake, ENV));
    const event = eventOf(Array.from({ length: 60 }, (_, offset) => at(offset % 3, offset, userEvent('user.updated', `u-${offset}`))));

    await handler(event, lambdaContext());
    const first = structuredClone(fake.items('audit'));
    await handler(event, lambdaContext());

    expect(fake.items('audit')).toHaveLength(60);
    expect(fake.items('audit')).toEqual(first);
    expect(fake.count('BatchWriteItemCommand')).toBe(6);
  });
});
