// The sandbox's live view, refreshed every second: per mapping its group, state, pollers and
// their partitions, lag per partition, invocations and errors.
import { Admin } from '@platformatic/kafka';
import type { LocalRuntime } from '../esm/index.ts';

export interface LiveView {
  stop(): void;
}

export function startLiveView(runtime: LocalRuntime, brokers: string[], header: () => string[], options: { tty: boolean }): LiveView {
  const admin = new Admin({ clientId: 'sandbox-view', bootstrapBrokers: brokers });
  let busy = false;
  let ticks = 0;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    ticks++;
    render(runtime, admin, header())
      .then((text) => {
        if (options.tty) process.stdout.write(`\x1b[2J\x1b[H${text}\n`);
        else if (ticks % 10 === 0) console.log(text);
      })
      .catch((error: Error) => console.error(`[sandbox] view: ${error.message}`))
      .finally(() => (busy = false));
  }, 1_000);
  return {
    stop() {
      clearInterval(timer);
      void admin.close().catch(() => undefined);
    },
  };
}

async function render(runtime: LocalRuntime, admin: Admin, header: string[]): Promise<string> {
  const mappings = runtime.mappings;
  const groups = mappings.map((m) => m.mapping.consumerGroupId);
  const topics = [...new Set(mappings.flatMap((m) => m.mapping.topics))];
  const [committed, metadata] = await Promise.all([admin.listConsumerGroupOffsets({ groups }), admin.metadata({ topics })]);
  const request = topics.map((name) => ({ name, partitions: Array.from({ length: metadata.topics.get(name)?.partitionsCount ?? 0 }, (_, partitionIndex) => ({ partitionIndex, timestamp: -1n })) }));
  const ends = await admin.listOffsets({ topics: request });
  const end = new Map<string, bigint>(ends.flatMap((t) => t.partitions.map((p) => [`${t.name}-${p.partitionIndex}`, p.offset] as const)));
  const lines = [...header, ''];
  for (const m of mappings) {
    const c = m.counters;
    const group = m.mapping.consumerGroupId;
    const owners = new Map<string, number>();
    m.pollers.forEach((p, i) => p.assignments.forEach((key) => owners.set(key, i)));
    const offsets = new Map<string, bigint>((committed.find((g) => g.groupId === group)?.topics ?? []).flatMap((t) => t.partitions.map((p) => [`${t.name}-${p.partitionIndex}`, p.committedOffset] as const)));
    lines.push(`${group}  [${m.state}]  pollers ${m.pollers.length}  invocations ${c.invocations}  records ${c.invokedEventCount}  errors ${c.functionErrors}  → destination ${c.onFailureDestinationDeliveredEventCount}  dropped ${c.droppedEventCount}`);
    const cells: string[] = [];
    let total = 0n;
    for (const topic of m.mapping.topics) {
      const count = metadata.topics.get(topic)?.partitionsCount ?? 0;
      for (let p = 0; p < count; p++) {
        const key = `${topic}-${p}`;
        const at = offsets.get(key);
        const lag = at === undefined || at < 0n ? undefined : (end.get(key) ?? 0n) - at;
        if (lag !== undefined && lag > 0n) total += lag;
        const owner = owners.get(key);
        cells.push(`${topic}[${p}] lag ${lag === undefined ? '-' : lag} ${owner === undefined ? '(unowned)' : `P${owner}`}`);
      }
    }
    lines.push(`    total lag ${total}`);
    for (let i = 0; i < cells.length; i += 3) lines.push(`    ${cells.slice(i, i + 3).map((s) => s.padEnd(36)).join('')}`);
  }
  return lines.join('\n');
}
