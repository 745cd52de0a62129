import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { DeadLetterSinkKind } from '../../shared/consumer/dead-letter-sinks.ts';
import { acknowledge } from '../lib/nag.ts';
import type { BundledFunction } from './bundled-function.ts';

/**
 * Where the consumer library writes poison records itself, one record at a time
 * (`SCG_DEAD_LETTER`, read by shared/consumer), as opposed to `onFailure`, where Lambda parks
 * whole failed batches. The function's bundle contains this sink and no other.
 */
export type ConsumerDeadLetter =
  | { readonly type: 'kafka'; /** `kafka://<topic>` on the cluster of the event; not a source topic. */ readonly topic: string }
  | { readonly type: 'sqs'; /** @default Duration.days(14) */ readonly retentionPeriod?: Duration }
  | { readonly type: 's3'; /** Objects expire after this. @default Duration.days(90) */ readonly expiration?: Duration };

/** What the consumer construct wires for a dead letter. */
export interface DeadLetterWiring {
  /** The sink to bundle. */
  readonly sink: DeadLetterSinkKind;
  /** The value of `SCG_DEAD_LETTER`. */
  readonly target: string;
  readonly queue?: Queue;
  readonly bucket?: Bucket;
  /** Grants the function what the sink calls. */
  grant(fn: BundledFunction): void;
}

// The S3 sink's default key prefix (shared/batch/dead-letter/s3-sink.ts): the grant covers it only.
const S3_KEY_PREFIX = 'dead-letter/';

/**
 * Creates the queue or bucket `deadLetter` needs (in `scope`) and says how to reach it. A Kafka
 * topic needs no grant: the sink connects unauthenticated (see infra/config/rules.ts).
 *
 * @example
 * const wiring = deadLetterWiring(this, { type: 'sqs' });
 */
export function deadLetterWiring(scope: Construct, deadLetter: ConsumerDeadLetter): DeadLetterWiring {
  if (deadLetter.type === 'kafka') return { sink: 'kafka', target: deadLetter.topic, grant: () => undefined };
  if (deadLetter.type === 'sqs') {
    const queue = new Queue(scope, 'PoisonRecords', {
      retentionPeriod: deadLetter.retentionPeriod ?? Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    acknowledge(queue, 'AwsSolutions-SQS3', [], 'This queue is itself the dead-letter store of the consumer (poison records); nothing consumes it automatically.');
    // SendMessageBatch is authorised by sqs:SendMessage; the sink calls nothing else.
    const grant = (fn: BundledFunction): void => void fn.role.addToPolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));
    return { sink: 'sqs', target: queue.queueUrl, queue, grant };
  }
  const bucket = new Bucket(scope, 'PoisonRecords', {
    encryption: BucketEncryption.S3_MANAGED,
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    lifecycleRules: [{ expiration: deadLetter.expiration ?? Duration.days(90) }],
    // Poison records are evidence: keep them when the stack goes.
    removalPolicy: RemovalPolicy.RETAIN,
  });
  acknowledge(
    bucket,
    'AwsSolutions-S1',
    [],
    'Only the consumer writes here (poison records); an access-log bucket per dead letter would need its own logging. Use CloudTrail S3 data events to audit reads.',
  );
  const grant = (fn: BundledFunction): void => {
    fn.role.addToPolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [bucket.arnForObjects(`${S3_KEY_PREFIX}*`)] }));
    const logicalId = Stack.of(bucket).getLogicalId(bucket.node.defaultChild as CfnBucket);
    acknowledge(
      fn.role,
      'AwsSolutions-IAM5',
      [`Resource::<${logicalId}.Arn>/${S3_KEY_PREFIX}*`],
      'The S3 dead-letter sink writes each batch of poison records as a new object with a generated key under dead-letter/: s3:PutObject there, nothing else.',
    );
  };
  return { sink: 's3', target: `s3://${bucket.bucketName}`, bucket, grant };
}
