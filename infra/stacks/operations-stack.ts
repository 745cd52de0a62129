import { CfnOutput, Stack } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { join } from 'node:path';
import type { Declaration } from '../config/types.ts';
import { ConsumerGroupsDashboard } from '../constructs/consumer-groups-dashboard.ts';
import type { ConsumerGroupFunction } from '../constructs/consumer-group-function.ts';
import { LagMonitor } from '../constructs/lag-monitor.ts';
import { OffsetReset } from '../constructs/offset-reset.ts';
import { importVpcPlacement } from '../lib/vpc.ts';

export interface OperationsStackProps extends StackProps {
  readonly declaration: Declaration;
  readonly projectRoot: string;
  /** The consumer groups deployed by the consumers stack. */
  readonly groups: readonly ConsumerGroupFunction[];
}

/** The operator side: lag monitor (metrics, alarms, autoscaling), offset reset, dashboard. */
export class OperationsStack extends Stack {
  readonly lagMonitor: LagMonitor;
  readonly offsetReset: OffsetReset;
  readonly dashboard: ConsumerGroupsDashboard;

  constructor(scope: Construct, id: string, props: OperationsStackProps) {
    super(scope, id, props);
    const d = props.declaration;
    const byGroup = new Map(d.consumers.map((c) => [c.groupId, c]));
    const clusterVpc = d.cluster.vpc === undefined ? undefined : importVpcPlacement(this, 'KafkaVpc', d.cluster.vpc);
    const logRetention = d.logRetentionDays as RetentionDays;
    const common = { cluster: d.cluster, projectRoot: props.projectRoot, logRetention, ...(clusterVpc === undefined ? {} : { clusterVpc }) };

    this.lagMonitor = new LagMonitor(this, 'LagMonitor', {
      ...common,
      entry: join(props.projectRoot, 'functions/lag-monitor/handler.ts'),
      perPartitionMetrics: d.monitoring.perPartitionMetrics,
      ...(d.monitoring.alarmEmail === undefined ? {} : { alarmEmail: d.monitoring.alarmEmail }),
      groups: props.groups.map((g) => {
        const c = byGroup.get(g.groupId);
        return {
          groupId: g.groupId,
          topics: g.topics,
          function: g.function,
          ...(c?.alarms === undefined ? {} : { alarms: c.alarms }),
          ...(c?.autoscaling === undefined ? {} : { autoscaling: c.autoscaling }),
        };
      }),
    });

    this.offsetReset = new OffsetReset(this, 'OffsetReset', {
      ...common,
      entry: join(props.projectRoot, 'functions/offset-reset/handler.ts'),
      groups: props.groups.map((g) => ({ groupId: g.groupId, topics: g.topics, function: g.function })),
      ...(d.offsetReset.offsetFiles === undefined ? {} : { offsetFiles: d.offsetReset.offsetFiles }),
    });

    this.dashboard = new ConsumerGroupsDashboard(this, 'Dashboard', {
      dashboardName: `${d.appName}-consumer-groups`,
      monitorFunction: this.lagMonitor.function,
      alarms: this.lagMonitor.alarms,
      groups: props.groups.map((g) => ({
        groupId: g.groupId,
        topics: g.topics,
        function: g.function,
        mappings: g.mappings.map((m) => ({ topic: m.topic, mappingId: m.mapping.eventSourceMappingId })),
        provisioned: g.provisioned,
        hasFailureDestination: byGroup.get(g.groupId)?.onFailure !== undefined,
      })),
    });

    // What operators type: `aws lambda invoke --function-name <OffsetResetFunctionName> ...`.
    new CfnOutput(this, 'OffsetResetFunctionName', { value: this.offsetReset.function.functionName, description: 'Invoke to describe or reset a group (dry run by default)' });
    new CfnOutput(this, 'OffsetResetAuditTable', { value: this.offsetReset.auditTable.tableName, description: 'One item per reset execution' });
    new CfnOutput(this, 'LagMonitorFunctionName', { value: this.lagMonitor.function.functionName, description: 'Runs every minute; invoke for an on-demand lag summary' });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.lagMonitor.alarmTopic.topicArn, description: 'Subscribe on-call endpoints here' });
    new CfnOutput(this, 'DashboardName', { value: `${d.appName}-consumer-groups` });
  }
}
