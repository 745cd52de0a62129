// analytics-service-group on `user-events`: counts events per type with DynamoDB's atomic
// counter (UpdateItem ADD). ADD is not idempotent: each redelivered record would count twice.
// Offset watermarks make the counts exact at O(partitions) store requests per batch: records
// at or below a partition's watermark are skipped, and a failure mid-partition advances the
// watermark to just before the failed record, so a replay counts only what was not counted.
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { kafkaConsumer } from '../../shared/consumer/index.ts';
import type { ConsumerHandler } from '../../shared/consumer/index.ts';
import { decodeUserEvent, passThrough, tableFromEnv } from '../../shared/consumer/examples/index.ts';
import type { ExampleConsumerOptions } from '../../shared/consumer/examples/index.ts';

/** The variable naming the counts table (`pk` S = event type, `count` N). */
export const ANALYTICS_TABLE_VARIABLE = 'ANALYTICS_TABLE';

/**
 * The analytics-service handler. Configuration is read when this is called (cold start).
 *
 * @example
 * export const handler = createAnalyticsServiceHandler();
 */
export function createAnalyticsServiceHandler(options: ExampleConsumerOptions = {}): ConsumerHandler {
  const env = options.env ?? process.env;
  const tableName = tableFromEnv(env, ANALYTICS_TABLE_VARIABLE);
  const client = options.client ?? new DynamoDBClient({});
  return kafkaConsumer({
    ...passThrough(options),
    env,
    ...(options.idempotency === undefined ? {} : { idempotency: options.idempotency }),
    // A tombstone is no event: nothing to count.
    filter: (record) => !record.isTombstone,
    recordHandler: async (record) => {
      const event = decodeUserEvent(record);
      await client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: { pk: { S: event.type } },
          UpdateExpression: 'ADD #count :one SET #lastEventAt = :at',
          ExpressionAttributeNames: { '#count': 'count', '#lastEventAt': 'lastEventAt' },
          ExpressionAttributeValues: { ':one': { N: '1' }, ':at': { S: event.occurredAt } },
        }),
      );
    },
  });
}
