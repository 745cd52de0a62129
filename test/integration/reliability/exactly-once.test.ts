// The reliability run of the local runtime (issue: local runtime): a 3-node cluster, a
// replication-factor-3 topic, 100,000 records, 5% transient handler failures, one broker
// killed and restarted and the runtime killed (SIGKILL) twice during the run. With the
// library's idempotency (watermark + transactional effects), the sink holds every record
// exactly once.
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient, ScanCommand, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { Admin } from '@platformatic/kafka';
import { KafkaCluster } from '../../../local/kafka/index.ts';
import { ensureIdempotencyTable } from '../../../shared/idempotency/index.ts';
import { freshName, resilientProducer } from '../support/kafka.ts';
import { eventually, startRuntimeProcess } from '../esm/support.ts';

const CONSUMER = fileURLToPath(new URL('./fixtures/exactly-once-consumer.ts', import.meta.url));
const TOTAL = 100_000;
const PARTITIONS = 6;

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
}

describe('the reliability run', () => {
  let cluster: KafkaCluster;
  const dynamo = new DynamoDBClient({});
  const tables = { idempotency: freshName('rel-idem'), sink: freshName('rel-sink') };
  const dir = mkdtempSync(join(tmpdir(), 'scg-reliability-'));

  beforeAll(async () => {
    cluster = await KafkaCluster.start({ nodes: 3 });
    await ensureIdempotencyTable(dynamo, tables.idempotency);
    await dynamo.send(
      new CreateTableCommand({ TableName: tables.sink, BillingMode: 'PAY_PER_REQUEST', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }] }),
    );
    await waitUntilTableExists({ client: dynamo, maxWaitTime: 30, minDelay: 1, maxDelay: 2 }, { TableName: tables.sink });
  }, 240_000);
  afterAll(async () => {
    await cluster?.stop();
    await Promise.all(Object.values(tables).map((TableName) => dynamo.send(new DeleteTableCommand({ TableName })).catch(() => undefined)));
    dynamo.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('with a broker and the runtime killed mid-run, the sink holds each of 100,000 records exactly once', async () => {
    const topic = freshName('reliability');
    const group = freshName('reliability-group');
    const admin = new Admin({ clientId: 'reliability-admin', bootstrapBrokers: cluster.brokers, retries: 20, retryDelay: 500 });
    await admin.createTopics({ topics: [topic], partitions: PARTITIONS, replicas: 3 });

    const configPath = join(dir, 'runtime.json');
    writeFileSync(
      configPath,
      JSON.stringify({
        bootstrapServers: cluster.bootstrapServers,
        functions: [
          {
            functionName: 'exactly-once',
            functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:exactly-once',
            modulePath: CONSUMER,
            handlerName: 'handler',
            timeoutSeconds: 60,
            memoryMb: 512,
            environment: { SCG_GROUP_ID: group, SCG_IDEMPOTENCY_TABLE: tables.idempotency, SINK_TABLE: tables.sink, FAILURE_RATE: '0.05', POWERTOOLS_LOG_LEVEL: 'ERROR' },
          },
        ],
        mappings: [
          {
            uuid: randomUUID(),
            functionName: 'exactly-once',
            topics: [topic],
            consumerGroupId: group,
            source: { kind: 'self-managed' },
            batchSize: 1_000,
            maximumBatchingWindowInSeconds: 0,
            provisionedPollerConfig: { minimumPollers: 2, maximumPollers: 2 },
          },
        ],
      }),
    );

    // Produce in the background while the faults happen. Not idempotent: a producer retry may
    // write a record twice, which only adds records; every offset in the log must then be
    // processed exactly once, so the expected sums come from the log end offsets.
    const producer = resilientProducer(cluster.brokers, { clientId: 'reliability-producer' });
    let produced = 0;
    const producing = (async () => {
      const value = Buffer.alloc(100, 'r');
      while (produced < TOTAL) {
        const n = Math.min(2_000, TOTAL - produced);
        await producer.send(Array.from({ length: n }, (_, i) => ({ topic, key: Buffer.from(`k${produced + i}`), value })));
        produced += n;
      }
    })();

    const logEnds = async (): Promise<Map<number, bigint>> => {
      const [t] = await admin.listOffsets({ topics: [{ name: topic, partitions: Array.from({ length: PARTITIONS }, (_, partitionIndex) => ({ partitionIndex, timestamp: -1n })) }] });
      return new Map(t!.partitions.map((p) => [p.partitionIndex, p.offset]));
    };
    let runtime = await startRuntimeProcess(configPath);
    try {
      await eventually('a fifth produced', () => produced >= TOTAL * 0.2, 120_000);
      await cluster.killNode(2);
      await eventually('two fifths produced', () => produced >= TOTAL * 0.4, 120_000);
      await kill(runtime); // first runtime crash
      runtime = await startRuntimeProcess(configPath);
      await cluster.restartNode(2);
      await eventually('three fifths produced', () => produced >= TOTAL * 0.6, 120_000);
      await kill(runtime); // second runtime crash
      runtime = await startRuntimeProcess(configPath);
      await producing;

      // Every acknowledged record is in the log: sends use acks=all (min.insync.replicas=2).
      // A leader that just took over (the restarted node, preferred again) may report a high
      // watermark that lags for a moment, so the check waits briefly; a lost record fails it.
      let total = 0n;
      await eventually('the log holds every acknowledged record', async () => {
        total = [...(await logEnds()).values()].reduce((a, b) => a + b, 0n);
        return total >= BigInt(TOTAL);
      }, 30_000);
      await eventually(
        'every record committed',
        async () => {
          const [offsets] = await admin.listConsumerGroupOffsets({ groups: [group] });
          return (offsets?.topics.find((t) => t.name === topic)?.partitions ?? []).reduce((sum, p) => sum + (p.committedOffset > 0n ? p.committedOffset : 0n), 0n) === total;
        },
        300_000,
      );
    } finally {
      await kill(runtime);
      await producer.close();
    }

    const ends = await logEnds();
    await admin.close();
    const { Items = [] } = await dynamo.send(new ScanCommand({ TableName: tables.sink }));
    const sink = new Map(Items.map((item) => [item.pk!.S!, { count: BigInt(item.count!.N!), sum: BigInt(item.sum!.N!), squares: BigInt(item.squares!.N!) }]));
    for (const [partition, n] of ends) {
      // Offsets 0..n-1, each a record (no transactions, so no control records in the log).
      const expected = { count: n, sum: (n * (n - 1n)) / 2n, squares: ((n - 1n) * n * (2n * n - 1n)) / 6n };
      expect({ partition, ...(sink.get(`${topic}-${partition}`) ?? { count: 0n, sum: 0n, squares: 0n }) }).toEqual({ partition, ...expected });
    }
    expect([...sink.values()].reduce((s, v) => s + v.count, 0n)).toBe([...ends.values()].reduce((a, b) => a + b, 0n));
  }, 600_000);
});
