// groupctl plan: preview how a strategy assigns a topic's partitions, and what moves when
// consumers leave or join.
//   groupctl plan --partitions 12 --consumers 3 --strategy sticky --remove C2 [--json]
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { AssignorError, DEFAULT_PLAN_TOPIC, STRATEGIES, STRATEGY_NAMES, plan } from '../../shared/assignors/index.ts';
import type { PlanResult, TopicAssignment } from '../../shared/assignors/index.ts';

export const summary = 'preview a partition assignment, before and after consumers leave or join';

const USAGE = `usage: groupctl plan --partitions <n> (--consumers <n> | --members <id,...>) [options]

  --partitions <n>     partitions of the topic (at least 1)
  --consumers <n>      consumers in the group, named C1..Cn
  --members <id,...>   explicit member ids instead of --consumers
  --strategy <name>    ${STRATEGY_NAMES.join(' | ')} (default: ${STRATEGIES.RANGE}, Kafka's default)
  --remove <id,...>    consumers that leave (repeatable)
  --add <id,...>       consumers that join (repeatable)
  --topic <name>       topic name (default: ${DEFAULT_PLAN_TOPIC})
  --initial <name>     strategy that made the current assignment (default: --strategy, fresh group)
  --json               machine-readable output
  -h, --help           this help

exit codes: 0 planned, 2 bad input`;

/** Where `run` writes; tests pass their own. */
export interface PlanIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const count = (flag: string) =>
  z
    .string()
    .regex(/^\s*\d+\s*$/, `${flag} must be a whole number`)
    .transform(Number)
    .pipe(z.number().int().min(1, `${flag} must be at least 1`).max(1_000_000, `${flag} must be at most 1000000`));

const idList = z.array(z.string()).transform((values) =>
  values.flatMap((value) => value.split(',')).map((id) => id.trim()).filter((id) => id.length > 0),
);

const flagsSchema = z.strictObject({
  partitions: count('--partitions').optional(),
  consumers: count('--consumers').optional(),
  members: idList.optional(),
  strategy: z.string().optional(),
  remove: idList.optional(),
  add: idList.optional(),
  topic: z.string().min(1, '--topic must not be empty').optional(),
  initial: z.string().optional(),
  json: z.boolean().optional(),
  help: z.boolean().optional(),
});

/** `[0, 1, 5]`, with runs of four or more written `a-b`: `[0-3, 8]`. */
export function formatPartitions(partitions: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < partitions.length; ) {
    let j = i;
    while (j + 1 < partitions.length && partitions[j + 1] === partitions[j]! + 1) j++;
    if (j - i >= 3) parts.push(`${partitions[i]}-${partitions[j]}`);
    else for (let k = i; k <= j; k++) parts.push(String(partitions[k]));
    i = j + 1;
  }
  return `[${parts.join(', ')}]`;
}

function block(title: string, assignment: TopicAssignment): string[] {
  const width = Math.max(...[...assignment.keys()].map((id) => id.length));
  return [
    `${title} (${assignment.size} consumer${assignment.size === 1 ? '' : 's'}):`,
    ...[...assignment].map(([id, partitions]) => `  ${`${id}:`.padEnd(width + 1)} ${formatPartitions(partitions)}`),
  ];
}

const MAX_MOVES_LISTED = 20;

/** The human-readable report of a plan. */
export function formatPlan(result: PlanResult, change: { remove: readonly string[]; add: readonly string[] }): string[] {
  const changed = change.remove.length > 0 || change.add.length > 0;
  const origin =
    result.initial === result.strategy ? 'current assignment: a fresh group' : `current assignment made by ${result.initial}`;
  const lines = [`topic ${result.topic}: ${result.partitions} partitions, strategy ${result.strategy} (${origin})`, ''];
  const what = [
    ...(change.remove.length > 0 ? [`--remove ${change.remove.join(',')}`] : []),
    ...(change.add.length > 0 ? [`--add ${change.add.join(',')}`] : []),
  ].join(' ');
  if (!changed) {
    lines.push(...block('assignment', result.before));
  } else {
    lines.push(...block('before', result.before));
    if (result.intermediate !== undefined) {
      lines.push(...block(`after ${what}, first rebalance (moving partitions revoked and withheld)`, result.intermediate));
      lines.push(...block('after the second rebalance', result.after));
    } else {
      lines.push(...block(`after ${what}`, result.after));
    }
    lines.push('', `partitions moved: ${result.moved.length}`);
    for (const move of result.moved.slice(0, MAX_MOVES_LISTED)) lines.push(`  partition ${move.partition}: ${move.from} -> ${move.to}`);
    if (result.moved.length > MAX_MOVES_LISTED) lines.push(`  ... and ${result.moved.length - MAX_MOVES_LISTED} more`);
  }
  const list = (ids: readonly string[]): string => (ids.length === 0 ? 'none' : ids.join(', '));
  lines.push(
    changed ? `idle consumers: before ${list(result.idleBefore)}; after ${list(result.idleAfter)}` : `idle consumers: ${list(result.idleAfter)}`,
    changed
      ? `imbalance (max - min partitions per consumer): before ${result.imbalanceBefore}, after ${result.imbalanceAfter}`
      : `imbalance (max - min partitions per consumer): ${result.imbalanceAfter}`,
    ...result.warnings.map((warning) => `warning: ${warning}`),
  );
  return lines;
}

/** The JSON report of a plan. */
export function planToJson(result: PlanResult): unknown {
  const record = (assignment: TopicAssignment): Record<string, number[]> =>
    Object.fromEntries([...assignment].map(([id, partitions]) => [id, [...partitions]]));
  return {
    topic: result.topic,
    partitions: result.partitions,
    strategy: result.strategy,
    initial: result.initial,
    before: record(result.before),
    ...(result.intermediate === undefined ? {} : { intermediate: record(result.intermediate) }),
    after: record(result.after),
    moved: result.moved,
    movedCount: result.moved.length,
    idle: { before: result.idleBefore, after: result.idleAfter },
    imbalance: { before: result.imbalanceBefore, after: result.imbalanceAfter },
    warnings: result.warnings,
  };
}

export async function run(argv: string[], io: PlanIo = { out: console.log, err: console.error }): Promise<number> {
  const fail = (message: string): number => {
    io.err(`groupctl plan: ${message}\n\n${USAGE}`);
    return 2;
  };
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        partitions: { type: 'string' },
        consumers: { type: 'string' },
        members: { type: 'string', multiple: true },
        strategy: { type: 'string' },
        remove: { type: 'string', multiple: true },
        add: { type: 'string', multiple: true },
        topic: { type: 'string' },
        initial: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
  const flags = flagsSchema.safeParse(values);
  if (!flags.success) return fail(flags.error.issues.map((issue) => issue.message).join('; '));
  const { partitions, consumers, members, strategy, remove = [], add = [], topic, initial, json, help } = flags.data;
  if (help === true) {
    io.out(USAGE);
    return 0;
  }
  if (partitions === undefined) return fail('--partitions is required');
  if ((consumers === undefined) === (members === undefined)) return fail('give exactly one of --consumers and --members');
  let result: PlanResult;
  try {
    result = plan({
      partitions,
      ...(consumers === undefined ? {} : { consumers }),
      ...(members === undefined ? {} : { memberIds: members }),
      strategy: strategy ?? STRATEGIES.RANGE,
      remove,
      add,
      ...(topic === undefined ? {} : { topic }),
      ...(initial === undefined ? {} : { initial }),
    });
  } catch (error) {
    if (error instanceof AssignorError) return fail(error.message);
    throw error;
  }
  if (json === true) io.out(JSON.stringify(planToJson(result), null, 2));
  else io.out(formatPlan(result, { remove, add }).join('\n'));
  return 0;
}
