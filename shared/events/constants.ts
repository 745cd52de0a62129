/**
 * `eventSource` values of the events Lambda's Kafka event source mapping sends.
 *
 * - MSK: `aws:kafka` (https://docs.aws.amazon.com/lambda/latest/dg/with-msk.html, "Example event").
 * - Self-managed: real payloads carry `SelfManagedKafka` (a Confluent Cloud payload quoted in
 *   https://github.com/calavera/aws-lambda-events/issues/107, and the value Powertools' parser
 *   validates), while AWS's guide has printed `aws:SelfManagedKafka`. The decoder accepts both; the
 *   encoder writes `SelfManagedKafka` unless told otherwise.
 */
export const EVENT_SOURCES = {
  MSK: 'aws:kafka',
  SELF_MANAGED: 'SelfManagedKafka',
  SELF_MANAGED_DOCUMENTED: 'aws:SelfManagedKafka',
} as const;

/** Kafka timestamp types as Lambda spells them in `timestampType`. */
export const TIMESTAMP_TYPES = {
  CREATE_TIME: 'CREATE_TIME',
  LOG_APPEND_TIME: 'LOG_APPEND_TIME',
} as const;

/** Which cluster kind an encoded event comes from. */
export const EVENT_ORIGIN_KINDS = {
  MSK: 'msk',
  SELF_MANAGED: 'self-managed',
} as const;

/**
 * Lambda's synchronous invocation payload limit (6 MB = 6,291,456 bytes): the event source
 * mapping cuts a batch before it would exceed it.
 * https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 */
export const MAX_INVOKE_PAYLOAD_BYTES = 6 * 1024 * 1024;

/** Stable error codes of the events module. */
export const EVENTS_ERROR_CODES = {
  MALFORMED: 'EVENTS_MALFORMED',
  OUT_OF_ORDER: 'EVENTS_OUT_OF_ORDER',
  RECORD_UNDECODABLE: 'EVENTS_RECORD_UNDECODABLE',
  INVALID_INPUT: 'EVENTS_INVALID_INPUT',
} as const;
