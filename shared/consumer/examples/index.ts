// Payload types of the seed scenario's topics and the small DynamoDB helpers the example
// consumers share (functions/order-processing, email-service, analytics-service,
// audit-service). Not part of the library proper: a separate entry point, so a function that
// only needs `kafkaConsumer` does not load these.
export { batchWriteAll, BATCH_WRITE_MAX_ITEMS, EXAMPLE_KEYS, ExampleStoreError, tableFromEnv } from './dynamodb.ts';
export type { DynamoItem } from './dynamodb.ts';
export { passThrough } from './options.ts';
export type { ExampleConsumerOptions } from './options.ts';
export { decodeOrderEvent, ORDER_STATUSES, orderEventSchema } from './order-events.ts';
export type { OrderEvent } from './order-events.ts';
export { decodeJsonPayload } from './payload.ts';
export { decodeUserEvent, decodeUserRegistered, USER_EVENT_TYPES, userEventSchema, userRegisteredSchema } from './user-events.ts';
export type { UserEvent, UserRegistered } from './user-events.ts';
