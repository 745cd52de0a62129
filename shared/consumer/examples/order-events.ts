import * as z from 'zod/mini';
import type { KafkaRecord } from '../../events/index.ts';
import { decodeJsonPayload } from './payload.ts';

/** Lifecycle states an order event reports. */
export const ORDER_STATUSES = ['CREATED', 'PAID', 'SHIPPED', 'CANCELLED'] as const;

const orderItemSchema = z.object({
  sku: z.string().check(z.minLength(1), z.maxLength(64)),
  quantity: z.number().check(z.int(), z.minimum(1), z.maximum(10_000)),
  unitPriceCents: z.number().check(z.int(), z.minimum(0)),
});

/**
 * A record of the `order-events` topic (6 partitions, keyed by `orderId` so one order's events
 * stay in order). `z.object`, not `z.strictObject`: producers may add fields before consumers
 * learn them, and an extra field must not turn a good order into poison.
 *
 * @example
 * const order = orderEventSchema.parse({ orderId: 'o-1', customerId: 'c-1', status: 'CREATED',
 *   items: [{ sku: 'book', quantity: 1, unitPriceCents: 1299 }], totalCents: 1299, currency: 'EUR',
 *   occurredAt: '2026-01-01T00:00:00Z' });
 */
export const orderEventSchema = z
  .object({
    orderId: z.string().check(z.minLength(1), z.maxLength(128)),
    customerId: z.string().check(z.minLength(1), z.maxLength(128)),
    status: z.enum(ORDER_STATUSES),
    items: z.array(orderItemSchema).check(z.minLength(1), z.maxLength(1_000)),
    totalCents: z.number().check(z.int(), z.minimum(0)),
    currency: z.string().check(z.regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as "EUR"')),
    occurredAt: z.iso.datetime({ offset: true }),
  })
  .check(
    z.refine((order) => order.items.reduce((sum, item) => sum + item.quantity * item.unitPriceCents, 0) === order.totalCents, {
      path: ['totalCents'],
      message: 'must equal the sum of quantity × unitPriceCents over the items',
    }),
  );

/** One order event. */
export type OrderEvent = z.output<typeof orderEventSchema>;

/**
 * The order event of a record; an invalid one throws `PoisonRecordError`.
 *
 * @example
 * const order = decodeOrderEvent(record);
 */
export function decodeOrderEvent(record: KafkaRecord): OrderEvent {
  return decodeJsonPayload(record, orderEventSchema, 'valid order event');
}
