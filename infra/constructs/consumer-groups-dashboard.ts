import { Duration } from 'aws-cdk-lib';
import { AlarmStatusWidget, Dashboard, GraphWidget, Metric, TextWidget } from 'aws-cdk-lib/aws-cloudwatch';
import type { IAlarm, IWidget } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { LAG_METRICS_NAMESPACE, LagDimensions, LagMetrics } from '../../shared/lag/metrics-contract.ts';

/** One event source mapping of a group: its topic and mapping UUID. */
export interface DashboardMapping {
  readonly topic: string;
  readonly mappingId: string;
}

/** A consumer group on the dashboard. */
export interface DashboardGroup {
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly function: IFunction;
  readonly mappings: readonly DashboardMapping[];
  /** Provisioned mode: the mapping publishes ProvisionedPollers and the enhanced ESM metrics. @default false */
  readonly provisioned?: boolean;
  /** The mapping has an on-failure destination. @default false */
  readonly hasFailureDestination?: boolean;
}

export interface ConsumerGroupsDashboardProps {
  readonly groups: readonly DashboardGroup[];
  /** @default - no monitor row */
  readonly monitorFunction?: IFunction;
  /** Shown in an alarm status widget at the top. @default - none */
  readonly alarms?: readonly IAlarm[];
  /** @default - CloudFormation generates a name */
  readonly dashboardName?: string;
}

const MINUTE = Duration.minutes(1);

// Lambda's own metrics for Kafka event sources
// (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html):
// - OffsetLag is a function-level performance metric (dimension FunctionName); it is
//   measured per topic, so a function with several topics reports their mix.
// - Event source mapping metrics (PolledEventCount, OnFailureDestinationDeliveredEventCount,
//   ProvisionedPollers, ...) are per mapping: dimension EventSourceMappingUUID. For Kafka
//   they need MetricsConfig, which ConsumerGroupFunction sets in provisioned mode only.
function lambdaMetric(metricName: string, dimensionsMap: Record<string, string>, statistic: string, label: string): Metric {
  return new Metric({ namespace: 'AWS/Lambda', metricName, dimensionsMap, statistic, period: MINUTE, label });
}

function lagMetric(metricName: string, groupId: string, topic: string | undefined, statistic: string, label: string): Metric {
  return new Metric({
    namespace: LAG_METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { [LagDimensions.consumerGroup]: groupId, ...(topic === undefined ? {} : { [LagDimensions.topic]: topic }) },
    statistic,
    period: MINUTE,
    label,
  });
}

/**
 * One row per consumer group: offset lag (ours and Lambda's), time lag, status and
 * members, invocations and errors, and for provisioned mappings the poller count and
 * deliveries to the on-failure destination. A top row shows alarms and the monitor.
 *
 * @example
 * new ConsumerGroupsDashboard(this, 'Dashboard', { groups, monitorFunction, alarms });
 */
export class ConsumerGroupsDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: ConsumerGroupsDashboardProps) {
    super(scope, id);
    this.dashboard = new Dashboard(this, 'Dashboard', {
      ...(props.dashboardName === undefined ? {} : { dashboardName: props.dashboardName }),
      defaultInterval: Duration.hours(3),
    });

    const top: IWidget[] = [];
    if (props.alarms !== undefined && props.alarms.length > 0) {
      top.push(new AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: 12, height: 6 }));
    }
    if (props.monitorFunction !== undefined) {
      const m = props.monitorFunction;
      top.push(
        new GraphWidget({
          title: 'Lag monitor',
          width: 12,
          height: 6,
          left: [m.metricInvocations({ period: MINUTE, label: 'Invocations' }), m.metricErrors({ period: MINUTE, label: 'Errors' })],
          right: [new Metric({ namespace: LAG_METRICS_NAMESPACE, metricName: LagMetrics.monitorErrors, statistic: 'Sum', period: MINUTE, label: 'MonitorErrors' })],
        }),
      );
    }
    if (top.length > 0) this.dashboard.addWidgets(...top);

    for (const g of props.groups) this.dashboard.addWidgets(...this.groupRow(g));
  }

  private groupRow(g: DashboardGroup): IWidget[] {
    const fnName = g.function.functionName;
    const widgets: IWidget[] = [
      new TextWidget({ markdown: `### ${g.groupId}\nTopics: ${g.topics.join(', ')}`, width: 24, height: 1 }),
      new GraphWidget({
        title: `${g.groupId}: offset lag (max partition)`,
        width: 6,
        left: g.topics.map((t) => lagMetric(LagMetrics.maxOffsetLag, g.groupId, t, 'Maximum', `MaxOffsetLag ${t}`)),
        right: [lambdaMetric('OffsetLag', { FunctionName: fnName }, 'Maximum', 'Lambda OffsetLag')],
      }),
      new GraphWidget({
        title: `${g.groupId}: time lag (s)`,
        width: 6,
        left: g.topics.map((t) => lagMetric(LagMetrics.maxTimeLagSeconds, g.groupId, t, 'Maximum', `MaxTimeLagSeconds ${t}`)),
      }),
      new GraphWidget({
        title: `${g.groupId}: status (0 OK, 1 WARN, 2 ERR) and members`,
        width: 6,
        left: [lagMetric(LagMetrics.groupStatus, g.groupId, undefined, 'Maximum', 'GroupStatus')],
        right: [lagMetric(LagMetrics.members, g.groupId, undefined, 'Minimum', 'Members'), lagMetric(LagMetrics.rebalances, g.groupId, undefined, 'Sum', 'Rebalances')],
        leftYAxis: { min: 0, max: 2 },
      }),
      new GraphWidget({
        title: `${g.groupId}: invocations and errors`,
        width: 6,
        left: [g.function.metricInvocations({ period: MINUTE, label: 'Invocations' }), g.function.metricErrors({ period: MINUTE, label: 'Errors' })],
        right: [g.function.metricDuration({ period: MINUTE, statistic: 'p99', label: 'Duration p99' })],
      }),
    ];
    if (g.provisioned === true) {
      widgets.push(
        new GraphWidget({
          title: `${g.groupId}: pollers`,
          width: 12,
          left: g.mappings.map((m) => lambdaMetric('ProvisionedPollers', { EventSourceMappingUUID: m.mappingId }, 'Maximum', `ProvisionedPollers ${m.topic}`)),
          right: [lagMetric(LagMetrics.scalingDecision, g.groupId, undefined, 'Sum', 'Scaling decisions')],
        }),
      );
      if (g.hasFailureDestination === true) {
        widgets.push(
          new GraphWidget({
            title: `${g.groupId}: sent to on-failure destination`,
            width: 12,
            left: g.mappings.map((m) =>
              lambdaMetric('OnFailureDestinationDeliveredEventCount', { EventSourceMappingUUID: m.mappingId }, 'Sum', `Delivered ${m.topic}`),
            ),
            right: g.mappings.map((m) => lambdaMetric('FailedInvokeEventCount', { EventSourceMappingUUID: m.mappingId }, 'Sum', `Failed invokes ${m.topic}`)),
          }),
        );
      }
    }
    return widgets;
  }
}
