// Creates what the synthesized app expects to exist, on the local broker and the emulator:
// Kafka topics, DynamoDB tables, SQS queues and S3 buckets.
import { CreateTableCommand, DynamoDBClient, ResourceInUseException, UpdateTimeToLiveCommand, waitUntilTableExists, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { Admin } from '@platformatic/kafka';
import { awsClientConfig } from '../../shared/aws/index.ts';
import type { LocalResource } from '../esm/template.ts';

export async function createTopics(brokers: string[], topics: readonly { name: string; partitions: number }[]): Promise<void> {
  const admin = new Admin({ clientId: 'sandbox-provision', bootstrapBrokers: brokers });
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t.name));
    for (const t of missing) await admin.createTopics({ topics: [t.name], partitions: t.partitions, replicas: Math.min(3, brokers.length) });
  } finally {
    await admin.close();
  }
}

export async function createAwsResources(resources: readonly LocalResource[]): Promise<void> {
  const dynamo = new DynamoDBClient({});
  const sqs = new SQSClient({});
  const s3 = new S3Client(awsClientConfig('S3'));
  try {
    for (const r of resources) {
      if (r.kind === 'table') {
        try {
          await dynamo.send(
            new CreateTableCommand({
              TableName: r.name,
              BillingMode: 'PAY_PER_REQUEST',
              KeySchema: r.keySchema as unknown as CreateTableCommandInput['KeySchema'],
              AttributeDefinitions: r.attributeDefinitions as unknown as CreateTableCommandInput['AttributeDefinitions'],
            }),
          );
          await waitUntilTableExists({ client: dynamo, maxWaitTime: 30, minDelay: 1, maxDelay: 2 }, { TableName: r.name });
          if (r.ttlAttribute) await dynamo.send(new UpdateTimeToLiveCommand({ TableName: r.name, TimeToLiveSpecification: { AttributeName: r.ttlAttribute, Enabled: true } }));
        } catch (error) {
          if (!(error instanceof ResourceInUseException)) throw error;
        }
      } else if (r.kind === 'queue') {
        await sqs.send(new CreateQueueCommand({ QueueName: r.name }));
      } else {
        await s3.send(new CreateBucketCommand({ Bucket: r.name })).catch((error: { name?: string }) => {
          if (error.name !== 'BucketAlreadyOwnedByYou') throw error;
        });
      }
    }
  } finally {
    dynamo.destroy();
    sqs.destroy();
    s3.destroy();
  }
}
