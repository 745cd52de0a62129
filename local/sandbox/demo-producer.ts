// `npm start -- --produce RATE`: the seed's traffic. Orders to order-events (keyed by
// customer, so one customer's orders stay in order), user events to user-events (keyed by
// user). One order in 97 is invalid on purpose, to show dead-lettering.
import { Producer } from '@platformatic/kafka';

const EVENT_TYPES = ['user.registered', 'user.login', 'user.updated', 'user.deleted'] as const;
const STATUSES = ['CREATED', 'PAID', 'SHIPPED', 'CANCELLED'] as const;

/**
 * The `n`th demo order, in the shape of shared/consumer/examples/order-events.ts. Every 97th
 * is poison on purpose (no items, a negative total), to show dead-lettering.
 */
export function demoOrder(n: number): Record<string, unknown> {
  const invalid = n % 97 === 0;
  const quantity = 1 + (n % 3);
  const unitPriceCents = 999;
  return {
    orderId: `order-${n}`,
    customerId: `customer-${n % 17}`,
    status: STATUSES[Math.floor(n / 2) % STATUSES.length],
    items: invalid ? [] : [{ sku: `sku-${n % 11}`, quantity, unitPriceCents }],
    totalCents: invalid ? -1 : quantity * unitPriceCents,
    currency: 'EUR',
    occurredAt: new Date().toISOString(),
  };
}

/** The `n`th demo user event, in the shape of shared/consumer/examples/user-events.ts. */
export function demoUserEvent(n: number): { eventId: string; type: string; userId: string; email: string; occurredAt: string } {
  const userId = `user-${n % 29}`;
  return { eventId: `evt-${n}`, type: EVENT_TYPES[n % EVENT_TYPES.length]!, userId, email: `${userId}@example.com`, occurredAt: new Date().toISOString() };
}

export interface DemoProducer {
  readonly sent: () => number;
  stop(): Promise<void>;
}

export function startDemoProducer(brokers: string[], ratePerSecond: number, log: (line: string) => void): DemoProducer {
  const producer = new Producer({ clientId: 'sandbox-demo-producer', bootstrapBrokers: brokers, idempotent: true });
  let sent = 0;
  let n = 0;
  let stopped = false;
  const tickMs = 100;
  const perTick = Math.max(1, Math.round((ratePerSecond * tickMs) / 1000));
  const timer = setInterval(() => {
    if (stopped) return;
    const messages = Array.from({ length: perTick }, () => {
      n++;
      if (n % 2 === 0) {
        const customer = `customer-${n % 17}`;
        const order = demoOrder(n);
        return { topic: 'order-events', key: Buffer.from(customer), value: Buffer.from(JSON.stringify(order)) };
      }
      const event = demoUserEvent(n);
      return { topic: 'user-events', key: Buffer.from(event.userId), value: Buffer.from(JSON.stringify(event)) };
    });
    producer
      .send({ messages })
      .then(() => (sent += messages.length))
      .catch((error: Error) => log(`demo producer: ${error.message}`));
  }, tickMs);
  return {
    sent: () => sent,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await producer.close().catch(() => undefined);
    },
  };
}
