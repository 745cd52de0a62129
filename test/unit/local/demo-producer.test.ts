import * as z from 'zod/mini';
import { demoOrder, demoUserEvent } from '../../../local/sandbox/demo-producer.ts';
import { orderEventSchema, USER_EVENT_TYPES, userEventSchema, userRegisteredSchema } from '../../../shared/consumer/examples/index.ts';

// The sandbox's traffic must be what the seed's consumers accept: when it was not, every demo
// order went to the on-failure destination and the demo showed nothing but poison.
describe('the sandbox demo traffic', () => {
  const orders = Array.from({ length: 400 }, (_, i) => [i, demoOrder(i)] as const);

  it('produces valid order events, except one in 97 on purpose', () => {
    const invalid = orders.filter(([, order]) => !z.safeParse(orderEventSchema, order).success).map(([n]) => n);
    expect(invalid).toEqual([0, 97, 194, 291, 388]);
  });

  it('reports every order status', () => {
    expect(new Set(orders.map(([, order]) => order.status))).toEqual(new Set(['CREATED', 'PAID', 'SHIPPED', 'CANCELLED']));
  });

  it('produces valid user events, registrations with their e-mail', () => {
    const events = Array.from({ length: 40 }, (_, i) => demoUserEvent(i));
    expect(events.filter((e) => !z.safeParse(userEventSchema, e).success)).toEqual([]);
    const registrations = events.filter((e) => e.type === USER_EVENT_TYPES.REGISTERED);
    expect(registrations.length).toBeGreaterThan(0);
    expect(registrations.filter((e) => !z.safeParse(userRegisteredSchema, e).success)).toEqual([]);
  });
});
