import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import { ManagedPolicy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DeadLetterSinkKind } from '../../shared/consumer/dead-letter-sinks.ts';
import { BUNDLE_ALIASES, BUNDLE_EXTERNAL_MODULES, BUNDLE_MAIN_FIELDS, BUNDLE_NODE_OPTIONS, BUNDLE_REQUIRE_BANNER, BUNDLE_TARGET, bundleDefines } from '../lib/bundling.ts';
import type { BundleSelection } from '../lib/bundling.ts';
import { acknowledge } from '../lib/nag.ts';
import type { VpcPlacement } from '../lib/vpc.ts';
import { ConstructPropsError } from './errors.ts';

export interface BundledFunctionProps {
  /** Absolute path of the handler file; it exports `handler`. */
  readonly entry: string;
  /** Repository root: holds package.json, package-lock.json and tsconfig.json. */
  readonly projectRoot: string;
  /** @default - no description */
  readonly description?: string;
  /** @default - no variables beyond those NodejsFunction adds */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default 512 */
  readonly memorySize?: number;
  /** @default Duration.seconds(30) */
  readonly timeout?: Duration;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** Run inside this VPC (to reach brokers that are only reachable there). @default - no VPC */
  readonly vpc?: VpcPlacement;
  /** Dead-letter sinks to bundle (see `BundleSelection` in infra/lib/bundling.ts). @default [] */
  readonly deadLetterSinks?: readonly DeadLetterSinkKind[];
  /** Optional AWS clients to bundle (see `BundleSelection` in infra/lib/bundling.ts). @default none */
  readonly optionalClients?: Pick<BundleSelection, 'kafkaSecret' | 'offsetFilesS3'>;
}

/**
 * A Node.js 24 / ARM64 function bundled locally by esbuild into one minified ESM file,
 * with its own role (no managed policies unless it runs in a VPC) and its own log
 * group with a retention. Every function of the app is one of these.
 *
 * @example
 * const fn = new BundledFunction(this, 'Monitor', { entry, projectRoot });
 * table.grantReadWriteData(fn.function);
 */
export class BundledFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: BundledFunctionProps) {
    super(scope, id);
    if (!existsSync(props.entry)) throw new ConstructPropsError(`BundledFunction ${this.node.path}`, `entry ${props.entry} does not exist`);
    const memorySize = props.memorySize ?? 512;
    if (!Token.isUnresolved(memorySize) && (memorySize < 128 || memorySize > 10_240)) {
      throw new ConstructPropsError(`BundledFunction ${this.node.path}`, `memorySize must be 128..10240, got ${memorySize}`);
    }

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Our own role: NodejsFunction's default attaches AWSLambdaBasicExecutionRole
    // (logs:* on every log group); this one may write to its own log group only.
    this.role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: join(props.projectRoot, 'package-lock.json'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize,
      timeout: props.timeout ?? Duration.seconds(30),
      role: this.role,
      logGroup: this.logGroup,
      ...(props.description === undefined ? {} : { description: props.description }),
      environment: { NODE_OPTIONS: BUNDLE_NODE_OPTIONS, ...props.environment },
      ...(props.vpc === undefined
        ? {}
        : { vpc: props.vpc.vpc, vpcSubnets: { subnets: [...props.vpc.subnets] }, securityGroups: [...props.vpc.securityGroups] }),
      bundling: {
        format: OutputFormat.ESM,
        target: BUNDLE_TARGET,
        minify: true,
        // Source maps (read because NODE_OPTIONS has --enable-source-maps) keep stack
        // traces readable; without sources content the map stays small.
        sourceMap: true,
        sourcesContent: false,
        mainFields: [...BUNDLE_MAIN_FIELDS],
        banner: BUNDLE_REQUIRE_BANNER,
        externalModules: [...BUNDLE_EXTERNAL_MODULES],
        esbuildArgs: Object.fromEntries(Object.entries(BUNDLE_ALIASES).map(([from, to]) => [`--alias:${from}`, to])),
        define: bundleDefines({ deadLetterSinks: props.deadLetterSinks ?? [], ...props.optionalClients }),
        // esbuild is a dev dependency; Docker does not run on our build machines.
        forceDockerBundling: false,
      },
    });

    if (props.vpc !== undefined) {
      this.role.addManagedPolicy(ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole'));
      acknowledge(
        this.role,
        'AwsSolutions-IAM4',
        ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole'],
        'AWSLambdaVPCAccessExecutionRole is the AWS-maintained ENI policy a function needs to run in a VPC; its ec2 actions do not support resource scoping.',
      );
    }
  }
}
