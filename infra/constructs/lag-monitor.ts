import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AttributeType, BillingMode, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { GROUP_STATUS_VALUE, LAG_METRICS_NAMESPACE, LagDimensions, LagMetrics } from '../../shared/lag/metrics-contract.ts';
import type { ClusterDeclaration } from '../config/types.ts';
import { clusterEnvironment, grantClusterConnect } from '../lib/cluster-access.ts';
import { grantMappingControl } from '../lib/mapping-iam.ts';
import type { VpcPlacement } from '../lib/vpc.ts';
import { BundledFunction } from './bundled-function.ts';
import { ConstructPropsError } from './errors.ts';

/** Lag-driven poller scaling for one group (serialised into `SCG_AUTOSCALING`). */
export interface PollerAutoscaling {
  readonly scaleUpLag: number;
  readonly scaleDownLag: number;
  readonly minPollers: number;
  readonly maxPollers: number;
  /** @default 300 */
  readonly cooldownSeconds?: number;
  /** @default 1 */
  readonly step?: number;
}

/** Alarm thresholds for one group. */
export interface GroupAlarms {
  /** @default - no offset-lag alarm */
  readonly maxOffsetLag?: number;
  /** @default - no time-lag alarm */
  readonly maxTimeLagSeconds?: number;
  /** @default - no status alarm */
  readonly status?: 'WARN' | 'ERR';
  /** @default 3 */
  readonly evaluationPeriods?: number;
}

/** A consumer group the monitor watches. */
export interface MonitoredGroup {
  readonly groupId: string;
  readonly topics: readonly string[];
  /** The group's consumer function (the autoscaler may update its mappings). */
  readonly function: IFunction;
  /** @default - no alarms */
  readonly alarms?: GroupAlarms;
  /** @default - pollers are not scaled */
  readonly autoscaling?: PollerAutoscaling;
}

export interface LagMonitorProps {
  readonly cluster: ClusterDeclaration;
  /** @default - the function runs outside any VPC */
  readonly clusterVpc?: VpcPlacement;
  /** Absolute path of functions/lag-monitor/handler.ts. */
  readonly entry: string;
  readonly projectRoot: string;
  readonly groups: readonly MonitoredGroup[];
  /** @default false */
  readonly perPartitionMetrics?: boolean;
  /** Subscribed to the alarm topic. @default - no subscription */
  readonly alarmEmail?: string;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
}

/**
 * The scheduled lag monitor: a function run every minute that publishes the lag metrics
 * of `shared/lag/metrics-contract.ts`, its state table, the per-group alarms on those
 * metrics (to an encrypted SNS topic), alarms on the monitor itself, and, for groups
 * with autoscaling, permission to resize exactly those groups' mappings.
 *
 * @example
 * new LagMonitor(this, 'LagMonitor', { cluster, entry, projectRoot, groups: [{ groupId, topics, function: fn, alarms: { maxOffsetLag: 1000 } }] });
 */
export class LagMonitor extends Construct {
  readonly function: NodejsFunction;
  readonly stateTable: Table;
  readonly alarmTopic: Topic;
  /** Every alarm created, group alarms first. */
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: LagMonitorProps) {
    super(scope, id);
    validate(this.node.path, props);

    this.stateTable = new Table(this, 'State', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      timeToLiveAttribute: 'expiresAt',
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Previous-cycle state (generations, cooldowns): rebuilt within minutes if lost.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const autoscaling: Record<string, Required<PollerAutoscaling>> = {};
    for (const g of props.groups) {
      if (g.autoscaling !== undefined) autoscaling[g.groupId] = { cooldownSeconds: 300, step: 1, ...g.autoscaling };
    }

    const fn = new BundledFunction(this, 'Handler', {
      entry: props.entry,
      projectRoot: props.projectRoot,
      description: 'Kafka consumer-group lag monitor (every minute)',
      // One cycle must finish before the next one starts.
      timeout: Duration.seconds(50),
      memorySize: 512,
      optionalClients: { kafkaSecret: props.cluster.secretArn !== undefined },
      ...(props.clusterVpc === undefined ? {} : { vpc: props.clusterVpc }),
      ...(props.logRetention === undefined ? {} : { logRetention: props.logRetention }),
      environment: {
        ...clusterEnvironment(this, props.cluster),
        SCG_LAG_STATE_TABLE: this.stateTable.tableName,
        SCG_GROUPS_INCLUDE: props.groups.map((g) => g.groupId).join(','),
        SCG_AUTOSCALING: JSON.stringify(autoscaling),
        SCG_PER_PARTITION_METRICS: String(props.perPartitionMetrics ?? false),
        POWERTOOLS_SERVICE_NAME: 'lag-monitor',
        POWERTOOLS_METRICS_NAMESPACE: LAG_METRICS_NAMESPACE,
      },
    });
    this.function = fn.function;
    this.stateTable.grant(this.function, 'dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query', 'dynamodb:BatchWriteItem');
    grantClusterConnect(this, fn.role, props.cluster, 'monitor', {
      topics: [...new Set(props.groups.flatMap((g) => g.topics))],
      groups: props.groups.map((g) => g.groupId),
    });
    const scaled = props.groups.filter((g) => g.autoscaling !== undefined).map((g) => g.function);
    if (scaled.length > 0) grantMappingControl(this, fn.role, scaled);

    new Rule(this, 'EveryMinute', {
      description: 'Runs the consumer-group lag monitor',
      schedule: Schedule.rate(Duration.minutes(1)),
      // A missed minute is covered by the next one: no retries that would overlap it.
      targets: [new LambdaFunction(this.function, { retryAttempts: 0, maxEventAge: Duration.minutes(1) })],
    });

    // Alarm notifications are encrypted with a key CloudWatch may use: the AWS managed
    // SNS key does not let CloudWatch publish.
    const key = new Key(this, 'AlarmTopicKey', { enableKeyRotation: true, description: 'Encrypts consumer-group alarm notifications', removalPolicy: RemovalPolicy.DESTROY });
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.alarmTopic = new Topic(this, 'AlarmTopic', { masterKey: key, enforceSSL: true, displayName: 'Kafka consumer-group alarms' });
    if (props.alarmEmail !== undefined) this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));
    const action = new SnsAction(this.alarmTopic);

    for (const g of props.groups) this.groupAlarms(g, action);
    this.monitorAlarms(action);
  }

  private groupAlarms(g: MonitoredGroup, action: IAlarmAction): void {
    const a = g.alarms;
    if (a === undefined) return;
    const periods = a.evaluationPeriods ?? 3;
    const lagMetric = (metricName: string, topic: string): Metric =>
      new Metric({
        namespace: LAG_METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { [LagDimensions.consumerGroup]: g.groupId, [LagDimensions.topic]: topic },
        statistic: 'Maximum',
        period: Duration.minutes(1),
      });
    for (const topic of g.topics) {
      // Missing lag data means the monitor did not evaluate the group this minute
      // (monitor failure, rebalance, no committed offsets yet): IGNORE keeps the last
      // state, so a lag alarm neither clears nor fires while blind. Blindness itself is
      // reported by the MonitorErrors and heartbeat alarms.
      if (a.maxOffsetLag !== undefined) {
        this.addAlarm(`${g.groupId}-${topic}-MaxOffsetLag`, action, {
          metric: lagMetric(LagMetrics.maxOffsetLag, topic),
          threshold: a.maxOffsetLag,
          evaluationPeriods: periods,
          treatMissingData: TreatMissingData.IGNORE,
          description: `Group ${g.groupId} is ${a.maxOffsetLag}+ records behind on a partition of ${topic}.`,
        });
      }
      if (a.maxTimeLagSeconds !== undefined) {
        this.addAlarm(`${g.groupId}-${topic}-MaxTimeLag`, action, {
          metric: lagMetric(LagMetrics.maxTimeLagSeconds, topic),
          threshold: a.maxTimeLagSeconds,
          evaluationPeriods: periods,
          treatMissingData: TreatMissingData.IGNORE,
          description: `The oldest unconsumed record of ${topic} for group ${g.groupId} is ${a.maxTimeLagSeconds}+ seconds old.`,
        });
      }
    }
    if (a.status !== undefined) {
      this.addAlarm(`${g.groupId}-Status`, action, {
        metric: new Metric({
          namespace: LAG_METRICS_NAMESPACE,
          metricName: LagMetrics.groupStatus,
          dimensionsMap: { [LagDimensions.consumerGroup]: g.groupId },
          statistic: 'Maximum',
          period: Duration.minutes(1),
        }),
        threshold: GROUP_STATUS_VALUE[a.status],
        evaluationPeriods: periods,
        // Same reasoning as the lag alarms: no status this minute is not "OK".
        treatMissingData: TreatMissingData.IGNORE,
        description: `Group ${g.groupId} status is ${a.status} or worse (0 OK, 1 WARN, 2 ERR/NOTFOUND).`,
      });
    }
  }

  private monitorAlarms(action: IAlarmAction): void {
    this.addAlarm('MonitorErrors', action, {
      metric: new Metric({ namespace: LAG_METRICS_NAMESPACE, metricName: LagMetrics.monitorErrors, statistic: 'Sum', period: Duration.minutes(1) }),
      threshold: 1,
      evaluationPeriods: 3,
      // Emitted when a group could not be evaluated; absent means nothing failed.
      treatMissingData: TreatMissingData.NOT_BREACHING,
      description: 'The lag monitor failed to evaluate at least one group in each of the last 3 minutes.',
    });
    this.addAlarm('MonitorNotRunning', action, {
      metric: this.function.metricInvocations({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 2,
      // Lambda publishes no Invocations datapoint when nothing ran: missing is the failure.
      treatMissingData: TreatMissingData.BREACHING,
      description: 'The lag monitor has not run for 10 minutes: no lag metrics, no lag alarms, no autoscaling.',
    });
    this.addAlarm('MonitorFunctionErrors', action, {
      metric: this.function.metricErrors({ period: Duration.minutes(1), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 3,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      description: 'The lag monitor function failed (threw or timed out) in each of the last 3 minutes.',
    });
  }

  private addAlarm(
    id: string,
    action: IAlarmAction,
    p: { metric: Metric; threshold: number; evaluationPeriods: number; treatMissingData: TreatMissingData; description: string; comparisonOperator?: ComparisonOperator },
  ): void {
    const alarm = new Alarm(this, id.replace(/[^A-Za-z0-9-]/g, '-'), {
      metric: p.metric,
      threshold: p.threshold,
      evaluationPeriods: p.evaluationPeriods,
      datapointsToAlarm: p.evaluationPeriods,
      comparisonOperator: p.comparisonOperator ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: p.treatMissingData,
      alarmDescription: `${p.description} See infra/README.md "Alarms".`,
    });
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push(alarm);
  }
}

function validate(path: string, props: LagMonitorProps): void {
  const fail = (message: string): never => {
    throw new ConstructPropsError(`LagMonitor ${path}`, message);
  };
  const ids = new Set<string>();
  for (const g of props.groups) {
    if (ids.has(g.groupId)) fail(`group ${g.groupId} is listed twice`);
    ids.add(g.groupId);
    const s = g.autoscaling;
    if (s !== undefined && [s.scaleUpLag, s.scaleDownLag, s.minPollers, s.maxPollers].every((v) => !Token.isUnresolved(v))) {
      if (s.minPollers < 1 || s.minPollers > s.maxPollers) fail(`group ${g.groupId}: autoscaling needs 1 <= minPollers <= maxPollers`);
      if (s.scaleDownLag >= s.scaleUpLag) fail(`group ${g.groupId}: autoscaling needs scaleDownLag < scaleUpLag`);
    }
    const threshold = g.alarms?.maxOffsetLag;
    if (threshold !== undefined && !Token.isUnresolved(threshold) && threshold <= 0) fail(`group ${g.groupId}: alarms.maxOffsetLag must be positive`);
  }
  // Group ids become part of SCG_GROUPS_INCLUDE, a comma-separated list.
  for (const id of ids) if (id.includes(',')) fail(`group id "${id}" must not contain a comma`);
}
