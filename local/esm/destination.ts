import type { Producer } from '@platformatic/kafka';
import { EsmRuntimeError } from './errors.ts';
import { partitionKey } from './delivery.ts';

/** A record discarded by the mapping, as the destination needs it. */
export interface DiscardedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly timestampMs: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly (readonly [string, Buffer])[];
}

export interface DiscardContext {
  readonly requestId: string;
  readonly functionArn: string;
  readonly condition: 'RetryAttemptsExhausted' | 'RecordAgeExceeded';
  readonly approximateInvokeCount: number;
  readonly eventSourceArn: string | undefined;
  readonly bootstrapServers: string;
  readonly lastError: string | undefined;
}

export interface OnFailureDestination {
  readonly description: string;
  send(records: readonly DiscardedRecord[], context: DiscardContext): Promise<void>;
}

/**
 * The invocation record Lambda sends to SQS/SNS/S3 destinations for Kafka sources
 * ("Capturing discarded batches for an Amazon MSK event source",
 * https://docs.aws.amazon.com/lambda/latest/dg/with-msk-on-failure.html): metadata, not
 * the records, except for S3 where the payload is included.
 */
export function invocationRecord(records: readonly DiscardedRecord[], context: DiscardContext, payloadSize: number) {
  const recordsInfo: Record<string, { firstRecordOffset: string; lastRecordOffset: string; firstRecordTimestamp: string; lastRecordTimestamp: string }> = {};
  for (const r of records) {
    const key = partitionKey(r.topic, r.partition);
    const ts = new Date(r.timestampMs).toISOString();
    const info = recordsInfo[key];
    if (!info) recordsInfo[key] = { firstRecordOffset: String(r.offset), lastRecordOffset: String(r.offset), firstRecordTimestamp: ts, lastRecordTimestamp: ts };
    else {
      info.lastRecordOffset = String(r.offset);
      info.lastRecordTimestamp = ts;
    }
  }
  return {
    requestContext: {
      requestId: context.requestId,
      functionArn: context.functionArn,
      condition: context.condition,
      approximateInvokeCount: context.approximateInvokeCount,
    },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    version: '1.0',
    timestamp: new Date().toISOString(),
    KafkaBatchInfo: {
      batchSize: records.length,
      ...(context.eventSourceArn ? { eventSourceArn: context.eventSourceArn } : {}),
      bootstrapServers: context.bootstrapServers,
      payloadSize,
      recordsInfo,
    },
  };
}

/**
 * `kafka://<topic>`: Lambda "writes failed records to the destination topic" with "the actual
 * failed records along with failure metadata"
 * (https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure-destination.html). The
 * metadata's exact encoding is not documented; ASSUMED here: the original key, value and
 * headers, plus headers `x-amzn-lambda-source-topic`, `-partition`, `-offset`, `-condition`,
 * `-error`.
 */
export function kafkaDestination(topic: string, producer: () => Promise<Producer>): OnFailureDestination {
  return {
    description: `kafka://${topic}`,
    async send(records, context) {
      const p = await producer();
      // acks is a per-send option in @platformatic/kafka: all in-sync replicas, like Lambda's producer would need.
      await p.send({
        acks: -1,
        messages: records.map((r) => {
          const headers = new Map<Buffer, Buffer>(r.headers.map(([k, v]) => [Buffer.from(k), v]));
          headers.set(Buffer.from('x-amzn-lambda-source-topic'), Buffer.from(r.topic));
          headers.set(Buffer.from('x-amzn-lambda-source-partition'), Buffer.from(String(r.partition)));
          headers.set(Buffer.from('x-amzn-lambda-source-offset'), Buffer.from(String(r.offset)));
          headers.set(Buffer.from('x-amzn-lambda-condition'), Buffer.from(context.condition));
          if (context.lastError) headers.set(Buffer.from('x-amzn-lambda-error'), Buffer.from(context.lastError.slice(0, 1000)));
          return { topic, ...(r.key ? { key: r.key } : {}), ...(r.value ? { value: r.value } : {}), headers };
        }),
      });
    },
  };
}

/** An SQS queue ARN: the invocation record as the message body. */
export function sqsDestination(queueArn: string): OnFailureDestination {
  const name = queueArn.split(':').at(-1)!;
  let queueUrl: Promise<string> | undefined;
  return {
    description: queueArn,
    async send(records, context) {
      const { SQSClient, GetQueueUrlCommand, SendMessageCommand } = await import('@aws-sdk/client-sqs');
      const sqs = new SQSClient({});
      try {
        queueUrl ??= sqs.send(new GetQueueUrlCommand({ QueueName: name })).then((o) => o.QueueUrl!);
        const url = await queueUrl.catch((error: unknown) => {
          queueUrl = undefined;
          throw error;
        });
        const size = records.reduce((n, r) => n + (r.value?.length ?? 0) + (r.key?.length ?? 0), 0);
        await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: JSON.stringify(invocationRecord(records, context, size)) }));
      } finally {
        sqs.destroy();
      }
    },
  };
}

/** An S3 bucket ARN: one object per discarded batch, the invocation record plus the records. */
export function s3Destination(bucketArn: string): OnFailureDestination {
  const bucket = bucketArn.split(':::')[1] ?? bucketArn;
  return {
    description: bucketArn,
    async send(records, context) {
      const { S3Client, PutObjectCommand } = await import('@aws-sdk/client-s3');
      const { awsClientConfig } = await import('../../shared/aws/index.ts');
      const s3 = new S3Client(awsClientConfig('S3'));
      try {
        const size = records.reduce((n, r) => n + (r.value?.length ?? 0) + (r.key?.length ?? 0), 0);
        const body = {
          ...invocationRecord(records, context, size),
          // S3 destinations also get the records themselves (kafka-on-failure).
          payload: records.map((r) => ({ topic: r.topic, partition: r.partition, offset: String(r.offset), timestamp: r.timestampMs, key: r.key?.toString('base64') ?? null, value: r.value?.toString('base64') ?? null })),
        };
        const key = `aws/lambda/${context.functionArn.split(':').at(-1)}/${new Date().toISOString().slice(0, 10)}/${context.requestId}.json`;
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(body), ContentType: 'application/json' }));
      } finally {
        s3.destroy();
      }
    },
  };
}

/** Parses `DestinationConfig.OnFailure.Destination`. */
export function parseDestination(destination: string, producer: () => Promise<Producer>): OnFailureDestination {
  if (destination.startsWith('kafka://')) return kafkaDestination(destination.slice('kafka://'.length), producer);
  if (/^arn:aws[a-z-]*:sqs:/.test(destination)) return sqsDestination(destination);
  if (/^arn:aws[a-z-]*:s3:::/.test(destination)) return s3Destination(destination);
  throw new EsmRuntimeError(`on-failure destination ${destination}: the local runtime supports kafka://<topic>, SQS queue ARNs and S3 bucket ARNs`, { code: 'ESM_UNSUPPORTED_DESTINATION', retriable: false });
}
