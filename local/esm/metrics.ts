// Lambda's own event-source-mapping metrics, emitted by the local runtime as CloudWatch EMF
// lines: `OffsetLag` (always on in Lambda) and the `EventCount` group that `MetricsConfig`
// turns on (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html).
// ASSUMED: OffsetLag is the mapping's total lag over its partitions; AWS does not say whether
// it is a sum or a maximum.
import { Admin } from '@platformatic/kafka';
import type { MappingRunner } from './mapping-runner.ts';
import { emptyCounters, type MappingCounters } from './types.ts';

const EVENT_COUNT_METRICS = [
  ['PolledEventCount', 'polledEventCount'],
  ['InvokedEventCount', 'invokedEventCount'],
  ['FailedInvokeEventCount', 'failedInvokeEventCount'],
  ['OnFailureDestinationDeliveredEventCount', 'onFailureDestinationDeliveredEventCount'],
  ['CommittedEventCount', 'committedEventCount'],
  ['DroppedEventCount', 'droppedEventCount'],
] as const satisfies readonly (readonly [string, keyof MappingCounters])[];

/** One EMF document for a mapping: its lag now and its event counts since `previous`. */
export function mappingMetricsEmf(input: {
  functionName: string;
  uuid: string;
  offsetLag: number | undefined;
  counters: MappingCounters;
  previous: MappingCounters;
  timestampMs: number;
}): Record<string, unknown> {
  const values: Record<string, number> = {};
  for (const [name, key] of EVENT_COUNT_METRICS) values[name] = input.counters[key] - input.previous[key];
  if (input.offsetLag !== undefined) values.OffsetLag = input.offsetLag;
  return {
    _aws: {
      Timestamp: input.timestampMs,
      CloudWatchMetrics: [
        {
          Namespace: 'AWS/Lambda',
          Dimensions: [['FunctionName', 'EventSourceMappingUUID']],
          Metrics: Object.keys(values).map((Name) => ({ Name, Unit: 'Count' })),
        },
      ],
    },
    FunctionName: input.functionName,
    EventSourceMappingUUID: input.uuid,
    ...values,
  };
}

/** Total lag of each mapping's group over its topics (undefined when nothing is committed). */
export async function mappingLags(admin: Admin, mappings: readonly MappingRunner[]): Promise<Map<string, number | undefined>> {
  const topics = [...new Set(mappings.flatMap((m) => m.mapping.topics))];
  const result = new Map<string, number | undefined>();
  if (topics.length === 0) return result;
  const metadata = await admin.metadata({ topics });
  const ends = await admin.listOffsets({
    topics: topics.map((name) => ({ name, partitions: Array.from({ length: metadata.topics.get(name)?.partitionsCount ?? 0 }, (_, partitionIndex) => ({ partitionIndex, timestamp: -1n })) })),
  });
  const end = new Map<string, bigint>(ends.flatMap((t) => t.partitions.map((p) => [`${t.name}-${p.partitionIndex}`, p.offset] as const)));
  const committed = await admin.listConsumerGroupOffsets({ groups: mappings.map((m) => m.mapping.consumerGroupId) });
  for (const m of mappings) {
    const group = committed.find((g) => g.groupId === m.mapping.consumerGroupId);
    let lag = 0n;
    let any = false;
    for (const t of group?.topics ?? []) {
      if (!m.mapping.topics.includes(t.name)) continue;
      for (const p of t.partitions) {
        if (p.committedOffset < 0n) continue;
        any = true;
        const l = (end.get(`${t.name}-${p.partitionIndex}`) ?? 0n) - p.committedOffset;
        if (l > 0n) lag += l;
      }
    }
    result.set(m.uuid, any ? Number(lag) : undefined);
  }
  return result;
}

/** Emits every mapping's metrics every `intervalMs` through `write` (one JSON line each). */
export function startMappingMetrics(options: { brokers: string[]; mappings: () => readonly MappingRunner[]; functionName: (m: MappingRunner) => string; intervalMs: number; write: (line: string) => void }): { stop(): Promise<void> } {
  const admin = new Admin({ clientId: 'lambda-esm-metrics', bootstrapBrokers: options.brokers });
  const previous = new Map<string, MappingCounters>();
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = (async () => {
      const mappings = options.mappings();
      const lags = await mappingLags(admin, mappings).catch(() => new Map<string, number | undefined>());
      for (const m of mappings) {
        const counters = { ...m.counters };
        options.write(JSON.stringify(mappingMetricsEmf({ functionName: options.functionName(m), uuid: m.uuid, offsetLag: lags.get(m.uuid), counters, previous: previous.get(m.uuid) ?? emptyCounters(), timestampMs: Date.now() })));
        previous.set(m.uuid, counters);
      }
    })();
  }, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running.catch(() => undefined);
      await admin.close().catch(() => undefined);
    },
  };
}
