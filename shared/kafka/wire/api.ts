import type { Reader, Writer } from './codec.ts';

/**
 * One version of one Kafka API: how to write its request body and read its response body.
 * The connection writes and reads the headers around them.
 *
 * @example
 * const response = await connection.request(offsetFetchV8, { groups: [{ groupId: 'g', topics: null }], requireStable: false });
 */
export interface KafkaApi<Req, Res> {
  /** The API's name in the protocol guide, e.g. `OffsetFetch`. */
  readonly name: string;
  /** The API key, e.g. 9 for OffsetFetch. */
  readonly key: number;
  /** The one version this module speaks. */
  readonly version: number;
  /** Whether this version is "flexible": request header v2 and response header v1 (tagged fields). */
  readonly flexible: boolean;
  /** The first Apache Kafka release whose brokers speak this version, for error messages, e.g. `3.0`. */
  readonly since?: string;
  /** Writes the request body (after the request header). */
  encode(writer: Writer, request: Req): void;
  /** Reads the response body (after the response header). */
  decode(reader: Reader): Res;
}
