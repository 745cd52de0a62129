import type { KafkaApi } from '../api.ts';
import type { Reader, Writer } from '../codec.ts';

export interface ListGroupsV4Request {
  /** Group states to list, e.g. `Stable`, `Empty`; [] lists every state. */
  readonly statesFilter: readonly string[];
}

export interface ListGroupsV5Request extends ListGroupsV4Request {
  /** Group types to list: `classic`, `consumer`, `share`, `streams`; [] lists every type. */
  readonly typesFilter: readonly string[];
}

export interface ListedGroup {
  groupId: string;
  /** `consumer` for consumer groups, '' for groups of other clients (e.g. Connect uses `connect`). */
  protocolType: string;
  groupState: string;
  /** `classic`, `consumer`, `share` or `streams`; null from ListGroups v4, which does not say. */
  groupType: string | null;
}

export interface ListGroupsResponse {
  throttleTimeMs: number;
  errorCode: number;
  groups: ListedGroup[];
}

function readGroupV4(r: Reader): ListedGroup {
  const group = { groupId: r.compactString(), protocolType: r.compactString(), groupState: r.compactString(), groupType: null };
  r.skipTaggedFields();
  return group;
}

function readGroupV5(r: Reader): ListedGroup {
  const group = { groupId: r.compactString(), protocolType: r.compactString(), groupState: r.compactString(), groupType: r.compactString() };
  r.skipTaggedFields();
  return group;
}

function decode(r: Reader, readGroup: (r: Reader) => ListedGroup): ListGroupsResponse {
  const response = { throttleTimeMs: r.int32(), errorCode: r.int16(), groups: r.compactArray(readGroup) };
  r.skipTaggedFields();
  return response;
}

/**
 * ListGroups v4 (key 16, Kafka 2.6+): the groups one broker coordinates, filtered by state (KIP-518).
 *
 * @example
 * const { groups } = await connection.request(listGroupsV4, { statesFilter: ['Stable'] });
 */
export const listGroupsV4: KafkaApi<ListGroupsV4Request, ListGroupsResponse> = {
  name: 'ListGroups',
  key: 16,
  version: 4,
  flexible: true,
  since: '2.6',
  encode(w: Writer, request: ListGroupsV4Request): void {
    w.compactStringArray(request.statesFilter).taggedFields();
  },
  decode(r: Reader): ListGroupsResponse {
    return decode(r, readGroupV4);
  },
};

/**
 * ListGroups v5 (key 16, Kafka 3.8+): as v4, also filtered by group type (KIP-848).
 *
 * @example
 * const { groups } = await connection.request(listGroupsV5, { statesFilter: [], typesFilter: ['classic', 'consumer'] });
 */
export const listGroupsV5: KafkaApi<ListGroupsV5Request, ListGroupsResponse> = {
  name: 'ListGroups',
  key: 16,
  version: 5,
  flexible: true,
  since: '3.8',
  encode(w: Writer, request: ListGroupsV5Request): void {
    w.compactStringArray(request.statesFilter).compactStringArray(request.typesFilter).taggedFields();
  },
  decode(r: Reader): ListGroupsResponse {
    return decode(r, readGroupV5);
  },
};
