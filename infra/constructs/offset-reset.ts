import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AttributeType, BillingMode, Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { ClusterDeclaration } from '../config/types.ts';
import { clusterEnvironment, grantClusterConnect } from '../lib/cluster-access.ts';
import { grantMappingControl } from '../lib/mapping-iam.ts';
import { acknowledge } from '../lib/nag.ts';
import type { VpcPlacement } from '../lib/vpc.ts';
import { BundledFunction } from './bundled-function.ts';
import { ConstructPropsError } from './errors.ts';

/** A group the reset function may rewind or fast-forward. */
export interface ResettableGroup {
  readonly groupId: string;
  readonly topics: readonly string[];
  /** The group's consumer function: its mappings are paused and resumed around a reset. */
  readonly function: IFunction;
}

export interface OffsetResetProps {
  readonly cluster: ClusterDeclaration;
  /** @default - the function runs outside any VPC */
  readonly clusterVpc?: VpcPlacement;
  /** Absolute path of functions/offset-reset/handler.ts. */
  readonly entry: string;
  readonly projectRoot: string;
  readonly groups: readonly ResettableGroup[];
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /**
   * Where operators put `strategy.fromFile` CSVs (`{ "fromFile": "s3://<bucket>/<key>" }`):
   * the function may read objects there and nowhere else.
   * @default - none: `fromFile` takes inline CSV only; an S3 location fails with AccessDenied
   */
  readonly offsetFiles?: { readonly bucketName: string; readonly keyPrefix?: string };
}

/**
 * The offset-reset function (invoked by an operator, dry run by default) and its audit
 * table. It may pause, resume and inspect only the mappings of `groups`' functions and
 * touch only those groups and their topics on the cluster.
 *
 * @example
 * new OffsetReset(this, 'OffsetReset', { cluster, entry, projectRoot, groups });
 */
export class OffsetReset extends Construct {
  readonly function: NodejsFunction;
  /** One item per reset: pk = group id, sk = `<ISO time>#<request id>` (the handler's choice). */
  readonly auditTable: Table;

  constructor(scope: Construct, id: string, props: OffsetResetProps) {
    super(scope, id);
    if (props.groups.length === 0) throw new ConstructPropsError(`OffsetReset ${this.node.path}`, 'groups must not be empty');

    this.auditTable = new Table(this, 'Audit', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // An audit trail outlives the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const fn = new BundledFunction(this, 'Handler', {
      entry: props.entry,
      projectRoot: props.projectRoot,
      description: 'Resets Kafka consumer-group offsets: plan (dry run), pause mappings, alter, resume, verify, audit',
      // Pausing a mapping takes effect within ~90 s, then the group must drain to Empty.
      timeout: Duration.minutes(15),
      memorySize: 512,
      optionalClients: { kafkaSecret: props.cluster.secretArn !== undefined, offsetFilesS3: props.offsetFiles !== undefined },
      ...(props.clusterVpc === undefined ? {} : { vpc: props.clusterVpc }),
      ...(props.logRetention === undefined ? {} : { logRetention: props.logRetention }),
      environment: {
        ...clusterEnvironment(this, props.cluster),
        SCG_AUDIT_TABLE: this.auditTable.tableName,
        // The groups this app owns (IAM is what enforces it), for the handler and for
        // operators reading the configuration.
        SCG_GROUPS_INCLUDE: props.groups.map((g) => g.groupId).join(','),
        POWERTOOLS_SERVICE_NAME: 'offset-reset',
      },
    });
    this.function = fn.function;
    this.auditTable.grant(this.function, 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:GetItem', 'dynamodb:Query');
    grantClusterConnect(this, fn.role, props.cluster, 'reset', {
      topics: [...new Set(props.groups.flatMap((g) => g.topics))],
      groups: props.groups.map((g) => g.groupId),
    });
    grantMappingControl(
      this,
      fn.role,
      props.groups.map((g) => g.function),
    );
    if (props.offsetFiles !== undefined) this.#grantOffsetFiles(fn, props.offsetFiles);
  }

  #grantOffsetFiles(fn: BundledFunction, files: NonNullable<OffsetResetProps['offsetFiles']>): void {
    const { bucketName, keyPrefix = '' } = files;
    // S3 bucket naming rules (the common subset); a token is checked by CloudFormation.
    if (!Token.isUnresolved(bucketName) && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucketName)) {
      throw new ConstructPropsError(`OffsetReset ${this.node.path}`, `offsetFiles.bucketName must be an S3 bucket name, got "${bucketName}"`);
    }
    if (keyPrefix.includes('*')) throw new ConstructPropsError(`OffsetReset ${this.node.path}`, `offsetFiles.keyPrefix must not contain "*", got "${keyPrefix}"`);
    const objects = Bucket.fromBucketName(this, 'OffsetFiles', bucketName).arnForObjects(`${keyPrefix}*`);
    fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [objects] }));
    acknowledge(
      fn.role,
      'AwsSolutions-IAM5',
      [`Resource::arn:<AWS::Partition>:s3:::${bucketName}/${keyPrefix}*`],
      'Operators choose the offsets file names at reset time; reads are limited to this bucket and key prefix.',
    );
  }
}
