import * as z from 'zod/mini';
import { MalformedEventError, parseTopicPartitionKey, topicPartitionKey } from '../events/index.ts';
import { safeParse } from '../validation/index.ts';
import { BatchResponseError } from './errors.ts';

// THE ONE PLACE that knows the Kafka partial batch response shape.
//
//   { "batchItemFailures": [ { "itemIdentifier": { "partition": "<topic>-<partition>", "offset": <number> } } ] }
//
// Unlike SQS/Kinesis/DynamoDB, a Kafka itemIdentifier is an object, not a string. `partition` is
// the `records` key of the event (topic and partition joined by `-`), `offset` a JSON number.
// How this was settled (sources disagreed):
// - AWS documents partial batch responses for Kafka on "Configuring error handling controls for
//   Kafka event sources": https://docs.aws.amazon.com/lambda/latest/dg/kafka-retry-configurations.html
//   (the copy available while writing this showed the option, not the response syntax).
// - Powertools for AWS Lambda (Python), batch utility as released: `KafkaItemIdentifier`
//   (`partition: str`, `offset: int`) in aws_lambda_powertools/utilities/batch/types.py, built by
//   `_collect_kafka_failures` in base.py, asserted as {"partition": "mytopic-0", "offset": 1} in
//   tests/functional/batch/required_dependencies/test_utilities_batch_kafka.py. The first commit of
//   that PR (aws-powertools/powertools-lambda-python#7941, e9661cd) spelled the key
//   "topic-partition"; it became "partition" before release: that is the second spelling.
// - aws/aws-lambda-rust-runtime#1164 (`KafkaItemIdentifier { partition: String, offset: i64 }`,
//   citing the AWS page above) agrees with the released Powertools shape.
// - @middy/event-batch-response documents a "<topic>-<partition>-<offset>" STRING; it disagrees
//   with both and is not followed.
// Semantics, ASSUMED from the Kinesis rules on
// https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html (not
// confirmed for Kafka): an empty or absent list is success; a malformed identifier fails the whole
// batch; a partition reported twice resumes at its lowest reported offset. Lambda resumes each
// reported partition at the reported offset.
//
// The offset is a JSON number here, an exception to the project rule of printing offsets as
// strings: it is AWS's contract. Offsets above 2^53-1 cannot be expressed and are refused.

/** Identifies the first record to retry in one topic-partition. */
export interface KafkaItemIdentifier {
  /** `"<topic>-<partition>"`, the event's `records` key. */
  readonly partition: string;
  readonly offset: number;
}

export interface KafkaBatchItemFailure {
  readonly itemIdentifier: KafkaItemIdentifier;
}

/** What a Kafka-triggered function returns when `ReportBatchItemFailures` is on. */
export interface KafkaBatchResponse {
  readonly batchItemFailures: readonly KafkaBatchItemFailure[];
}

/** A failure as the library sees it: a record's coordinates. */
export interface RecordCoordinates {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
}

/** A reported failure read back from a response, with the key split into topic and partition. */
export interface ReportedFailure extends RecordCoordinates {
  /** The `partition` string as reported. */
  readonly key: string;
}

/** How Lambda would read a function's response. */
export type ParsedBatchResponse =
  | { readonly kind: 'success' }
  | { readonly kind: 'failures'; readonly failures: readonly ReportedFailure[] }
  | { readonly kind: 'invalid'; readonly reason: string };

const MAX_SAFE_OFFSET = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * The identifier of one record.
 *
 * @throws BatchResponseError for an offset beyond 2^53-1 (not expressible as a JSON number).
 * @example
 * toItemIdentifier('my-topic', 0, 42n); // { partition: 'my-topic-0', offset: 42 }
 */
export function toItemIdentifier(topic: string, partition: number, offset: bigint): KafkaItemIdentifier {
  if (offset < 0n || offset > MAX_SAFE_OFFSET) {
    throw new BatchResponseError(`offset ${offset} of topic ${topic} partition ${partition} cannot be reported as a JSON number`);
  }
  return { partition: topicPartitionKey(topic, partition), offset: Number(offset) };
}

/**
 * The partial batch response naming `failures` (one per failed partition: its first failed record).
 *
 * @example
 * buildBatchResponse([{ topic: 'orders', partition: 3, offset: 17n }]);
 * // { batchItemFailures: [{ itemIdentifier: { partition: 'orders-3', offset: 17 } }] }
 */
export function buildBatchResponse(failures: readonly RecordCoordinates[]): KafkaBatchResponse {
  return {
    batchItemFailures: failures.map((f) => ({ itemIdentifier: toItemIdentifier(f.topic, f.partition, f.offset) })),
  };
}

const itemIdentifierSchema = z.strictObject({
  partition: z.string().check(z.minLength(3)),
  offset: z.number().check(z.int(), z.minimum(0)),
});

const batchItemFailureSchema = z.strictObject({ itemIdentifier: itemIdentifierSchema });

/**
 * Reads a function's response the way Lambda does for a Kafka event source mapping with
 * `ReportBatchItemFailures`: `null`/`undefined`, an object without `batchItemFailures`, or an
 * empty/null list mean success; anything malformed is `invalid` (the whole batch is retried).
 * Several failures for one partition collapse to the lowest offset. The local runtime uses this.
 *
 * @example
 * const parsed = parseBatchResponse(await handler(event, context));
 * if (parsed.kind === 'failures') for (const f of parsed.failures) rewind(f.topic, f.partition, f.offset);
 */
export function parseBatchResponse(response: unknown): ParsedBatchResponse {
  if (response === undefined || response === null) return { kind: 'success' };
  if (typeof response !== 'object' || Array.isArray(response)) {
    return { kind: 'invalid', reason: 'the response is not an object' };
  }
  const list = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (list === undefined || list === null) return { kind: 'success' };
  if (!Array.isArray(list)) return { kind: 'invalid', reason: 'batchItemFailures is not an array' };
  const lowest = new Map<string, ReportedFailure>();
  for (let i = 0; i < list.length; i++) {
    const parsed = safeParse(batchItemFailureSchema, list[i]);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = ['batchItemFailures', i, ...(issue?.path ?? [])].map(String).join('.');
      return { kind: 'invalid', reason: `${where}: ${issue?.message ?? 'invalid'}` };
    }
    const { partition: key, offset } = parsed.data.itemIdentifier;
    let coordinates: { topic: string; partition: number };
    try {
      coordinates = parseTopicPartitionKey(key, `batchItemFailures.${i}.itemIdentifier.partition`);
    } catch (error) {
      if (error instanceof MalformedEventError) return { kind: 'invalid', reason: error.message };
      throw error;
    }
    const previous = lowest.get(key);
    if (previous === undefined || BigInt(offset) < previous.offset) {
      lowest.set(key, { ...coordinates, key, offset: BigInt(offset) });
    }
  }
  if (lowest.size === 0) return { kind: 'success' };
  return { kind: 'failures', failures: [...lowest.values()] };
}
