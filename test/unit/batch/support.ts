import { decodeKafkaEvent, encodeKafkaEvent } from '../../../shared/events/index.ts';
import type { KafkaEvent, KafkaRecord, KafkaRecordInput } from '../../../shared/events/index.ts';
import type { DeadLetterEntry, DeadLetterSink } from '../../../shared/batch/index.ts';

const ORIGIN = { kind: 'self-managed', bootstrapServers: '127.0.0.1:9092' } as const;

/** `count` records per partition; the value of each is `"<topic>-<partition>@<offset>"`. */
export function kafkaEvent(partitions: Record<string, number>, overrides: (input: KafkaRecordInput) => Partial<KafkaRecordInput> = () => ({})): KafkaEvent {
  const records: KafkaRecordInput[] = [];
  for (const [key, count] of Object.entries(partitions)) {
    const dash = key.lastIndexOf('-');
    const topic = key.slice(0, dash);
    const partition = Number(key.slice(dash + 1));
    for (let i = 0; i < count; i++) {
      const base: KafkaRecordInput = {
        topic,
        partition,
        offset: BigInt(100 + i),
        timestampMs: 1_700_000_000_000 + i,
        key: Buffer.from(`k${i}`),
        value: Buffer.from(`${key}@${100 + i}`),
        headers: [['trace', Buffer.from(`t${i}`)]],
      };
      records.push({ ...base, ...overrides(base) });
    }
  }
  return JSON.parse(JSON.stringify(encodeKafkaEvent(records, ORIGIN))) as KafkaEvent;
}

export const decodedEvent = (partitions: Record<string, number>) => decodeKafkaEvent(kafkaEvent(partitions));

/** `"<topic>-<partition>@<offset>"`, the label tests use to track records. */
export const label = (record: KafkaRecord): string => `${record.topic}-${record.partition}@${record.offset}`;

/** A sink that keeps what it is sent. */
export class MemorySink implements DeadLetterSink {
  readonly entries: DeadLetterEntry[] = [];
  calls = 0;

  async send(entries: readonly DeadLetterEntry[]): Promise<void> {
    this.calls += 1;
    this.entries.push(...entries);
  }
}

/** A sink that always fails. */
export class BrokenSink implements DeadLetterSink {
  calls = 0;

  async send(): Promise<void> {
    this.calls += 1;
    throw new Error('sink unavailable');
  }
}

export const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Runs `fn` and returns what it threw (fails the test if it did not throw). */
export async function rejectionOf(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}
