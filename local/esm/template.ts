// Reads what `cdk synth` produced (cdk.out/*.template.json and the bundled assets) and turns
// every Kafka `AWS::Lambda::EventSourceMapping` into something the local runtime runs, so that
// what runs locally is what would deploy. A deliberately small CloudFormation subset: Ref and
// Fn::GetAtt of the tables, queues, buckets and topics in the same template; anything else is
// reported as unresolved rather than guessed.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalFunction } from './function-runtime.ts';
import type { MappingSpec } from './types.ts';
import { EsmRuntimeError } from './errors.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface Resource {
  Type: string;
  Properties?: Record<string, Json>;
  Metadata?: Record<string, Json>;
}
interface Template {
  Resources: Record<string, Resource>;
  Metadata?: Record<string, Json>;
}

/** A resource the sandbox creates in the AWS emulator before the functions run. */
export type LocalResource =
  | { kind: 'table'; logicalId: string; name: string; keySchema: Json; attributeDefinitions: Json; ttlAttribute: string | undefined }
  | { kind: 'queue'; logicalId: string; name: string }
  | { kind: 'bucket'; logicalId: string; name: string };

/** A scheduled invocation (an `AWS::Events::Rule` with a rate expression targeting a function). */
export interface LocalSchedule {
  functionName: string;
  everySeconds: number;
  /** The rule's input, if any (the event the function receives). */
  input: unknown;
}

export interface SynthesizedApp {
  functions: LocalFunction[];
  mappings: MappingSpec[];
  resources: LocalResource[];
  /** Kafka topics to create: the declared ones (template metadata `scg:topics`) and `kafka://` destinations. */
  topics: { name: string; partitions: number }[];
  schedules: LocalSchedule[];
  /** Template values the local stack could not resolve, with where they were used. */
  warnings: string[];
}

export interface ReadOptions {
  region?: string;
  accountId?: string;
  /** Where SQS queue URLs point (the emulator). */
  sqsEndpoint?: string;
}

/**
 * Reads every stack template in `cdkOut`.
 *
 * @example
 * const app = readSynthesizedApp('cdk.out', { sqsEndpoint: aws.endpoint });
 */
export function readSynthesizedApp(cdkOut: string, options: ReadOptions = {}): SynthesizedApp {
  if (!existsSync(cdkOut)) throw new EsmRuntimeError(`${cdkOut} does not exist: run \`npm run synth\` first`, { code: 'ESM_NO_TEMPLATE', retriable: false });
  const app: SynthesizedApp = { functions: [], mappings: [], resources: [], topics: [], schedules: [], warnings: [] };
  const files = readdirSync(cdkOut).filter((f) => f.endsWith('.template.json'));
  for (const file of files) readTemplate(cdkOut, file.slice(0, -'.template.json'.length), JSON.parse(readFileSync(join(cdkOut, file), 'utf8')) as Template, options, app);
  for (const m of app.mappings) {
    const dlq = m.onFailureDestination?.startsWith('kafka://') ? m.onFailureDestination.slice('kafka://'.length) : undefined;
    if (dlq && !app.topics.some((t) => t.name === dlq)) app.topics.push({ name: dlq, partitions: 1 });
  }
  return app;
}

function readTemplate(cdkOut: string, stack: string, template: Template, options: ReadOptions, app: SynthesizedApp): void {
  const region = options.region ?? 'us-east-1';
  const account = options.accountId ?? '000000000000';
  const resources = template.Resources ?? {};
  const declaredTopics = template.Metadata?.['scg:topics'];
  if (Array.isArray(declaredTopics)) {
    for (const t of declaredTopics as { name: string; partitions: number }[]) if (!app.topics.some((x) => x.name === t.name)) app.topics.push({ name: t.name, partitions: t.partitions });
  }
  const names = new Map<string, { ref: string; arn: string }>();
  for (const [id, r] of Object.entries(resources)) {
    const p = r.Properties ?? {};
    if (r.Type === 'AWS::DynamoDB::Table') {
      const name = typeof p.TableName === 'string' ? p.TableName : `${stack}-${id}`;
      const ttl = p.TimeToLiveSpecification as { AttributeName?: string; Enabled?: boolean } | undefined;
      app.resources.push({ kind: 'table', logicalId: id, name, keySchema: p.KeySchema ?? null, attributeDefinitions: p.AttributeDefinitions ?? null, ttlAttribute: ttl?.Enabled ? ttl.AttributeName : undefined });
      names.set(id, { ref: name, arn: `arn:aws:dynamodb:${region}:${account}:table/${name}` });
    } else if (r.Type === 'AWS::SQS::Queue') {
      const name = typeof p.QueueName === 'string' ? p.QueueName : `${stack}-${id}`;
      app.resources.push({ kind: 'queue', logicalId: id, name });
      names.set(id, { ref: `${options.sqsEndpoint ?? `https://sqs.${region}.amazonaws.com`}/${account}/${name}`, arn: `arn:aws:sqs:${region}:${account}:${name}` });
    } else if (r.Type === 'AWS::S3::Bucket') {
      const name = typeof p.BucketName === 'string' ? p.BucketName : `${stack}-${id}`.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 63);
      app.resources.push({ kind: 'bucket', logicalId: id, name });
      names.set(id, { ref: name, arn: `arn:aws:s3:::${name}` });
    } else if (r.Type === 'AWS::Lambda::Function') {
      const name = typeof p.FunctionName === 'string' ? p.FunctionName : `${stack}-${id}`;
      names.set(id, { ref: name, arn: `arn:aws:lambda:${region}:${account}:function:${name}` });
    } else if (r.Type === 'AWS::SNS::Topic') {
      names.set(id, { ref: `arn:aws:sns:${region}:${account}:${stack}-${id}`, arn: `arn:aws:sns:${region}:${account}:${stack}-${id}` });
    }
  }

  const resolve = (value: Json, where: string): string | undefined => {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      if (typeof value.Ref === 'string') {
        if (value.Ref === 'AWS::Region') return region;
        if (value.Ref === 'AWS::AccountId') return account;
        const found = names.get(value.Ref);
        if (found) return found.ref;
      }
      const getAtt = value['Fn::GetAtt'];
      if (Array.isArray(getAtt) && typeof getAtt[0] === 'string' && getAtt[1] === 'Arn') {
        const found = names.get(getAtt[0]);
        if (found) return found.arn;
      }
      const join = value['Fn::Join'];
      if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
        const parts = join[1].map((part) => resolve(part, where));
        if (parts.every((part) => part !== undefined)) return parts.join(join[0]);
      }
    }
    app.warnings.push(`${stack}/${where}: cannot resolve ${JSON.stringify(value)} locally`);
    return undefined;
  };

  for (const [id, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::Lambda::Function') continue;
    const p = r.Properties ?? {};
    const assetPath = r.Metadata?.['aws:asset:path'];
    if (typeof assetPath !== 'string') {
      app.warnings.push(`${stack}/${id}: no bundled asset (inline code is not run locally)`);
      continue;
    }
    const [file, exportName] = String(p.Handler ?? 'index.handler').split(/\.(?=[^.]+$)/);
    const dir = join(cdkOut, assetPath);
    const modulePath = ['.mjs', '.js', '.cjs'].map((ext) => join(dir, `${file}${ext}`)).find((f) => existsSync(f));
    if (!modulePath) {
      app.warnings.push(`${stack}/${id}: handler module ${file} not found in ${dir}`);
      continue;
    }
    const environment: Record<string, string> = {};
    const vars = ((p.Environment as { Variables?: Record<string, Json> } | undefined)?.Variables ?? {}) as Record<string, Json>;
    for (const [key, value] of Object.entries(vars)) {
      const resolved = resolve(value, `${id}.Environment.${key}`);
      if (resolved !== undefined) environment[key] = resolved;
    }
    const { ref: functionName, arn: functionArn } = names.get(id)!;
    app.functions.push({
      functionName,
      functionArn,
      modulePath,
      handlerName: exportName ?? 'handler',
      timeoutSeconds: typeof p.Timeout === 'number' ? p.Timeout : 3,
      memoryMb: typeof p.MemorySize === 'number' ? p.MemorySize : 128,
      environment,
    });
  }

  for (const [id, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::Events::Rule') continue;
    const p = r.Properties ?? {};
    const rate = /^rate\((\d+) (minute|minutes|hour|hours|second|seconds)\)$/.exec(String(p.ScheduleExpression ?? ''));
    if (!rate || p.State === 'DISABLED') continue;
    const unit = rate[2]!.startsWith('hour') ? 3600 : rate[2]!.startsWith('minute') ? 60 : 1;
    for (const target of (p.Targets as { Arn?: Json; Input?: string }[] | undefined) ?? []) {
      const arn = target.Arn === undefined ? undefined : resolve(target.Arn, `${id}.Targets`);
      const fn = app.functions.find((f) => f.functionArn === arn);
      if (fn) app.schedules.push({ functionName: fn.functionName, everySeconds: Number(rate[1]) * unit, input: target.Input ? (JSON.parse(target.Input) as unknown) : {} });
    }
  }

  for (const [id, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::Lambda::EventSourceMapping') continue;
    const p = r.Properties ?? {};
    const msk = typeof p.EventSourceArn === 'string' && p.EventSourceArn.includes(':kafka:');
    const selfManaged = p.SelfManagedEventSource !== undefined;
    if (!msk && !selfManaged) continue; // not a Kafka source
    const functionName = resolve(p.FunctionName ?? null, `${id}.FunctionName`);
    if (!functionName) continue;
    const groupConfig = (p.AmazonManagedKafkaEventSourceConfig ?? p.SelfManagedKafkaEventSourceConfig) as { ConsumerGroupId?: string } | undefined;
    if (p.FilterCriteria) app.warnings.push(`${stack}/${id}: FilterCriteria is not applied by the local runtime`);
    const destination = (p.DestinationConfig as { OnFailure?: { Destination?: Json } } | undefined)?.OnFailure?.Destination;
    const poller = p.ProvisionedPollerConfig as { MinimumPollers?: number; MaximumPollers?: number } | undefined;
    const onFailure = destination === undefined ? undefined : resolve(destination, `${id}.DestinationConfig`);
    app.mappings.push({
      // Stable across restarts, like a deployed mapping's UUID.
      uuid: stableUuid(`${stack}/${id}`),
      functionName,
      topics: (p.Topics as string[] | undefined) ?? [],
      ...(groupConfig?.ConsumerGroupId ? { consumerGroupId: groupConfig.ConsumerGroupId } : {}),
      source: msk ? { kind: 'msk', clusterArn: p.EventSourceArn as string } : { kind: 'self-managed' },
      ...(p.StartingPosition ? { startingPosition: p.StartingPosition as 'TRIM_HORIZON' | 'LATEST' | 'AT_TIMESTAMP' } : {}),
      ...(typeof p.StartingPositionTimestamp === 'number' ? { startingPositionTimestamp: p.StartingPositionTimestamp } : {}),
      ...(typeof p.BatchSize === 'number' ? { batchSize: p.BatchSize } : {}),
      ...(typeof p.MaximumBatchingWindowInSeconds === 'number' ? { maximumBatchingWindowInSeconds: p.MaximumBatchingWindowInSeconds } : {}),
      ...(typeof p.Enabled === 'boolean' ? { enabled: p.Enabled } : {}),
      ...(poller ? { provisionedPollerConfig: { ...(poller.MinimumPollers ? { minimumPollers: poller.MinimumPollers } : {}), ...(poller.MaximumPollers ? { maximumPollers: poller.MaximumPollers } : {}) } } : {}),
      ...(typeof p.MaximumRetryAttempts === 'number' ? { maximumRetryAttempts: p.MaximumRetryAttempts } : {}),
      ...(typeof p.MaximumRecordAgeInSeconds === 'number' ? { maximumRecordAgeInSeconds: p.MaximumRecordAgeInSeconds } : {}),
      ...(typeof p.BisectBatchOnFunctionError === 'boolean' ? { bisectBatchOnFunctionError: p.BisectBatchOnFunctionError } : {}),
      ...(Array.isArray(p.FunctionResponseTypes) ? { functionResponseTypes: p.FunctionResponseTypes as string[] } : {}),
      ...(onFailure ? { onFailureDestination: onFailure } : {}),
    });
  }
}

function stableUuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
