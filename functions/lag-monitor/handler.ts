// The lag monitor: a scheduled Lambda function (every minute). Thin adapter: configuration
// is parsed once at cold start (a bad variable fails the cold start with its name), the
// Kafka admin client and the monitor are built on the first invocation and reused while
// the instance is warm; all logic lives in shared/lag. Variables, metrics and alarms:
// README.md next to this file.
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaEventSourceMappings } from '../../shared/aws/index.ts';
import { clusterConfigFromEnv, createAdmin, resolveConnection } from '../../shared/kafka/index.ts';
import { DynamoDbLagStateStore, LagMonitor, lagMonitorSettingsFromEnv } from '../../shared/lag/index.ts';
import type { LagSummary } from '../../shared/lag/index.ts';

const cluster = clusterConfigFromEnv(process.env);
const settings = lagMonitorSettingsFromEnv(process.env);
const logger = new Logger({ serviceName: 'lag-monitor' });

let monitor: Promise<LagMonitor> | undefined;

async function createMonitor(): Promise<LagMonitor> {
  const connection = await resolveConnection(cluster);
  const admin = createAdmin(connection, 'scg-lag-monitor', {
    requestTimeoutMs: settings.kafkaTimeoutMs,
    connectTimeoutMs: Math.min(settings.kafkaTimeoutMs, 5_000),
    // One retry: a broker that is down must cost its groups an error, not the whole
    // cycle a minute of retries (the next cycle is a retry anyway).
    retries: 1,
    retryDelayMs: 250,
  });
  return new LagMonitor(
    {
      admin,
      store: new DynamoDbLagStateStore({ tableName: settings.stateTable, client: new DynamoDBClient({}) }),
      ...(Object.keys(settings.autoscaling).length > 0 ? { lambda: new LambdaEventSourceMappings() } : {}),
      logger,
    },
    {
      include: settings.include,
      exclude: settings.exclude,
      states: settings.states,
      perPartitionMetrics: settings.perPartitionMetrics,
      summaryPartitions: settings.summaryPartitions,
      autoscaling: settings.autoscaling,
      burrowWindow: settings.burrowWindow,
      allowedLag: settings.allowedLag,
      timeLagMaxPoints: settings.timeLagMaxPoints,
      maxExtrapolationRatio: settings.maxExtrapolationRatio,
      hotPartitionFactor: settings.hotPartitionFactor,
      hotPartitionMinLag: settings.hotPartitionMinLag,
      groupsPerRequest: settings.groupsPerRequest,
      topicRefreshMs: settings.topicRefreshMs,
    },
  );
}

/** Runs one monitor cycle and returns its JSON summary (offsets as strings). */
export const handler = async (): Promise<LagSummary> => {
  monitor ??= createMonitor().catch((error: unknown) => {
    // Resolving brokers/credentials failed: try again on the next invocation.
    monitor = undefined;
    throw error;
  });
  const { summary } = await (await monitor).runCycle();
  return summary;
};
