// order-processing-group on `order-events`: validates each order (zod) and stores its latest
// state in DynamoDB. Uses the seed's batch-of-100 pattern: a chunk handler (SCG_CHUNK_SIZE,
// default 100) writes each chunk with BatchWriteItem in requests of 25, so a batch of 100
// orders costs 4 DynamoDB requests instead of 100. Storing an order is a put keyed by the
// order id (a replay rewrites the same item), so offset watermarks are all the idempotency
// it needs: O(partitions) store requests per batch, where business keys would add two writes
// per order and defeat the batching. See README.md.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ChunkRecordError } from '../../shared/batch/index.ts';
import type { KafkaRecord } from '../../shared/events/index.ts';
import { kafkaConsumer } from '../../shared/consumer/index.ts';
import type { ConsumerHandler } from '../../shared/consumer/index.ts';
import { batchWriteAll, decodeOrderEvent, passThrough, tableFromEnv } from '../../shared/consumer/examples/index.ts';
import type { DynamoItem, ExampleConsumerOptions, OrderEvent } from '../../shared/consumer/examples/index.ts';

/** The variable naming the orders table (`pk` S = order id). */
export const ORDERS_TABLE_VARIABLE = 'ORDERS_TABLE';

function orderItem(order: OrderEvent, record: KafkaRecord): DynamoItem {
  return {
    pk: { S: order.orderId },
    customerId: { S: order.customerId },
    status: { S: order.status },
    totalCents: { N: String(order.totalCents) },
    currency: { S: order.currency },
    items: { S: JSON.stringify(order.items) },
    occurredAt: { S: order.occurredAt },
    sourceTopic: { S: record.topic },
    sourcePartition: { N: String(record.partition) },
    sourceOffset: { N: record.offset.toString() },
  };
}

/**
 * The order-processing handler. Configuration is read when this is called (cold start).
 *
 * @example
 * export const handler = createOrderProcessingHandler();
 */
export function createOrderProcessingHandler(options: ExampleConsumerOptions = {}): ConsumerHandler {
  const env = options.env ?? process.env;
  const tableName = tableFromEnv(env, ORDERS_TABLE_VARIABLE);
  const client = options.client ?? new DynamoDBClient({});
  // One item per order and request: BatchWriteItem refuses a request naming a key twice, and
  // the last event of an order in the chunk is its latest state (one order's events share a
  // partition, so they arrive in order).
  const store = async (latest: Map<string, DynamoItem>): Promise<void> => {
    if (latest.size > 0) await batchWriteAll(client, tableName, [...latest.values()]);
  };
  return kafkaConsumer({
    ...passThrough(options),
    env,
    // A chunk handler cannot use business keys (they run per record): watermarks, always.
    idempotency: { mode: 'watermark', ...options.idempotency },
    chunkHandler: async (records, { logger }) => {
      const latest = new Map<string, DynamoItem>();
      for (const record of records) {
        let order: OrderEvent;
        try {
          order = decodeOrderEvent(record);
        } catch (error) {
          // Store the valid orders before it, then name the poison record: the batch module
          // dead-letters it and carries on after it.
          await store(latest);
          throw new ChunkRecordError(record.offset, error);
        }
        latest.set(order.orderId, orderItem(order, record));
      }
      await store(latest);
      logger.debug('orders stored', { records: records.length, orders: latest.size });
    },
  });
}
