// The sandbox's live view, refreshed every second: per mapping its group, state, pollers and
// their partitions, lag per partition, invocations and errors.
import { Admin } from '@platformatic/kafka';
import type { LocalRuntime } from '../esm/index.ts';
import { partitionLags } from '../esm/metrics.ts';

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
  const lags = await partitionLags(admin, mappings);
  const lines = [...header, ''];
  for (const m of mappings) {
    const c = m.counters;
    const owners = new Map<string, number>();
    m.pollers.forEach((p, i) => p.assignments.forEach((key) => owners.set(key, i)));
    lines.push(`${m.mapping.consumerGroupId}  [${m.state}]  pollers ${m.pollers.length}  invocations ${c.invocations}  records ${c.invokedEventCount}  errors ${c.functionErrors}  → destination ${c.onFailureDestinationDeliveredEventCount}  dropped ${c.droppedEventCount}`);
    const cells: string[] = [];
    let total = 0n;
    for (const [key, lag] of lags.get(m.uuid) ?? []) {
      if (lag !== undefined) total += lag;
      const owner = owners.get(key);
      const cut = key.lastIndexOf('-');
      cells.push(`${key.slice(0, cut)}[${key.slice(cut + 1)}] lag ${lag === undefined ? '-' : lag} ${owner === undefined ? '(unowned)' : `P${owner}`}`);
    }
    lines.push(`    total lag ${total}`);
    for (let i = 0; i < cells.length; i += 3) lines.push(`    ${cells.slice(i, i + 3).map((s) => s.padEnd(36)).join('')}`);
  }
  return lines.join('\n');
}
