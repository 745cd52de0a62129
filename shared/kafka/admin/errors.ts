import { KafkaConnectionError } from '../errors.ts';
import { errorName } from '../wire/index.ts';
import type { PartitionResponse } from './types.ts';

/** The cluster could not route a request: no broker reachable, no leader, no coordinator. */
export class KafkaRoutingError extends KafkaConnectionError {
  constructor(message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, { code: 'KAFKA_ROUTING', retriable: options.retriable ?? true, cause: options.cause });
  }
}

/**
 * Topics the cluster does not know (UNKNOWN_TOPIC_OR_PARTITION in Metadata), named
 * exactly: the topics whose own entry in the response carried the error.
 */
export class KafkaUnknownTopicsError extends KafkaConnectionError {
  readonly topics: readonly string[];

  constructor(topics: readonly string[]) {
    super(`Unknown topic${topics.length === 1 ? '' : 's'}: ${topics.join(', ')}`, { code: 'KAFKA_UNKNOWN_TOPIC_OR_PARTITION', retriable: true });
    this.topics = topics;
  }
}

/**
 * Some partitions of an OffsetCommit / OffsetDelete were refused. `response` is the
 * broker's whole answer: partitions answered 0 were written.
 */
export class KafkaPartitionErrors extends KafkaConnectionError {
  readonly response: PartitionResponse;
  /** `topic-partition` -> Kafka's error name, for the refused partitions. */
  readonly failed: ReadonlyMap<string, string>;

  constructor(api: string, groupId: string, response: PartitionResponse, retriable: boolean) {
    const failed = new Map<string, string>();
    for (const t of response.topics) for (const p of t.partitions) if (p.errorCode !== 0) failed.set(`${t.name}-${p.partitionIndex}`, errorName(p.errorCode));
    const names = [...new Set(failed.values())].join(', ');
    super(`${api} for group '${groupId}' refused ${failed.size} partition(s): ${names}`, { code: 'KAFKA_PARTITION_ERRORS', retriable });
    this.response = response;
    this.failed = failed;
  }
}
