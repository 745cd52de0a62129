// The CSV that kafka-consumer-groups.sh's --export writes and --from-file reads:
// `topic,partition,offset` per line, no header; with several groups, `group,topic,
// partition,offset`. Topic names cannot contain commas or quotes (legal characters are
// [a-zA-Z0-9._-]), so no quoting is ever needed.
import { MAX_OFFSET } from './constants.ts';
import { OffsetResetInputError, type InputIssue } from './errors.ts';
import type { TopicPartitionOffset } from './types.ts';

const TOPIC = /^[a-zA-Z0-9._-]{1,249}$/;
const HEADER = /^(group,)?topic,partition,offset$/i;

/**
 * Parses an offsets CSV for `groupId`. Three columns: every row is for the group. Four
 * columns (`group,topic,partition,offset`): rows of other groups are skipped, and a file
 * without a row for the group is an error (Kafka: "No reset plan for group ... found").
 * An optional header line is accepted. Duplicate partitions are an error (Kafka silently
 * keeps the last one, which hides a mistake).
 *
 * @param field the input field named in errors, e.g. `strategy.fromFile`
 * @example
 * parseOffsetsCsv('orders,0,42\norders,1,40\n', 'email');
 */
export function parseOffsetsCsv(text: string, groupId: string, field = 'strategy.fromFile'): TopicPartitionOffset[] {
  const issues: InputIssue[] = [];
  const rows: TopicPartitionOffset[] = [];
  const seen = new Map<string, number>();
  let columns: number | undefined;
  let otherGroups = 0;
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = raw.trim();
    const lineNo = index + 1;
    if (line === '' || (rows.length === 0 && columns === undefined && HEADER.test(line))) return;
    const cells = line.split(',').map((c) => c.trim());
    if (cells.length !== 3 && cells.length !== 4) {
      issues.push({ field, message: `line ${lineNo}: expected topic,partition,offset (or group,topic,partition,offset), got "${line}"` });
      return;
    }
    if (columns !== undefined && cells.length !== columns) {
      issues.push({ field, message: `line ${lineNo}: ${cells.length} columns where earlier lines have ${columns}` });
      return;
    }
    columns = cells.length;
    const [group, topic, partition, offset] = cells.length === 4 ? cells : [groupId, ...cells];
    if (group !== groupId) {
      otherGroups++;
      return;
    }
    if (!topic || !TOPIC.test(topic)) {
      issues.push({ field, message: `line ${lineNo}: "${topic ?? ''}" is not a valid topic name` });
      return;
    }
    if (!partition || !/^\d+$/.test(partition) || Number(partition) > 2_147_483_647) {
      issues.push({ field, message: `line ${lineNo}: partition "${partition ?? ''}" must be a non-negative integer` });
      return;
    }
    if (!offset || !/^\d+$/.test(offset) || BigInt(offset) > MAX_OFFSET) {
      issues.push({ field, message: `line ${lineNo}: offset "${offset ?? ''}" must be a non-negative integer` });
      return;
    }
    const key = `${topic}-${partition}`;
    const first = seen.get(key);
    if (first !== undefined) {
      issues.push({ field, message: `line ${lineNo}: ${key} already given on line ${first}` });
      return;
    }
    seen.set(key, lineNo);
    rows.push({ topic, partition: Number(partition), offset: BigInt(offset) });
  });
  if (issues.length === 0 && rows.length === 0) {
    issues.push({
      field,
      message: otherGroups > 0 ? `no reset plan for group '${groupId}' found (${otherGroups} row(s) for other groups)` : 'has no rows',
    });
  }
  if (issues.length > 0) throw new OffsetResetInputError(issues);
  return rows;
}

/**
 * The plan's targets (bigint or JSON form) as kafka-consumer-groups.sh `--export` writes them: one
 * `topic,partition,offset` line per partition, no header, `\n` after each line.
 *
 * @example
 * process.stdout.write(exportPlanCsv(plan));
 */
export function exportPlanCsv(plan: { readonly partitions: readonly { readonly topic: string; readonly partition: number; readonly target: bigint | string }[] }): string {
  return plan.partitions.map((p) => `${p.topic},${p.partition},${p.target}\n`).join('');
}
