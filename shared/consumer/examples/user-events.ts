import * as z from 'zod/mini';
import type { KafkaRecord } from '../../events/index.ts';
import { decodeJsonPayload } from './payload.ts';

/** The event types the example consumers know; others are counted and audited, not e-mailed. */
export const USER_EVENT_TYPES = {
  REGISTERED: 'user.registered',
  UPDATED: 'user.updated',
  LOGGED_IN: 'user.login',
  DELETED: 'user.deleted',
} as const;

/**
 * Every record of the `user-events` topic (3 partitions, keyed by `userId`). The type is any
 * dotted name, so a new event type reaches analytics and audit without a deployment.
 *
 * @example
 * userEventSchema.parse({ eventId: 'e-1', type: 'user.login', userId: 'u-1', occurredAt: '2026-01-01T00:00:00Z' });
 */
export const userEventSchema = z.object({
  eventId: z.string().check(z.minLength(1), z.maxLength(128)),
  type: z.string().check(z.regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, 'must be a dotted lower-case name such as "user.registered"')),
  userId: z.string().check(z.minLength(1), z.maxLength(128)),
  occurredAt: z.iso.datetime({ offset: true }),
});

/** A `user.registered` event: what the welcome e-mail needs. */
export const userRegisteredSchema = z.extend(userEventSchema, {
  type: z.literal(USER_EVENT_TYPES.REGISTERED),
  email: z.email(),
  name: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
});

export type UserEvent = z.output<typeof userEventSchema>;
export type UserRegistered = z.output<typeof userRegisteredSchema>;

// Several steps read a record's event (filter, business key, handler): decode it once per
// record object. A WeakMap keeps nothing alive beyond the invocation's records.
const decoded = new WeakMap<KafkaRecord, UserEvent>();

/**
 * The user event of a record (decoded once per record); an invalid one throws `PoisonRecordError`.
 *
 * @example
 * if (decodeUserEvent(record).type === USER_EVENT_TYPES.REGISTERED) sendWelcome(decodeUserRegistered(record));
 */
export function decodeUserEvent(record: KafkaRecord): UserEvent {
  let event = decoded.get(record);
  if (event === undefined) {
    event = decodeJsonPayload(record, userEventSchema, 'valid user event');
    decoded.set(record, event);
  }
  return event;
}

/**
 * The `user.registered` event of a record; anything else throws `PoisonRecordError`.
 *
 * @example
 * const { userId, email } = decodeUserRegistered(record);
 */
export function decodeUserRegistered(record: KafkaRecord): UserRegistered {
  return decodeJsonPayload(record, userRegisteredSchema, 'valid user.registered event');
}
