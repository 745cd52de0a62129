import { MalformedEventError, PartitionOrderError } from './errors.ts';
import { LazyKafkaRecord } from './record.ts';
import { parseTopicPartitionKey } from './topic-partition.ts';
import type { DecodedKafkaEvent, KafkaPartitionBatch, KafkaRecord } from './types.ts';
import { validateKafkaEvent } from './validate.ts';

/**
 * Validates a Kafka event and groups it by partition. Cheap by design: payloads are decoded
 * only when a handler reads them (see `KafkaRecord`).
 *
 * Checks, beyond the field shapes: every record sits under its own `"<topic>-<partition>"` key
 * (split at the last `-`), and offsets strictly increase within a partition: Lambda reads each
 * partition's messages in order (https://docs.aws.amazon.com/lambda/latest/dg/with-msk-process.html),
 * so anything else is a corrupted event, not a delivery to reorder.
 *
 * @throws MalformedEventError (bad shape, naming the path) or PartitionOrderError; both are
 *   `EventsError`s with `retriable: false`.
 * @example
 * const { partitions } = decodeKafkaEvent(event);
 * for (const { topic, partition, records } of partitions) {
 *   for (const record of records) console.log(topic, partition, record.offset, record.valueString());
 * }
 */
export function decodeKafkaEvent(input: unknown): DecodedKafkaEvent {
  const event = validateKafkaEvent(input);
  const partitions: KafkaPartitionBatch[] = [];
  let recordCount = 0;
  for (const key of Object.keys(event.records)) {
    const { topic, partition } = parseTopicPartitionKey(key);
    const raws = event.records[key] ?? [];
    const records = new Array<KafkaRecord>(raws.length);
    let previous: LazyKafkaRecord | undefined;
    for (let i = 0; i < raws.length; i++) {
      const raw = raws[i]!;
      if (raw.topic !== topic || raw.partition !== partition) {
        throw new MalformedEventError(
          `records[${JSON.stringify(key)}][${i}]`,
          `record of topic ${raw.topic} partition ${raw.partition} is filed under ${JSON.stringify(key)}`,
        );
      }
      const record = new LazyKafkaRecord(raw);
      if (previous !== undefined && raw.offset <= previous.raw.offset) {
        throw new PartitionOrderError(topic, partition, record.offset, previous.offset);
      }
      records[i] = record;
      previous = record;
    }
    recordCount += raws.length;
    partitions.push({ topic, partition, key, records });
  }
  return {
    eventSource: event.eventSource,
    eventSourceArn: event.eventSourceArn,
    bootstrapServers: event.bootstrapServers ?? undefined,
    partitions,
    recordCount,
  };
}
