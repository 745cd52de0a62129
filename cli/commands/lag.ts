// groupctl lag: consumer group lag, the kafka-consumer-groups.sh --describe table plus
// TIME-LAG and STATUS, computed by the same library as the lag monitor function.
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type { KafkaAdmin } from '../../shared/kafka/index.ts';
import { clusterConfigFromEnv, createAdmin, resolveConnection } from '../../shared/kafka/index.ts';
import { lookupMskBootstrapBrokers } from '../../shared/kafka/msk-bootstrap.ts';
import { InMemoryLagStateStore, LagMonitor } from '../../shared/lag/index.ts';
import type { GroupSummary, LagSummary } from '../../shared/lag/index.ts';

export const summary = 'consumer group lag per partition, with time lag and Burrow status (--watch to follow)';

const USAGE = `usage: groupctl lag [--group PATTERN]... [--exclude PATTERN]... [--watch] [--interval SECONDS] [--json]
                    [--bootstrap-servers host:port[,host:port...]]

  --group PATTERN        groups to show; * and ? are wildcards; repeatable (default: every group)
  --exclude PATTERN      groups to hide; repeatable
  --watch                refresh every --interval seconds until interrupted; TIME-LAG and STATUS
                         need history, so they fill in from the second refresh on
  --interval SECONDS     refresh interval with --watch (default 10)
  --json                 print the monitor's JSON summary (one line per refresh with --watch)
  --bootstrap-servers    default: SCG_KAFKA_BOOTSTRAP, then SCG_BOOTSTRAP_SERVERS, then the
                         cluster from SCG_CLUSTER_ARN (MSK); auth from SCG_KAFKA_AUTH`;

const COLUMNS = ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID', 'TIME-LAG', 'STATUS'] as const;

export async function run(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        group: { type: 'string', multiple: true },
        exclude: { type: 'string', multiple: true },
        watch: { type: 'boolean', default: false },
        interval: { type: 'string' },
        json: { type: 'boolean', default: false },
        'bootstrap-servers': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const intervalSeconds = Number(values.interval ?? '10');
  if (!Number.isFinite(intervalSeconds) || intervalSeconds < 1) {
    console.error(`--interval: must be a number of seconds ≥ 1, got "${values.interval}"`);
    return 2;
  }

  let admin: KafkaAdmin;
  try {
    const servers = values['bootstrap-servers'] ?? process.env.SCG_KAFKA_BOOTSTRAP ?? process.env.SCG_BOOTSTRAP_SERVERS;
    const env = servers === undefined ? process.env : { ...process.env, SCG_CLUSTER_ARN: undefined, SCG_BOOTSTRAP_SERVERS: servers };
    admin = await createAdmin(await resolveConnection(clusterConfigFromEnv(env), { getBootstrapBrokers: lookupMskBootstrapBrokers }), 'groupctl-lag', { requestTimeoutMs: 10_000, retries: 1, retryDelayMs: 250 });
  } catch (error) {
    console.error(`cannot connect: ${(error as Error).message}`);
    return 2;
  }

  const monitor = new LagMonitor(
    { admin, store: new InMemoryLagStateStore(), emfSink: null },
    // Metadata every cycle: someone watching is looking for what changed (a partition
    // added shows at the next refresh, not 5 minutes later), and one request per
    // --interval costs the cluster nothing. The deployed monitor keeps the 5-minute default.
    { include: values.group ?? [], exclude: values.exclude ?? [], topicRefreshMs: 0 },
  );
  let stopped = false;
  const stop = (): void => void (stopped = true);
  process.once('SIGINT', stop);
  try {
    for (;;) {
      const { summary: cycle } = await monitor.runCycle();
      if (values.json) console.log(JSON.stringify(cycle));
      else {
        if (values.watch && process.stdout.isTTY) process.stdout.write('\x1b[2J\x1b[H');
        console.log(renderLagTable(cycle));
      }
      if (!values.watch) return cycle.errors.length > 0 || cycle.groups.some((g) => !g.evaluated) ? 1 : 0;
      for (let waited = 0; waited < intervalSeconds * 1000 && !stopped; waited += 200) await sleep(200);
      if (stopped) return 0;
    }
  } finally {
    process.off('SIGINT', stop);
    await admin.close().catch(() => undefined);
  }
}

/**
 * The kafka-consumer-groups.sh `--describe` layout, one block per group ("-" where
 * unknown, no LAG without a committed offset), plus TIME-LAG and STATUS columns and a
 * one-line group verdict.
 */
export function renderLagTable(cycle: LagSummary): string {
  const blocks: string[] = [];
  for (const group of cycle.groups) blocks.push(renderGroup(group));
  if (cycle.groups.length === 0) blocks.push('no consumer groups matched');
  const footer = [`(${cycle.kafkaRequests.total} Kafka requests, ${cycle.durationMs} ms, ${cycle.cycleAt})`, ...cycle.errors.map((e) => `error: ${e}`)];
  return `${blocks.join('\n\n')}\n\n${footer.join('\n')}`;
}

function renderGroup(group: GroupSummary): string {
  const lines: string[] = [];
  if (group.members.length === 0 && group.evaluated) lines.push(`Consumer group '${group.groupId}' has no active members.`);
  const rows = (group.partitions ?? []).map((p) => [
    group.groupId,
    p.topic,
    String(p.partition),
    p.committedOffset ?? '-',
    p.logEndOffset ?? '-',
    p.lag ?? '-',
    p.consumer?.memberId ?? '-',
    p.consumer?.host ?? '-',
    p.consumer?.clientId ?? '-',
    formatSeconds(p.timeLagSeconds, p.timeLagQuality === 'lower-bound'),
    p.committedOffset === null ? 'NO-COMMIT' : p.status,
  ]);
  if (rows.length > 0) lines.push(table([[...COLUMNS], ...rows]));
  const maxLag = group.maxLag === null ? '' : `, max lag ${group.maxLag.lag} on ${group.maxLag.topic}-${group.maxLag.partition}`;
  const hot = group.hotPartitions.length === 0 ? '' : `, hot: ${group.hotPartitions.map((h) => `${h.topic}-${h.partition}`).join(' ')}`;
  lines.push(
    group.evaluated
      ? `${group.groupId}: ${group.status} (state ${group.state}, ${group.members.length} member(s), total lag ${group.totalLag}${maxLag}, window ${Math.round(group.complete * 100)}% complete${hot})`
      : `${group.groupId}: ${group.status === 'NOTFOUND' ? 'NOTFOUND (the group no longer exists)' : 'not evaluated'}`,
  );
  for (const error of group.errors) lines.push(`  error: ${error}`);
  return lines.join('\n');
}

function formatSeconds(seconds: number | null, lowerBound: boolean): string {
  if (seconds === null) return '-';
  const prefix = lowerBound ? '>=' : '';
  if (seconds < 60) return `${prefix}${seconds.toFixed(seconds < 10 ? 1 : 0)}s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${prefix}${m}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${prefix}${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]! + 1))).join(' ')).join('\n');
}
