// The offset-reset function, as a factory: configuration is parsed once (cold start), the
// clients are created once and reused by warm invocations. `handler.ts` builds it from
// process.env; tests build it with their own environment and clients.
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaEventSourceMappings, type EventSourceMappingsApi } from '../../shared/aws/index.ts';
import { clusterConfigFromEnv, createAdmin, resolveConnection, type ClusterConfig } from '../../shared/kafka/index.ts';
import {
  DynamoDbAuditTrail,
  OffsetResetInputError,
  RESTORE_TIMEOUT_SECONDS,
  ResetConfigError,
  deleteGroupOffsets,
  describeGroup,
  parseOffsetResetRequest,
  runReset,
  toJson,
  type AuditTrail,
  type CallerContext,
  type ResetAdmin,
  type ResetLogger,
} from '../../shared/offset-reset/index.ts';

/** The parts of the Lambda context the function reads. */
export interface LambdaContext {
  readonly awsRequestId: string;
  readonly invokedFunctionArn: string;
  getRemainingTimeInMillis(): number;
  readonly identity?: { readonly cognitoIdentityId?: string; readonly cognitoIdentityPoolId?: string } | undefined;
}

/** Configuration from the environment. */
export interface OffsetResetConfig {
  readonly cluster: ClusterConfig;
  /** `SCG_AUDIT_TABLE`: DynamoDB table of the audit trail (pk = group id, sk = time#random). */
  readonly auditTable: string;
  /**
   * `SCG_GROUPS_INCLUDE`: the groups this function may change (comma-separated; the CDK
   * construct sets the app's groups). IAM enforces it on MSK; the handler checks it too,
   * so self-managed clusters without IAM get the same guard. @default every group
   */
  readonly groupsInclude: readonly string[] | undefined;
}

/**
 * Reads `SCG_AUDIT_TABLE`, `SCG_GROUPS_INCLUDE` and the cluster (`SCG_CLUSTER_ARN` or `SCG_BOOTSTRAP_SERVERS`,
 * `SCG_KAFKA_AUTH`, `SCG_KAFKA_SECRET_ARN`); errors name the variable.
 *
 * @example
 * const config = offsetResetConfigFromEnv(process.env);
 */
export function offsetResetConfigFromEnv(env: NodeJS.ProcessEnv): OffsetResetConfig {
  const auditTable = env.SCG_AUDIT_TABLE?.trim();
  if (!auditTable) throw new ResetConfigError('SCG_AUDIT_TABLE: required (the DynamoDB table that records every execution)');
  const include = env.SCG_GROUPS_INCLUDE?.split(',').map((g) => g.trim()).filter((g) => g !== '');
  return { cluster: clusterConfigFromEnv(env), auditTable, groupsInclude: include && include.length > 0 ? include : undefined };
}

/** Injectable clients; each defaults to the real one built from the configuration. */
export interface OffsetResetHandlerOptions {
  readonly admin?: ResetAdmin;
  readonly lambda?: EventSourceMappingsApi;
  readonly audit?: AuditTrail;
  /** @default a Powertools Logger (service `offset-reset`), given the Lambda context per invocation */
  readonly logger?: ResetLogger & { addContext?(context: never): void };
  readonly pollIntervalMs?: number;
}

// The invocation must outlive the pause budget plus the restore budget: a function that
// times out mid-reset cannot report what it left disabled. Margin for plan, write, audit.
const MARGIN_SECONDS = 30;

/**
 * Builds the handler. The event is the request (`action`: `reset` default, `describe`,
 * `deleteOffsets`); the answer is its result as JSON with offsets as strings. Bad input
 * and impossible plans throw (nothing changed); executions return their outcome.
 *
 * @example
 * export const handler = createOffsetResetHandler(offsetResetConfigFromEnv(process.env));
 */
export function createOffsetResetHandler(config: OffsetResetConfig, options: OffsetResetHandlerOptions = {}) {
  const logger: ResetLogger & { addContext?(context: never): void } = options.logger ?? new Logger({ serviceName: 'offset-reset' });
  const lambda = options.lambda ?? new LambdaEventSourceMappings();
  const audit = options.audit ?? new DynamoDbAuditTrail({ client: new DynamoDBClient({}), tableName: config.auditTable });
  let admin: Promise<ResetAdmin> | undefined = options.admin ? Promise.resolve(options.admin) : undefined;
  const getAdmin = (): Promise<ResetAdmin> => {
    // Resolved on first use (GetBootstrapBrokers / secrets are async), then reused warm.
    if (!admin) {
      admin = resolveConnection(config.cluster).then((connection) => createAdmin(connection, 'offset-reset'));
      // A failed connection attempt is not cached: the next invocation tries again.
      admin.catch(() => {
        admin = undefined;
      });
    }
    return admin;
  };

  return async function handler(event: unknown, context: LambdaContext): Promise<unknown> {
    logger.addContext?.(context as never);
    const request = parseOffsetResetRequest(event);
    if (request.action !== 'describe' && config.groupsInclude && !config.groupsInclude.includes(request.groupId)) {
      throw new OffsetResetInputError([{ field: 'groupId', message: `'${request.groupId}' is not one of the groups this function manages (SCG_GROUPS_INCLUDE: ${config.groupsInclude.join(', ')})` }]);
    }
    const caller: CallerContext = {
      identity: context.identity?.cognitoIdentityId || undefined,
      awsRequestId: context.awsRequestId,
      functionArn: context.invokedFunctionArn,
    };
    const kafka = await getAdmin();
    switch (request.action) {
      case 'describe':
        return toJson(await describeGroup(kafka, request.groupId));
      case 'deleteOffsets':
        return toJson(await deleteGroupOffsets(request, { admin: kafka, audit, log: logger, caller }));
      case 'reset': {
        const remainingSeconds = Math.floor(context.getRemainingTimeInMillis() / 1_000);
        const needed = request.timeoutSeconds + RESTORE_TIMEOUT_SECONDS + MARGIN_SECONDS;
        if (request.execute && request.pause && needed > remainingSeconds) {
          throw new OffsetResetInputError([
            {
              field: 'timeoutSeconds',
              message: `${request.timeoutSeconds} s to pause + ${RESTORE_TIMEOUT_SECONDS} s to restore + ${MARGIN_SECONDS} s margin exceed the ${remainingSeconds} s left in this invocation; lower timeoutSeconds or raise the function timeout`,
            },
          ]);
        }
        const result = await runReset(request, { admin: kafka, lambda, audit, log: logger, caller, pollIntervalMs: options.pollIntervalMs });
        return toJson(result);
      }
    }
  };
}
