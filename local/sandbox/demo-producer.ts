// `npm start -- --produce RATE`: the seed's traffic. Orders to order-events (keyed by
// customer, so one customer's orders stay in order), user events to user-events (keyed by
// user). A small share of orders is invalid on purpose, to show dead-lettering.
import { Producer } from '@platformatic/kafka';

const EVENT_TYPES = ['user.registered', 'user.login', 'user.profile_updated', 'user.logout'] as const;

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
        const invalid = n % 97 === 0; // a poison order now and then
        const order = {
          orderId: `order-${n}`,
          customerId: customer,
          items: invalid ? [] : [{ sku: `sku-${n % 11}`, quantity: 1 + (n % 3), unitPrice: 9.99 }],
          total: invalid ? -1 : Number((9.99 * (1 + (n % 3))).toFixed(2)),
          currency: 'EUR',
          createdAt: new Date().toISOString(),
        };
        return { topic: 'order-events', key: Buffer.from(customer), value: Buffer.from(JSON.stringify(order)) };
      }
      const userId = `user-${n % 29}`;
      const type = EVENT_TYPES[n % EVENT_TYPES.length]!;
      const event = { eventId: `evt-${n}`, type, userId, email: `${userId}@example.com`, occurredAt: new Date().toISOString() };
      return { topic: 'user-events', key: Buffer.from(userId), value: Buffer.from(JSON.stringify(event)) };
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
