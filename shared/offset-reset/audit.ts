// The audit trail of offset resets: one DynamoDB item per execution (dry runs are only
// logged: they change nothing, and storing each would bury the executions).
//
// Table: pk (S) = group id, sk (S) = `<ISO start time>#<8 hex>`: a group's history sorts
// by time and `Query pk = :group` lists it. The record is written when the execution
// starts (outcome IN_PROGRESS, before any mapping is paused: no record, no execution) and
// overwritten when it ends, so a function that dies mid-way still leaves a trace.
// Items are limited to 400 KB: the detail document (input, plan, result) is stored as
// JSON when small, gzip-compressed when larger, and truncated with counts if still too big.
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import {
  CreateTableCommand,
  PutItemCommand,
  ResourceInUseException,
  waitUntilTableExists,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { AUDIT_DETAIL_MAX_BYTES, AUDIT_INLINE_MAX_BYTES } from './constants.ts';
import { AuditError } from './errors.ts';

/** One audit record. `detail` must be JSON-serializable (offsets as strings). */
export interface AuditEntry {
  readonly action: 'reset' | 'deleteOffsets';
  readonly groupId: string;
  readonly requestedBy: string;
  readonly reason: string;
  /** ISO 8601 time the execution started; also the first half of the sort key. */
  readonly startedAt: string;
  readonly finishedAt?: string | undefined;
  /** `IN_PROGRESS` while running, then the outcome (`SUCCEEDED`, `FAILED`, `REFUSED`). */
  readonly outcome: string;
  readonly summary?: string | undefined;
  readonly strategy?: string | undefined;
  readonly partitionCount?: number | undefined;
  readonly restored?: boolean | undefined;
  readonly invocation?: { readonly awsRequestId?: string | undefined; readonly functionArn?: string | undefined } | undefined;
  /** `{ input, plan, result }`: the before/after of every partition. */
  readonly detail: Record<string, unknown>;
}

/** Where audit records go; `DynamoDbAuditTrail` in production, a fake in tests. */
export interface AuditTrail {
  /** Writes the record (overwrites the one with the same `id`); returns its sort key. */
  put(entry: AuditEntry, id?: string): Promise<string>;
}

/** Arrays that grow with the partition count, truncated first when a record is too big. */
const LONG_ARRAYS = [
  ['plan', 'partitions'],
  ['result', 'written'],
  ['result', 'notWritten'],
  ['result', 'unverified'],
  ['result', 'partitions'],
] as const;

function jsonBytes(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

/**
 * The detail document as DynamoDB attributes: `detail` (S, JSON) when under 64 KB,
 * `detailGzip` (B, gzip of the JSON) up to 300 KB compressed; beyond that the long arrays
 * are cut (halving until it fits) and `detailTruncated` records what was kept of what.
 */
export function encodeDetail(detail: Record<string, unknown>): Record<string, AttributeValue> {
  const plain = jsonBytes(detail);
  if (plain.length <= AUDIT_INLINE_MAX_BYTES) return { detail: { S: plain.toString('utf8') } };
  let zipped = gzipSync(plain);
  if (zipped.length <= AUDIT_DETAIL_MAX_BYTES) return { detailGzip: { B: zipped } };

  const copy = structuredClone(detail) as Record<string, Record<string, unknown> | unknown>;
  const truncated: Record<string, { kept: number; total: number }> = {};
  for (let round = 0; round < 40 && zipped.length > AUDIT_DETAIL_MAX_BYTES; round++) {
    let cut = false;
    for (const [outer, inner] of LONG_ARRAYS) {
      const parent = copy[outer];
      if (typeof parent !== 'object' || parent === null) continue;
      const list = (parent as Record<string, unknown>)[inner];
      if (!Array.isArray(list) || list.length === 0) continue;
      const name = `${outer}.${inner}`;
      const total = truncated[name]?.total ?? list.length;
      const kept = Math.floor(list.length / 2);
      (parent as Record<string, unknown>)[inner] = list.slice(0, kept);
      truncated[name] = { kept, total };
      cut = true;
    }
    if (!cut) {
      // Nothing left to cut but still too big (a huge inline CSV): drop the input text.
      copy.input = { omitted: `input of ${jsonBytes(detail.input).length} bytes omitted: too large for one item` };
    }
    copy.truncated = truncated;
    zipped = gzipSync(jsonBytes(copy));
  }
  return {
    detailGzip: { B: zipped },
    detailTruncated: { S: JSON.stringify(truncated) },
  };
}

/**
 * The DynamoDB item of an audit entry.
 *
 * @example
 * auditItem(entry, '2026-05-01T10:00:00.000Z#a1b2c3d4').pk; // { S: entry.groupId }
 */
export function auditItem(entry: AuditEntry, id: string): Record<string, AttributeValue> {
  const item: Record<string, AttributeValue> = {
    pk: { S: entry.groupId },
    sk: { S: id },
    action: { S: entry.action },
    outcome: { S: entry.outcome },
    requestedBy: { S: entry.requestedBy },
    reason: { S: entry.reason },
    startedAt: { S: entry.startedAt },
    ...encodeDetail(entry.detail),
  };
  if (entry.finishedAt) item.finishedAt = { S: entry.finishedAt };
  if (entry.summary) item.summary = { S: entry.summary };
  if (entry.strategy) item.strategy = { S: entry.strategy };
  if (entry.partitionCount !== undefined) item.partitionCount = { N: String(entry.partitionCount) };
  if (entry.restored !== undefined) item.restored = { BOOL: entry.restored };
  if (entry.invocation?.awsRequestId) item.awsRequestId = { S: entry.invocation.awsRequestId };
  if (entry.invocation?.functionArn) item.functionArn = { S: entry.invocation.functionArn };
  return item;
}

/** Options of {@link DynamoDbAuditTrail}. */
export interface DynamoDbAuditTrailOptions {
  readonly client: DynamoDBClient;
  /** The audit table (`SCG_AUDIT_TABLE` in the function). */
  readonly tableName: string;
}

/**
 * Audit records in DynamoDB, with the low-level client (attribute values written by hand).
 *
 * @example
 * const audit = new DynamoDbAuditTrail({ client: new DynamoDBClient({}), tableName: process.env.SCG_AUDIT_TABLE! });
 */
export class DynamoDbAuditTrail implements AuditTrail {
  readonly #client: DynamoDBClient;
  readonly #tableName: string;

  constructor(options: DynamoDbAuditTrailOptions) {
    this.#client = options.client;
    this.#tableName = options.tableName;
  }

  async put(entry: AuditEntry, id?: string): Promise<string> {
    const sk = id ?? `${entry.startedAt}#${randomBytes(4).toString('hex')}`;
    try {
      await this.#client.send(new PutItemCommand({ TableName: this.#tableName, Item: auditItem(entry, sk) }));
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new AuditError(`writing the audit record of group '${entry.groupId}' to table "${this.#tableName}" failed (${reason})`, { cause: error });
    }
    return sk;
  }
}

/**
 * Creates the audit table if missing (on-demand, `pk` S HASH + `sk` S RANGE) and waits
 * until it is ACTIVE. For tests and the local sandbox; in AWS the CDK stack owns it.
 *
 * @example
 * await ensureAuditTable(new DynamoDBClient({}), 'offset-reset-audit');
 */
export async function ensureAuditTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw new AuditError(`creating audit table "${tableName}" failed`, { cause: error });
  }
  await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 5 }, { TableName: tableName });
}
