// The edge of the module: input is checked once, here, then trusted by every strategy.
import { z } from 'zod';
import { ASSIGNOR_ERROR_CODES, STRATEGY_ALIASES, STRATEGY_NAMES } from './constants.ts';
import { createContext } from './context.ts';
import type { AssignContext } from './context.ts';
import { AssignorError } from './errors.ts';
import type { AssignmentInput, StrategyName } from './types.ts';

const topicPartitionsSchema = z.strictObject({
  topic: z.string().min(1),
  partitions: z.array(z.number().int().nonnegative()),
});

const memberSchema = z.strictObject({
  memberId: z.string().min(1),
  topics: z.array(z.string().min(1)),
  // Not `instanceof`: a Buffer or Uint8Array from another realm (vm contexts, test runners) is
  // still bytes.
  userData: z
    .custom<Uint8Array>((value) => Object.prototype.toString.call(value) === '[object Uint8Array]', 'expected bytes (a Uint8Array)')
    .optional(),
  ownedPartitions: z.array(topicPartitionsSchema).optional(),
  generation: z.number().int().min(-1).optional(),
});

const inputSchema = z.strictObject({
  members: z.array(memberSchema),
  // Integer check only: zero and negative counts get their own messages below.
  topics: z.array(z.strictObject({ topic: z.string().min(1), partitions: z.number().int() })),
});

/** `members[2].topics[0]`-style path of a zod issue. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : text === '' ? String(key) : `${text}.${String(key)}`),
    '',
  );
}

/** Throws `AssignorError(INVALID_INPUT)` naming every bad field of a zod failure. */
export function throwInvalid(subject: string, error: z.ZodError): never {
  const details = error.issues.map((issue) => `${issuePath(issue.path) || '<root>'}: ${issue.message}`).join('; ');
  throw new AssignorError(`invalid ${subject}: ${details}`, { code: ASSIGNOR_ERROR_CODES.INVALID_INPUT, cause: error });
}

/**
 * Validates an assignment input and indexes it.
 *
 * @throws AssignorError `INVALID_INPUT`, `NO_MEMBERS`, `DUPLICATE_MEMBER`, `DUPLICATE_TOPIC`,
 *   `ZERO_PARTITIONS`.
 */
export function validateInput(input: AssignmentInput): AssignContext {
  const parsed = inputSchema.safeParse(input);
  if (!parsed.success) throwInvalid('assignment input', parsed.error);
  const { members, topics } = parsed.data;
  if (members.length === 0) {
    throw new AssignorError('members: the group has no members to assign partitions to', {
      code: ASSIGNOR_ERROR_CODES.NO_MEMBERS,
    });
  }
  const ids = new Set<string>();
  members.forEach((member, index) => {
    if (ids.has(member.memberId)) {
      throw new AssignorError(`members[${index}].memberId: duplicate member id "${member.memberId}"`, {
        code: ASSIGNOR_ERROR_CODES.DUPLICATE_MEMBER,
      });
    }
    ids.add(member.memberId);
  });
  const counts = new Map<string, number>();
  topics.forEach(({ topic, partitions }, index) => {
    if (counts.has(topic)) {
      throw new AssignorError(`topics[${index}].topic: topic "${topic}" is listed twice`, {
        code: ASSIGNOR_ERROR_CODES.DUPLICATE_TOPIC,
      });
    }
    if (partitions === 0) {
      throw new AssignorError(`topics[${index}].partitions: topic "${topic}" has 0 partitions; a topic has at least 1`, {
        code: ASSIGNOR_ERROR_CODES.ZERO_PARTITIONS,
      });
    }
    if (partitions < 0) {
      throw new AssignorError(`topics[${index}].partitions: must be a positive integer, got ${partitions}`, {
        code: ASSIGNOR_ERROR_CODES.INVALID_INPUT,
      });
    }
    counts.set(topic, partitions);
  });
  // Use the caller's objects (zod copies arrays) so user data is not duplicated.
  return createContext(input.members, counts);
}

/**
 * Resolves a strategy name or alias (`round-robin`, `cooperative`) to its Kafka protocol name.
 *
 * @throws AssignorError `UNKNOWN_STRATEGY` naming the accepted values.
 * @example
 * parseStrategy('round-robin'); // 'roundrobin'
 */
export function parseStrategy(name: string): StrategyName {
  const normalized = name.trim().toLowerCase();
  if ((STRATEGY_NAMES as readonly string[]).includes(normalized)) return normalized as StrategyName;
  // hasOwn: "constructor" and friends are not strategies.
  if (Object.hasOwn(STRATEGY_ALIASES, normalized)) return STRATEGY_ALIASES[normalized]!;
  throw new AssignorError(`strategy: unknown strategy "${name}"; expected one of ${STRATEGY_NAMES.join(', ')}`, {
    code: ASSIGNOR_ERROR_CODES.UNKNOWN_STRATEGY,
  });
}
