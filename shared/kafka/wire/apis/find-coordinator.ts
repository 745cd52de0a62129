import type { KafkaApi } from '../api.ts';
import type { Reader, Writer } from '../codec.ts';

export interface FindCoordinatorRequest {
  /** 0 = group, 1 = transaction, 2 = share. */
  readonly keyType: number;
  readonly keys: readonly string[];
}

export interface Coordinator {
  key: string;
  nodeId: number;
  host: string;
  port: number;
  errorCode: number;
  errorMessage: string | null;
}

export interface FindCoordinatorResponse {
  throttleTimeMs: number;
  coordinators: Coordinator[];
}

function readCoordinator(r: Reader): Coordinator {
  const coordinator = {
    key: r.compactString(),
    nodeId: r.int32(),
    host: r.compactString(),
    port: r.int32(),
    errorCode: r.int16(),
    errorMessage: r.compactNullableString(),
  };
  r.skipTaggedFields();
  return coordinator;
}

/**
 * FindCoordinator v4 (key 10, Kafka 3.0+): the coordinators of many keys in one request (KIP-699).
 *
 * @example
 * const { coordinators } = await connection.request(findCoordinatorV4, { keyType: 0, keys: ['orders-service', 'email-service'] });
 */
export const findCoordinatorV4: KafkaApi<FindCoordinatorRequest, FindCoordinatorResponse> = {
  name: 'FindCoordinator',
  key: 10,
  version: 4,
  flexible: true,
  since: '3.0',
  encode(w: Writer, request: FindCoordinatorRequest): void {
    w.int8(request.keyType).compactStringArray(request.keys).taggedFields();
  },
  decode(r: Reader): FindCoordinatorResponse {
    const response = { throttleTimeMs: r.int32(), coordinators: r.compactArray(readCoordinator) };
    r.skipTaggedFields();
    return response;
  },
};
