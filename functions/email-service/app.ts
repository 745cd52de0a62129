// email-service-group on `user-events`: "sends" a welcome e-mail for each `user.registered`
// event by recording an outbox item (a mail sender drains the outbox). Sending twice is the
// one thing it must never do, so it uses business-key idempotency on the user id: a user gets
// one welcome e-mail even when the same registration is published twice (different offsets,
// which watermarks cannot see), redelivered, or processed by two invocations at once.
import { randomUUID } from 'node:crypto';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { KafkaRecord } from '../../shared/events/index.ts';
import { kafkaConsumer } from '../../shared/consumer/index.ts';
import type { ConsumerHandler } from '../../shared/consumer/index.ts';
import { decodeUserEvent, decodeUserRegistered, passThrough, tableFromEnv, USER_EVENT_TYPES } from '../../shared/consumer/examples/index.ts';
import type { ExampleConsumerOptions } from '../../shared/consumer/examples/index.ts';

/** The variable naming the outbox table (`pk` S = message id, one item per e-mail). */
export const EMAIL_OUTBOX_TABLE_VARIABLE = 'EMAIL_OUTBOX_TABLE';

/** The business key of a welcome e-mail: one per user, ever (within the key's TTL). */
export function welcomeEmailKey(record: KafkaRecord): string {
  return `welcome-email#${decodeUserEvent(record).userId}`;
}

/**
 * The email-service handler. Configuration is read when this is called (cold start).
 *
 * @example
 * export const handler = createEmailServiceHandler();
 */
export function createEmailServiceHandler(options: ExampleConsumerOptions = {}): ConsumerHandler {
  const env = options.env ?? process.env;
  const tableName = tableFromEnv(env, EMAIL_OUTBOX_TABLE_VARIABLE);
  const client = options.client ?? new DynamoDBClient({});
  return kafkaConsumer({
    ...passThrough(options),
    env,
    // Only registrations claim a key; logins and tombstones pass by without store requests.
    filter: (record) => !record.isTombstone && decodeUserEvent(record).type === USER_EVENT_TYPES.REGISTERED,
    idempotency: { mode: 'key', key: welcomeEmailKey, ...options.idempotency },
    recordHandler: async (record, { logger }) => {
      const user = decodeUserRegistered(record);
      const messageId = randomUUID();
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: {
            pk: { S: messageId },
            template: { S: 'welcome' },
            userId: { S: user.userId },
            to: { S: user.email },
            ...(user.name === undefined ? {} : { name: { S: user.name } }),
            status: { S: 'PENDING' },
            eventId: { S: user.eventId },
            sourceTopic: { S: record.topic },
            sourcePartition: { N: String(record.partition) },
            sourceOffset: { N: record.offset.toString() },
          },
          // A fresh message id never exists; the condition only guards against a uuid clash.
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      logger.info('welcome e-mail queued', { userId: user.userId, messageId });
    },
  });
}
