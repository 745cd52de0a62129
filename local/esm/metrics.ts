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

/**
 * Lag of every partition of each mapping's topics, per mapping (`topic-partition` → lag, or
 * `undefined` while the group has no commit there), from one Metadata, one ListOffsets and
 * one OffsetFetch for all groups. The live view and the OffsetLag metric both read it.
 */
export async function partitionLags(admin: Admin, mappings: readonly MappingRunner[]): Promise<Map<string, Map<string, bigint | undefined>>> {
  const topics = [...new Set(mappings.flatMap((m) => m.mapping.topics))];
  const result = new Map<string, Map<string, bigint | undefined>>();
  if (topics.length === 0) return result;
  const metadata = await admin.metadata({ topics });
  const partitionsOf = (topic: string): number[] => Array.from({ length: metadata.topics.get(topic)?.partitionsCount ?? 0 }, (_, i) => i);
  const [ends, committed] = await Promise.all([
    admin.listOffsets({ topics: topics.map((name) => ({ name, partitions: partitionsOf(name).map((partitionIndex) => ({ partitionIndex, timestamp: -1n })) })) }),
    admin.listConsumerGroupOffsets({ groups: mappings.map((m) => m.mapping.consumerGroupId) }),
  ]);
  const end = new Map<string, bigint>(ends.flatMap((t) => t.partitions.map((p) => [`${t.name}-${p.partitionIndex}`, p.offset] as const)));
  for (const m of mappings) {
    const group = committed.find((g) => g.groupId === m.mapping.consumerGroupId);
    const at = new Map<string, bigint>((group?.topics ?? []).flatMap((t) => t.partitions.filter((p) => p.committedOffset >= 0n).map((p) => [`${t.name}-${p.partitionIndex}`, p.committedOffset] as const)));
    const lags = new Map<string, bigint | undefined>();
    for (const topic of m.mapping.topics) {
      for (const p of partitionsOf(topic)) {
        const key = `${topic}-${p}`;
        const c = at.get(key);
        // Clamped at 0: the log end was read before the committed offset.
        lags.set(key, c === undefined ? undefined : (end.get(key) ?? 0n) > c ? (end.get(key) ?? 0n) - c : 0n);
      }
    }
    result.set(m.uuid, lags);
  }
  return result;
}

/** Total lag of each mapping's group over its topics (undefined when nothing is committed). */
export async function mappingLags(admin: Admin, mappings: readonly MappingRunner[]): Promise<Map<string, number | undefined>> {
  const result = new Map<string, number | undefined>();
  for (const [uuid, lags] of await partitionLags(admin, mappings)) {
    const known = [...lags.values()].filter((l) => l !== undefined);
    result.set(uuid, known.length === 0 ? undefined : Number(known.reduce((a, b) => a + b, 0n)));
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
