// Writing offsets: one OffsetCommit, one read-back, an exact report per partition.
import { errorName } from '../kafka/wire/index.ts';
import { byTopic, committedMap, describeError, tpKey, type ResetAdmin } from './admin.ts';
import type { PartitionWriteFailure, TopicPartitionOffset } from './types.ts';

/** What one write did, partition by partition. */
export interface WriteReport {
  readonly written: TopicPartitionOffset[];
  readonly notWritten: PartitionWriteFailure[];
  readonly unverified: TopicPartitionOffset[];
  /** The error of the write call, if it failed (possibly for some partitions only). */
  readonly error: unknown;
}

interface OffsetCommitResponse {
  topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[];
}

function isCommitResponse(value: unknown): value is OffsetCommitResponse {
  return typeof value === 'object' && value !== null && Array.isArray((value as { topics?: unknown }).topics);
}

/**
 * Per-partition error names from a failed alterConsumerGroupOffsets. OffsetCommit answers
 * an error code per partition, and the admin client throws `KafkaPartitionErrors` carrying
 * the whole `response` (possibly nested in `cause`/`errors` by a caller); partitions
 * answered 0 were written. The last response wins: a retried request rewrites every partition.
 */
export function partitionErrorsOf(error: unknown): Map<string, string> | undefined {
  let last: OffsetCommitResponse | undefined;
  const visit = (e: unknown, depth: number): void => {
    if (typeof e !== 'object' || e === null || depth > 8) return;
    const response = (e as { response?: unknown }).response;
    if (isCommitResponse(response)) last = response;
    for (const inner of (e as { errors?: unknown[] }).errors ?? []) visit(inner, depth + 1);
    visit((e as { cause?: unknown }).cause, depth + 1);
  };
  visit(error, 0);
  if (!last) return undefined;
  const out = new Map<string, string>();
  for (const t of last.topics) {
    for (const p of t.partitions) {
      const name = p.errorCode === 0 ? '' : errorName(p.errorCode);
      out.set(tpKey({ topic: t.name, partition: p.partitionIndex }), name);
    }
  }
  return out;
}

/**
 * Writes every offset in one alterConsumerGroupOffsets (one OffsetCommit to the group
 * coordinator), then reads them back with one listConsumerGroupOffsets and reports each
 * partition as written (at its target), not written (with Kafka's error or what the
 * read-back shows), or unverified (the read-back failed and Kafka named no error for it).
 *
 * @example
 * const report = await writeOffsets(admin, 'email', [{ topic: 'orders', partition: 0, offset: 42n }]);
 */
export async function writeOffsets(admin: ResetAdmin, groupId: string, targets: readonly TopicPartitionOffset[]): Promise<WriteReport> {
  const topics = [...byTopic(targets)].map(([name, list]) => ({ name, partitionOffsets: list.map((t) => ({ partition: t.partition, offset: t.offset })) }));
  let writeError: unknown;
  try {
    await admin.alterConsumerGroupOffsets({ groupId, topics });
  } catch (error) {
    writeError = error;
  }
  const codes = writeError === undefined ? undefined : partitionErrorsOf(writeError);

  let readBack: Map<string, bigint> | undefined;
  try {
    const offsets = await admin.listConsumerGroupOffsets({
      groups: [{ groupId, topics: [...byTopic(targets)].map(([name, list]) => ({ name, partitionIndexes: list.map((t) => t.partition) })) }],
    });
    readBack = committedMap(offsets, groupId);
  } catch {
    readBack = undefined;
  }

  const written: TopicPartitionOffset[] = [];
  const notWritten: PartitionWriteFailure[] = [];
  const unverified: TopicPartitionOffset[] = [];
  const writeText = writeError === undefined ? '' : describeError(writeError);
  for (const t of targets) {
    const key = tpKey(t);
    const code = codes?.get(key);
    if (readBack) {
      // The read-back is the authority: a partition at its target is where it should be.
      const now = readBack.get(key);
      if (now === t.offset) {
        written.push(t);
        continue;
      }
      const seen = now === undefined ? 'no committed offset after the write' : `committed offset is ${now} after the write`;
      const why = code ? `${code}; ${seen}` : writeText ? `${seen} (${writeText})` : seen;
      notWritten.push({ topic: t.topic, partition: t.partition, target: t.offset, reason: why });
    } else if (code) {
      notWritten.push({ topic: t.topic, partition: t.partition, target: t.offset, reason: code });
    } else {
      // Kafka accepted it (or said nothing about it) and it could not be read back.
      unverified.push(t);
    }
  }
  return { written, notWritten, unverified, error: writeError };
}
