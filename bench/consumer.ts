// The consumer composition (shared/consumer), two figures:
// (a) pipeline overhead per record: the composed handler (decode, batch, logging, metrics) on a
//     10,000-record event over 6 partitions with a no-op record handler and idempotency off,
//     against a bare loop over the same records already decoded; target <= 2 µs per record.
// (b) idempotency store requests and wall time per 1,000-record batch over 6 partitions, on the
//     DynamoDB store against a moto server started here: offset watermarks vs business keys vs
//     one conditional write per record (the Powertools-idempotency style, as the baseline);
//     target: watermark mode makes O(partitions) requests.
//   npm run bench -- consumer [--runs 21] [--store-runs 3] [--skip-store]
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { Logger } from '@aws-lambda-powertools/logger';
import { ConditionalCheckFailedException, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { kafkaConsumer } from '../shared/consumer/index.ts';
import type { ConsumerHandler, IdempotencyOptions, LambdaContextLike } from '../shared/consumer/index.ts';
import { decodeKafkaEvent, encodeKafkaEvent } from '../shared/events/index.ts';
import type { KafkaEvent, KafkaRecord, KafkaRecordInput } from '../shared/events/index.ts';
import { DynamoDbIdempotencyStore, ensureIdempotencyTable } from '../shared/idempotency/index.ts';
import { AwsEmulator } from '../local/aws/index.ts';

const PARTITIONS = 6;
const PIPELINE_RECORDS = 10_000;
const STORE_RECORDS = 1_000;
const TARGET_US_PER_RECORD = 2;
const WARMUP = 5;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** `count` records spread over 6 partitions in offset order, JSON values with a unique `id`. */
function event(topic: string, count: number, firstOffset = 0): KafkaEvent {
  const records: KafkaRecordInput[] = [];
  for (let i = 0; i < count; i++) {
    const partition = i % PARTITIONS;
    const offset = BigInt(firstOffset + Math.floor(i / PARTITIONS));
    records.push({
      topic,
      partition,
      offset,
      timestampMs: 1_700_000_000_000 + i,
      key: Buffer.from(`user-${i}`),
      value: Buffer.from(JSON.stringify({ id: `${topic}-${partition}-${offset}`, type: 'user.login', userId: `user-${i}`, at: '2026-03-01T10:00:00Z' })),
    });
  }
  // Through JSON, as Lambda delivers it.
  return JSON.parse(JSON.stringify(encodeKafkaEvent(records, { kind: 'self-managed', bootstrapServers: '127.0.0.1:9092' }))) as KafkaEvent;
}

const context = (requestId: string): LambdaContextLike => ({ awsRequestId: requestId, functionName: 'bench', getRemainingTimeInMillis: () => 60_000 });
const verdict = (pass: boolean): string => (pass ? 'PASS' : 'FAIL');
const quietLogger = (): Logger => new Logger({ serviceName: 'bench', logLevel: 'WARN' });
const discard = (): void => undefined;

async function pipeline(runs: number): Promise<void> {
  console.log(`\n-- (a) pipeline overhead: ${PIPELINE_RECORDS.toLocaleString('en')} records over ${PARTITIONS} partitions, no-op handler, idempotency off --`);
  const input = event('order-events', PIPELINE_RECORDS);
  let calls = 0;
  const noop = (record: KafkaRecord): void => {
    calls += record.partition >= 0 ? 1 : 0;
  };
  const handler = kafkaConsumer({
    env: { SCG_GROUP_ID: 'bench-pipeline', SCG_REPORT_BATCH_ITEM_FAILURES: 'true' },
    logger: quietLogger(),
    // EMF is built and serialized as in production; only the write to stdout is skipped.
    metrics: { sink: discard },
    recordHandler: noop,
  });
  const decoded = decodeKafkaEvent(input);
  const bare = (): void => {
    for (const partition of decoded.partitions) for (const record of partition.records) noop(record);
  };
  const composedSamples: number[] = [];
  const bareSamples: number[] = [];
  const decodeSamples: number[] = [];
  for (let i = 0; i < WARMUP; i++) {
    await handler(input, context(`warm-${i}`));
    bare();
    decodeKafkaEvent(input);
  }
  // Interleaved, so drift (GC, CPU frequency) hits both sides alike.
  for (let i = 0; i < runs; i++) {
    let start = performance.now();
    await handler(input, context(`run-${i}`));
    composedSamples.push(performance.now() - start);
    start = performance.now();
    bare();
    bareSamples.push(performance.now() - start);
    start = performance.now();
    decodeKafkaEvent(input);
    decodeSamples.push(performance.now() - start);
  }
  const composed = median(composedSamples);
  const baseline = median(bareSamples);
  const decode = median(decodeSamples);
  const perRecordUs = ((composed - baseline) * 1_000) / PIPELINE_RECORDS;
  console.log(`  median of ${runs} runs after ${WARMUP} warm-ups; Node ${process.version}`);
  console.log(`  baseline: bare loop over the decoded records   ${baseline.toFixed(3).padStart(8)} ms   ${((baseline * 1_000) / PIPELINE_RECORDS).toFixed(3)} µs/record`);
  console.log(`  composed handler (kafkaConsumer)               ${composed.toFixed(3).padStart(8)} ms   ${((composed * 1_000) / PIPELINE_RECORDS).toFixed(3)} µs/record`);
  console.log(`    of which decodeKafkaEvent (validation)       ${decode.toFixed(3).padStart(8)} ms   ${((decode * 1_000) / PIPELINE_RECORDS).toFixed(3)} µs/record`);
  console.log(`  overhead: ${perRecordUs.toFixed(3)} µs/record (target <= ${TARGET_US_PER_RECORD} µs/record)   ${verdict(perRecordUs <= TARGET_US_PER_RECORD)}`);
  // Both sides really ran every record (and the work stays observable to the optimizer).
  const expected = (WARMUP + runs) * PIPELINE_RECORDS * 2;
  if (calls !== expected) throw new Error(`the no-op handler ran ${calls} times, expected ${expected}`);
}

interface StoreResult {
  readonly name: string;
  readonly requests: number;
  readonly detail: string;
  readonly wallMs: number;
}

/** Runs `runs` fresh 1,000-record batches through `handler`, returns the median wall time and the requests of one batch. */
async function measure(name: string, runs: number, handler: ConsumerHandler, counter: () => { total: number; detail: string }): Promise<StoreResult> {
  const walls: number[] = [];
  let perBatch = { total: 0, detail: '' };
  for (let i = 0; i < runs; i++) {
    const before = counter().total;
    const start = performance.now();
    const response = await handler(event(`${name}-${i}`, STORE_RECORDS), context(`${name}-${i}`));
    walls.push(performance.now() - start);
    if (response.batchItemFailures.length > 0) throw new Error(`${name}: ${response.batchItemFailures.length} partitions failed`);
    perBatch = { total: counter().total - before, detail: counter().detail };
  }
  return { name, requests: perBatch.total, detail: perBatch.detail, wallMs: median(walls) };
}

async function storeRequests(runs: number): Promise<void> {
  console.log(`\n-- (b) idempotency store: ${STORE_RECORDS.toLocaleString('en')}-record batch over ${PARTITIONS} partitions, DynamoDB store on moto --`);
  const aws = await AwsEmulator.start();
  const saved = { ...process.env };
  Object.assign(process.env, aws.environment());
  const client = new DynamoDBClient({});
  try {
    const table = 'bench-idempotency';
    await ensureIdempotencyTable(client, table);
    const common = { logger: quietLogger(), metrics: { sink: discard } as const };
    const noop = (): void => undefined;
    const consumerWith = (groupId: string, idempotency: IdempotencyOptions | 'off', recordHandler: (record: KafkaRecord) => unknown = noop): ConsumerHandler =>
      kafkaConsumer({ ...common, env: { SCG_GROUP_ID: groupId, SCG_REPORT_BATCH_ITEM_FAILURES: 'true' }, idempotency, recordHandler });
    const counted = (store: DynamoDbIdempotencyStore) => () => ({
      total: store.requestCount,
      detail: Object.entries(store.requestCounts)
        .filter(([, n]) => n > 0)
        .map(([op, n]) => `${op} ${n}`)
        .join(', '),
    });

    // Baseline: what an idempotency layer without batch awareness does, one conditional write per record.
    let conditionalWrites = 0;
    const perRecord = consumerWith('bench-per-record', 'off', async (record: KafkaRecord) => {
      conditionalWrites += 1;
      try {
        await client.send(
          new PutItemCommand({
            TableName: table,
            Item: { pk: { S: `rec#bench-per-record#${record.topic}-${record.partition}-${record.offset}` }, status: { S: 'COMPLETED' } },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    });
    const watermarkStore = new DynamoDbIdempotencyStore({ tableName: table });
    const keyStore = new DynamoDbIdempotencyStore({ tableName: table });
    const results = [
      await measure('per-record', runs, perRecord, () => ({ total: conditionalWrites, detail: `PutItem ${conditionalWrites}` })),
      await measure('watermark', runs, consumerWith('bench-watermark', { mode: 'watermark', store: watermarkStore }), counted(watermarkStore)),
      await measure('key', runs, consumerWith('bench-key', { mode: 'key', key: 'id', store: keyStore }), counted(keyStore)),
    ];
    const baseline = results[0] as StoreResult;
    console.log(`  median wall time of ${runs} fresh batches; requests of one batch`);
    console.log('  mode                                 requests   wall time   vs baseline');
    const label: Record<string, string> = {
      'per-record': 'baseline: 1 conditional write/record',
      watermark: 'offset watermarks',
      key: 'business keys',
    };
    for (const r of results) {
      const ratio = baseline.requests / Math.max(r.requests, 1);
      const requests = ratio >= 1 ? `${ratio.toFixed(0)}x fewer requests` : `${(1 / ratio).toFixed(1)}x more requests`;
      const versus = r === baseline ? '-' : `${requests}, ${(r.wallMs / baseline.wallMs).toFixed(2)}x the wall time`;
      console.log(`  ${(label[r.name] ?? r.name).padEnd(36)} ${String(r.requests).padStart(8)} ${r.wallMs.toFixed(1).padStart(9)} ms   ${versus}`);
      if (r !== baseline) console.log(`  ${''.padEnd(36)} (${r.detail} over ${runs} batches)`);
    }
    const watermark = results[1] as StoreResult;
    // One BatchGetItem per 100 partitions plus at most one conditional write per partition.
    const bound = Math.ceil(PARTITIONS / 100) + PARTITIONS;
    console.log(`  watermark requests per batch: ${watermark.requests} (O(partitions): <= ${bound} for ${PARTITIONS} partitions)   ${verdict(watermark.requests <= bound)}`);
  } finally {
    client.destroy();
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    await aws.stop();
  }
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: { runs: { type: 'string', default: '21' }, 'store-runs': { type: 'string', default: '3' }, 'skip-store': { type: 'boolean', default: false } },
  });
  const runs = Math.max(1, Number.parseInt(values.runs, 10) || 21);
  const storeRuns = Math.max(1, Number.parseInt(values['store-runs'], 10) || 3);
  await pipeline(runs);
  if (!values['skip-store']) await storeRequests(storeRuns);
}
