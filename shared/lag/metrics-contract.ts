/**
 * The CloudWatch contract between the lag monitor (which emits) and the CDK app (whose
 * alarms and dashboard read). Both import these names; a test asserts the emitted EMF
 * matches them exactly, so an alarm can never watch a metric nobody publishes.
 */
export const LAG_METRICS_NAMESPACE = 'ServerlessConsumerGroups';

/** Dimension names. Per-group+topic metrics carry both; per-group ones only `ConsumerGroup`. */
export const LagDimensions = {
  consumerGroup: 'ConsumerGroup',
  topic: 'Topic',
  partition: 'Partition',
} as const;

/** Metric names, with their units and dimension sets. */
export const LagMetrics = {
  /** Sum over partitions of max(0, log end − committed), per group and topic. Unit: Count. */
  sumOffsetLag: 'SumOffsetLag',
  /** Largest partition lag, per group and topic. Unit: Count. */
  maxOffsetLag: 'MaxOffsetLag',
  /** Largest partition time lag (age of the oldest unconsumed record), per group and topic. Unit: Seconds. */
  maxTimeLagSeconds: 'MaxTimeLagSeconds',
  /** Group status as a number (see `GROUP_STATUS_VALUE`), per group. Unit: None. */
  groupStatus: 'GroupStatus',
  /** Members of the group, per group. Unit: Count. */
  members: 'Members',
  /** Rebalances seen since the previous cycle (generation changes), per group. Unit: Count. */
  rebalances: 'Rebalances',
  /** Partition lag, per group, topic and partition (only with per-partition metrics on). Unit: Count. */
  partitionOffsetLag: 'PartitionOffsetLag',
  /** Partition time lag, per group, topic and partition (only with per-partition metrics on). Unit: Seconds. */
  partitionTimeLagSeconds: 'PartitionTimeLagSeconds',
  /** Groups the monitor failed to evaluate this cycle (no dimensions, and per group). Unit: Count. */
  monitorErrors: 'MonitorErrors',
  /** Poller scaling decisions, per group: +step for up, −step for down. Unit: Count. */
  scalingDecision: 'PollerScalingDecision',
} as const;

/**
 * `GroupStatus` values. Alarms compare with `>=`: WARN or worse is `>= 1`, ERR is `>= 2`.
 * NOTFOUND (the group vanished) is reported as ERR for alarming purposes.
 */
export const GROUP_STATUS_VALUE = { OK: 0, WARN: 1, ERR: 2, NOTFOUND: 2 } as const;
