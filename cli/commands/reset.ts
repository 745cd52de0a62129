// groupctl reset: kafka-consumer-groups.sh --reset-offsets, with the same flags, run
// directly (Kafka from --bootstrap-servers or the environment, the Lambda API from
// AWS_ENDPOINT_URL_LAMBDA / AWS) or through the deployed function (--function-name).
import { readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { LambdaEventSourceMappings } from '../../shared/aws/index.ts';
import { clusterConfigFromEnv, createAdmin, resolveConnection } from '../../shared/kafka/index.ts';
import { lookupMskBootstrapBrokers } from '../../shared/kafka/msk-bootstrap.ts';
import {
  DynamoDbAuditTrail,
  OffsetResetError,
  OffsetResetInputError,
  RESET_OUTCOME,
  exportPlanCsv,
  formatResult,
  parseResetInput,
  runReset,
  toJson,
  type Jsonified,
  type ResetAdmin,
  type ResetLogger,
  type ResetResult,
} from '../../shared/offset-reset/index.ts';

export const summary = 'reset a group\'s offsets (kafka-consumer-groups.sh --reset-offsets flags; dry run unless --execute)';

const USAGE = `usage: groupctl reset --group G (--all-topics | --topic T[:P,...] ...) <strategy> [--dry-run | --execute --reason TEXT]

strategy (exactly one):
  --to-earliest | --to-latest | --to-current | --to-offset N | --shift-by N
  --to-datetime YYYY-MM-DDTHH:mm:SS.sss[zone] | --by-duration PnDTnHnMnS
  --from-file PATH|s3://bucket/key (CSV topic,partition,offset) | --copy-from-group G

options:
  --export                 print the plan as CSV (topic,partition,offset), for --from-file later
  --json                   print the result as JSON
  --requested-by WHO       recorded in the audit trail (default: user@host)
  --no-pause               do not pause the group's event source mappings (the group must be Empty)
  --timeout-seconds N      budget for mappings to be Disabled and the group Empty (default 180)
  --bootstrap-servers H:P  Kafka (default: SCG_KAFKA_BOOTSTRAP, then SCG_BOOTSTRAP_SERVERS / SCG_CLUSTER_ARN)
  --audit-table NAME       DynamoDB audit table (default: SCG_AUDIT_TABLE; without one, executions are only logged)
  --function-name NAME     invoke the deployed offset-reset function instead of running here`;

const OPTIONS = {
  group: { type: 'string' },
  topic: { type: 'string', multiple: true },
  'all-topics': { type: 'boolean' },
  'to-earliest': { type: 'boolean' },
  'to-latest': { type: 'boolean' },
  'to-current': { type: 'boolean' },
  'to-offset': { type: 'string' },
  'shift-by': { type: 'string' },
  'to-datetime': { type: 'string' },
  'by-duration': { type: 'string' },
  'from-file': { type: 'string' },
  'copy-from-group': { type: 'string' },
  'dry-run': { type: 'boolean' },
  execute: { type: 'boolean' },
  export: { type: 'boolean' },
  json: { type: 'boolean' },
  reason: { type: 'string' },
  'requested-by': { type: 'string' },
  'no-pause': { type: 'boolean' },
  'timeout-seconds': { type: 'string' },
  'bootstrap-servers': { type: 'string' },
  'audit-table': { type: 'string' },
  'function-name': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Input fields in flag spelling, for error messages. */
const FLAG_OF: Record<string, string> = {
  groupId: '--group',
  topics: '--topic',
  allTopics: '--all-topics',
  'strategy.toOffset': '--to-offset',
  'strategy.shiftBy': '--shift-by',
  'strategy.toDatetime': '--to-datetime',
  'strategy.byDuration': '--by-duration',
  'strategy.fromFile': '--from-file',
  'strategy.copyFromGroup': '--copy-from-group',
  strategy: 'strategy',
  reason: '--reason',
  timeoutSeconds: '--timeout-seconds',
  requestedBy: '--requested-by',
};

class UsageError extends Error {}

/**
 * kafka-consumer-groups.sh takes `--shift-by -5`; node's parseArgs reads "-5" as a flag,
 * so a negative number right after a value flag is glued on (`--shift-by=-5`).
 */
function glueNegativeValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if ((arg === '--shift-by' || arg === '--to-offset') && next !== undefined && /^-\d+$/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/** `t` or `t:0,1,2` (kafka-consumer-groups.sh's --topic). */
export function parseTopicArg(arg: string): { topic: string; partitions?: number[] } {
  if (!arg.includes(':')) return { topic: arg };
  const parts = arg.split(':');
  if (parts.length !== 2 || !parts[0]) throw new UsageError(`Invalid topic arg '${arg}', expected topic name and partitions`);
  const partitions = parts[1]!.split(',').map((p) => {
    if (!/^\d+$/.test(p.trim())) throw new UsageError(`Invalid partition '${p}' specified in topic arg '${arg}'`);
    return Number(p.trim());
  });
  return { topic: parts[0], partitions };
}

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; strict: true }>>['values'];

/** The function's input (JSON shape) from the flags. */
export function requestFromFlags(values: Values, env: NodeJS.ProcessEnv = process.env): Record<string, unknown> {
  const strategies: [string, unknown][] = [];
  if (values['to-earliest']) strategies.push(['--to-earliest', 'earliest']);
  if (values['to-latest']) strategies.push(['--to-latest', 'latest']);
  if (values['to-current']) strategies.push(['--to-current', 'current']);
  if (values['to-offset'] !== undefined) strategies.push(['--to-offset', { toOffset: values['to-offset'] }]);
  if (values['shift-by'] !== undefined) strategies.push(['--shift-by', { shiftBy: values['shift-by'] }]);
  if (values['to-datetime'] !== undefined) strategies.push(['--to-datetime', { toDatetime: values['to-datetime'] }]);
  if (values['by-duration'] !== undefined) strategies.push(['--by-duration', { byDuration: values['by-duration'] }]);
  if (values['copy-from-group'] !== undefined) strategies.push(['--copy-from-group', { copyFromGroup: values['copy-from-group'] }]);
  if (values['from-file'] !== undefined) {
    const path = values['from-file'];
    let text: string;
    try {
      text = path.startsWith('s3://') ? path : readFileSync(path, 'utf8');
    } catch (error) {
      throw new UsageError(`--from-file: cannot read ${path} (${error instanceof Error ? error.message : String(error)})`);
    }
    strategies.push(['--from-file', { fromFile: text }]);
  }
  if (strategies.length !== 1) {
    throw new UsageError(
      strategies.length === 0
        ? 'one reset strategy is required: --to-earliest, --to-latest, --to-current, --to-offset, --shift-by, --to-datetime, --by-duration, --from-file, --copy-from-group'
        : `only one reset strategy may be given, got ${strategies.map(([flag]) => flag).join(', ')}`,
    );
  }
  if (values['dry-run'] && values.execute) throw new UsageError('--dry-run and --execute cannot be used together');
  const request: Record<string, unknown> = { groupId: values.group, strategy: strategies[0]![1], execute: values.execute === true };
  if (values['all-topics']) request.allTopics = true;
  if (values.topic) request.topics = values.topic.map(parseTopicArg);
  if (values['no-pause']) request.pause = false;
  if (values['timeout-seconds'] !== undefined) request.timeoutSeconds = Number(values['timeout-seconds']);
  if (values.reason !== undefined) request.reason = values.reason;
  request.requestedBy = values['requested-by'] ?? env.SCG_REQUESTED_BY ?? `${userInfo().username}@${hostname()}`;
  return request;
}

/** Kafka admin for direct mode: --bootstrap-servers, SCG_KAFKA_BOOTSTRAP, or the cluster variables. */
export async function connectAdmin(bootstrapServers: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<ResetAdmin & { close(): Promise<void> }> {
  const plain = bootstrapServers ?? env.SCG_KAFKA_BOOTSTRAP;
  if (plain) return createAdmin({ bootstrapBrokers: plain.split(',') }, 'groupctl');
  if (!env.SCG_BOOTSTRAP_SERVERS && !env.SCG_CLUSTER_ARN) {
    throw new UsageError('no Kafka: pass --bootstrap-servers, or set SCG_KAFKA_BOOTSTRAP, SCG_BOOTSTRAP_SERVERS or SCG_CLUSTER_ARN');
  }
  return createAdmin(await resolveConnection(clusterConfigFromEnv(env), { getBootstrapBrokers: lookupMskBootstrapBrokers }), 'groupctl');
}

/**
 * The region as the SDK resolves it: the environment, then the profile's `region` in
 * ~/.aws/config, where CLI users usually set it. The hand-signed event-source-mapping
 * client reads only the environment (a function always has AWS_REGION); `undefined` lets
 * it report the missing setting.
 */
async function profileRegion(): Promise<string | undefined> {
  const sdk = new LambdaClient({});
  try {
    return await sdk.config.region();
  } catch {
    return undefined;
  } finally {
    sdk.destroy();
  }
}

/** Invokes the deployed function; returns its JSON answer or throws its error. */
export async function invokeFunction(functionName: string, payload: unknown): Promise<unknown> {
  const lambda = new LambdaClient({});
  try {
    const out = await lambda.send(new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(payload)) }));
    const body = out.Payload ? JSON.parse(Buffer.from(out.Payload).toString('utf8')) : undefined;
    if (out.FunctionError) {
      const { errorType, errorMessage } = (body ?? {}) as { errorType?: string; errorMessage?: string };
      const error = new Error(`${functionName} failed: ${errorType ?? out.FunctionError}: ${errorMessage ?? 'no message'}`);
      if (errorType === 'OffsetResetInputError') throw new UsageError(error.message);
      throw error;
    }
    return body;
  } finally {
    lambda.destroy();
  }
}

/** Progress lines on stderr while an execution waits for mappings. */
const stderrLogger: ResetLogger = {
  info: (message, ...attrs) => void process.stderr.write(`[info] ${message}${brief(attrs)}\n`),
  warn: (message, ...attrs) => void process.stderr.write(`[warn] ${message}${brief(attrs)}\n`),
  error: (message, ...attrs) => void process.stderr.write(`[error] ${message}${brief(attrs)}\n`),
};

function brief(attrs: Record<string, unknown>[]): string {
  const picked = attrs.flatMap((a) => Object.entries(a).filter(([k, v]) => !['plan', 'result', 'summary'].includes(k) && (typeof v !== 'object' || v === null)));
  return picked.length ? ` ${picked.map(([k, v]) => `${k}=${String(v)}`).join(' ')}` : '';
}

function print(result: Jsonified<ResetResult>, values: Values): number {
  if (values.export && result.plan) process.stdout.write(exportPlanCsv(result.plan));
  else if (values.json) console.log(JSON.stringify(result, null, 2));
  else console.log(formatResult(result));
  return result.outcome === RESET_OUTCOME.dryRun || result.outcome === RESET_OUTCOME.succeeded ? 0 : 1;
}

function inputErrorText(error: OffsetResetInputError): string {
  return error.issues.map((i) => `${FLAG_OF[i.field] ?? FLAG_OF[i.field.replace(/\[.*$/, '')] ?? i.field}: ${i.message}`).join('\n');
}

export async function run(argv: string[]): Promise<number> {
  let values: Values;
  try {
    ({ values } = parseArgs({ args: glueNegativeValues(argv), options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  try {
    const request = requestFromFlags(values);
    if (values['function-name']) {
      // Validate here too: a typo is reported before anything is sent.
      parseResetInput(request);
      return print((await invokeFunction(values['function-name'], request)) as Jsonified<ResetResult>, values);
    }
    const input = parseResetInput(request);
    const admin = await connectAdmin(values['bootstrap-servers']);
    const auditTable = values['audit-table'] ?? process.env.SCG_AUDIT_TABLE;
    if (input.execute && !auditTable) stderrLogger.warn('no audit table (--audit-table or SCG_AUDIT_TABLE): this execution is only logged here');
    const lambda = input.execute && input.pause ? new LambdaEventSourceMappings({ region: await profileRegion() }) : undefined;
    const dynamo = input.execute && auditTable ? new DynamoDBClient({}) : undefined;
    try {
      const result = await runReset(input, {
        admin,
        lambda,
        audit: dynamo && auditTable ? new DynamoDbAuditTrail({ client: dynamo, tableName: auditTable }) : undefined,
        log: stderrLogger,
        caller: { identity: input.requestedBy },
      });
      return print(toJson(result), values);
    } finally {
      dynamo?.destroy();
      await admin.close();
    }
  } catch (error) {
    if (error instanceof OffsetResetInputError) {
      console.error(`${inputErrorText(error)}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    console.error(`Error: ${error instanceof OffsetResetError ? `${error.code}: ` : ''}${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
