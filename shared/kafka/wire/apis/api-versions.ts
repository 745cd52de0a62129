import type { KafkaApi } from '../api.ts';
import type { Reader, Writer } from '../codec.ts';

/** ApiVersions v3 request: who we are (letters, digits, `.` and `-` only, or the broker answers INVALID_REQUEST). */
export interface ApiVersionsRequest {
  readonly clientSoftwareName: string;
  readonly clientSoftwareVersion: string;
}

/** One API the broker serves, with the range of versions it accepts. */
export interface ApiVersionRange {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

export interface ApiVersionsResponse {
  errorCode: number;
  apiKeys: ApiVersionRange[];
  throttleTimeMs: number;
}

function readRange(r: Reader): ApiVersionRange {
  const range = { apiKey: r.int16(), minVersion: r.int16(), maxVersion: r.int16() };
  r.skipTaggedFields();
  return range;
}

function readLegacyRange(r: Reader): ApiVersionRange {
  return { apiKey: r.int16(), minVersion: r.int16(), maxVersion: r.int16() };
}

/**
 * ApiVersions v3 (key 18), the first request on every connection (Kafka 2.4+). Its
 * response always has header v0, even though the request is flexible.
 *
 * @example
 * const { apiKeys } = await connection.request(apiVersionsV3, { clientSoftwareName: 'scg', clientSoftwareVersion: '1.0.0' });
 */
export const apiVersionsV3: KafkaApi<ApiVersionsRequest, ApiVersionsResponse> = {
  name: 'ApiVersions',
  key: 18,
  version: 3,
  flexible: true,
  since: '2.4',
  encode(w: Writer, request: ApiVersionsRequest): void {
    w.compactString(request.clientSoftwareName).compactString(request.clientSoftwareVersion).taggedFields();
  },
  decode(r: Reader): ApiVersionsResponse {
    const errorCode = r.int16();
    if (errorCode !== 0) {
      // A broker that does not speak v3 answers UNSUPPORTED_VERSION in the v0 layout
      // (non-compact array, no throttle time) to say which ApiVersions versions it has.
      const apiKeys = errorCode === 35 && r.remaining >= 4 ? r.array(readLegacyRange) : [];
      return { errorCode, apiKeys, throttleTimeMs: 0 };
    }
    const apiKeys = r.compactArray(readRange);
    const throttleTimeMs = r.int32();
    r.skipTaggedFields();
    return { errorCode, apiKeys, throttleTimeMs };
  },
};
