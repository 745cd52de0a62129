// Text tables for groupctl, from the JSON forms (so a result invoked from the deployed
// function prints exactly like one computed locally). "-" marks an unknown value, as in
// kafka-consumer-groups.sh.
import type { GroupDescription } from './describe.ts';
import type { Jsonified } from './json.ts';
import type { ResetPlan, ResetResult } from './types.ts';

const MISSING = '-';

/**
 * Left-aligned columns, one space apart, at least as wide as the header.
 *
 * @example
 * formatTable(['TOPIC', 'PARTITION'], [['orders', '0']]);
 */
export function formatTable(headers: readonly string[], rows: readonly (readonly (string | number | undefined)[])[]): string {
  const cells = rows.map((r) => r.map((c) => (c === undefined || c === '' ? MISSING : String(c))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]?.length ?? 0)));
  const line = (r: readonly string[]): string => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join(' ').trimEnd();
  return [line(headers), ...cells.map(line)].join('\n');
}

/** The plan, one row per partition, then its warnings. */
export function formatPlan(plan: Jsonified<ResetPlan>): string {
  const table = formatTable(
    ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-START', 'LOG-END', 'NEW-OFFSET', 'LAG-BEFORE', 'LAG-AFTER', 'NOTE'],
    plan.partitions.map((p) => [
      plan.groupId,
      p.topic,
      p.partition,
      p.committed,
      p.logStart,
      p.logEnd,
      p.target,
      p.lagBefore,
      p.lagAfter,
      p.warnings.map((w) => w.code).join(','),
    ]),
  );
  const header =
    `Group '${plan.groupId}' (${plan.groupState}, ${plan.memberCount} member(s)), ${plan.strategy}` +
    `${plan.timestampMs !== undefined ? ` at ${new Date(plan.timestampMs).toISOString()}` : ''}: ` +
    `${plan.totals.partitions} partition(s), lag ${plan.totals.lagBefore} -> ${plan.totals.lagAfter}`;
  const warnings = plan.partitions.flatMap((p) => p.warnings.map((w) => `Warn: ${w.message}`));
  return [header, '', table, ...(warnings.length ? ['', ...warnings] : [])].join('\n');
}

/** A reset result: summary, plan, mappings, and every partition not written. */
export function formatResult(result: Jsonified<ResetResult>): string {
  const parts: string[] = [];
  if (result.plan) parts.push(formatPlan(result.plan));
  if (result.mappings.length > 0) {
    parts.push(
      formatTable(
        ['MAPPING', 'FUNCTION', 'STATE-BEFORE', 'PAUSED', 'RESTORE', 'STATE-AFTER'],
        result.mappings.map((m) => [m.uuid, m.functionArn, m.stateBefore, m.paused ? 'yes' : 'no', m.restore, m.stateAfter]),
      ),
    );
  }
  if (result.notWritten.length > 0) {
    parts.push(formatTable(['TOPIC', 'PARTITION', 'NEW-OFFSET', 'NOT WRITTEN BECAUSE'], result.notWritten.map((f) => [f.topic, f.partition, f.target, f.reason])));
  }
  if (result.error?.members?.length) {
    parts.push(formatTable(['CONSUMER-ID', 'HOST', 'CLIENT-ID'], result.error.members.map((m) => [m.memberId, m.host, m.clientId])));
  }
  parts.push(`${result.outcome}: ${result.summary}`);
  return parts.join('\n\n');
}

function describeNote(d: Jsonified<GroupDescription>): string {
  if (d.consumerProtocol && d.state !== 'Empty' && d.state !== 'Dead') {
    return `Consumer group '${d.groupId}' uses the consumer protocol (KIP-848): ${d.state}, members not listed by DescribeGroups.\n\n`;
  }
  if (d.state === 'Empty') return `Consumer group '${d.groupId}' has no active members.\n\n`;
  if (d.state === 'Dead') return `Consumer group '${d.groupId}' does not exist.\n\n`;
  return '';
}

/** kafka-consumer-groups.sh --describe (offsets view). */
export function formatDescribeOffsets(d: Jsonified<GroupDescription>): string {
  const note = describeNote(d);
  return (
    note +
    formatTable(
      ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'],
      d.partitions.map((p) => [d.groupId, p.topic, p.partition, p.committed, p.logEnd, p.lag, p.memberId, p.host, p.clientId]),
    )
  );
}

/** kafka-consumer-groups.sh --describe --members [--verbose]. */
export function formatDescribeMembers(d: Jsonified<GroupDescription>, verbose = false): string {
  const assignment = (m: Jsonified<GroupDescription>['members'][number]): string => {
    const perTopic = new Map<string, number[]>();
    for (const tp of m.assignment) perTopic.set(tp.topic, [...(perTopic.get(tp.topic) ?? []), tp.partition]);
    return [...perTopic].map(([t, ps]) => `${t}:${ps.join(',')}`).join(';');
  };
  return describeNote(d) + formatTable(
    ['GROUP', 'CONSUMER-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS', ...(verbose ? ['ASSIGNMENT'] : [])],
    d.members.map((m) => [d.groupId, m.memberId, m.host, m.clientId, m.assignment.length, ...(verbose ? [assignment(m)] : [])]),
  );
}

/** kafka-consumer-groups.sh --describe --state. */
export function formatDescribeState(d: Jsonified<GroupDescription>): string {
  return formatTable(['GROUP', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS', 'TOTAL-LAG'], [[d.groupId, d.assignmentStrategy, d.state, d.members.length, d.totalLag]]);
}
