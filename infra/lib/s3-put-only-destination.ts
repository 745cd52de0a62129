import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { DlqDestinationConfig, IEventSourceDlq, IEventSourceMapping, IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IBucket } from 'aws-cdk-lib/aws-s3';

/**
 * An S3 on-failure destination that grants only what Lambda uses. aws-cdk-lib's
 * `S3OnFailureDestination` calls `grantReadWrite` (read, delete, abort...), but the
 * execution role needs only `s3:PutObject` and `s3:ListBucket`
 * (https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure.html). The destination
 * config is the same: the bucket ARN. Buckets encrypted with SSE-S3 only (no KMS grant).
 *
 * @example
 * new ManagedKafkaEventSource({ ..., onFailure: new S3PutOnlyOnFailureDestination(bucket) });
 */
export class S3PutOnlyOnFailureDestination implements IEventSourceDlq {
  private readonly bucket: IBucket;

  constructor(bucket: IBucket) {
    this.bucket = bucket;
  }

  bind(_target: IEventSourceMapping, targetHandler: IFunction): DlqDestinationConfig {
    targetHandler.addToRolePolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [this.bucket.arnForObjects('*')] }));
    targetHandler.addToRolePolicy(new PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }));
    return { destination: this.bucket.bucketArn };
  }
}
