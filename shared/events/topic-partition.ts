import { MalformedEventError } from './errors.ts';

const PARTITION_DIGITS = /^(0|[1-9][0-9]*)$/;

/**
 * The key Lambda uses for a topic-partition in `records` (and Powertools in `itemIdentifier`).
 *
 * @example
 * topicPartitionKey('orders', 3); // "orders-3"
 */
export function topicPartitionKey(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

/**
 * Splits a `"<topic>-<partition>"` key at its LAST `-`: topic names may contain `-`
 * (`my-topic-0` is topic `my-topic`, partition 0), partition numbers never do.
 *
 * @throws MalformedEventError when the key has no `-`, an empty topic or a non-numeric partition.
 * @example
 * parseTopicPartitionKey('my-topic-12'); // { topic: 'my-topic', partition: 12 }
 */
export function parseTopicPartitionKey(key: string, path = `records[${JSON.stringify(key)}]`): { topic: string; partition: number } {
  const dash = key.lastIndexOf('-');
  const topic = key.slice(0, dash);
  const digits = key.slice(dash + 1);
  if (dash <= 0 || !PARTITION_DIGITS.test(digits)) {
    throw new MalformedEventError(path, `key ${JSON.stringify(key)} is not "<topic>-<partition>"`);
  }
  const partition = Number(digits);
  if (!Number.isSafeInteger(partition)) {
    throw new MalformedEventError(path, `key ${JSON.stringify(key)} has an out-of-range partition`);
  }
  return { topic, partition };
}
