/**
 * Burrow partition statuses. `STOP`, `STALL` and `REWIND` are errors; the group status
 * folds them into `ERR` (https://github.com/linkedin/Burrow/wiki/Consumer-Lag-Evaluation-Rules).
 */
export const PARTITION_STATUS = {
  ok: 'OK',
  warn: 'WARN',
  stop: 'STOP',
  stall: 'STALL',
  rewind: 'REWIND',
} as const;
export type PartitionStatus = (typeof PARTITION_STATUS)[keyof typeof PARTITION_STATUS];

/** Burrow group statuses, worst last. */
export const GROUP_STATUS = {
  ok: 'OK',
  warn: 'WARN',
  err: 'ERR',
  notFound: 'NOTFOUND',
} as const;
export type GroupStatus = (typeof GROUP_STATUS)[keyof typeof GROUP_STATUS];

/** What is known about a partition's committed offset. */
export const OFFSET_STATUS = {
  /** A committed offset inside [log start, log end]; lag is exact. */
  committed: 'COMMITTED',
  /** The committed offset is below the log start (retention deleted it): lag counts from the log start. */
  clampedToLogStart: 'CLAMPED_TO_LOG_START',
  /** The group never committed this partition: lag is unknown (`null`), not 0. */
  noCommittedOffset: 'NO_COMMITTED_OFFSET',
  /** The partition leader did not answer ListOffsets this cycle: lag is unknown. */
  logOffsetsUnavailable: 'LOG_OFFSETS_UNAVAILABLE',
} as const;
export type OffsetStatus = (typeof OFFSET_STATUS)[keyof typeof OFFSET_STATUS];

/** How a time lag was obtained. */
export const TIME_LAG_QUALITY = {
  /** Committed offset at or past the log end: 0 s. */
  caughtUp: 'caught-up',
  /** Between two samples of the partition's (log end offset, time) table. */
  interpolated: 'interpolated',
  /** Before the oldest sample, within the extrapolation bound. */
  extrapolated: 'extrapolated',
  /** Further back than the extrapolation bound allows: the value is the bound, the truth is larger. */
  lowerBound: 'lower-bound',
  /** Fewer than two samples, or no committed offset: no value (never 0, never NaN). */
  unknown: 'unknown',
} as const;
export type TimeLagQuality = (typeof TIME_LAG_QUALITY)[keyof typeof TIME_LAG_QUALITY];

/** Stable codes of the lag module's errors. */
export const LAG_ERROR_CODES = {
  config: 'LAG_CONFIG_INVALID',
  state: 'LAG_STATE_STORE_FAILED',
} as const;

/** Group types the monitor lists (ListGroups v5 `types` filter, KIP-848). */
export const MONITORED_GROUP_TYPES = ['classic', 'consumer'] as const;
export type MonitoredGroupType = (typeof MONITORED_GROUP_TYPES)[number];

/** Kafka group states during which a classic group is rebalancing. */
export const REBALANCING_STATES: ReadonlySet<string> = new Set([
  'PreparingRebalance',
  'CompletingRebalance',
  'PREPARING_REBALANCE',
  'COMPLETING_REBALANCE',
  'Assigning',
  'Reconciling',
]);

/** Defaults, applied once where options are parsed. */
export const LAG_DEFAULTS = {
  /** Commits kept per partition for Burrow's rules (Burrow's `intervals`). */
  burrowWindow: 10,
  /** Observations closer than this replace the previous one (Burrow's storage `min-distance`). */
  minCommitDistanceMs: 1_000,
  /** Current lag at or below which a partition is OK whatever its history. */
  allowedLag: 0n,
  /** (log end offset, time) samples kept per partition (kafka-lag-exporter's lookup table size). */
  timeLagMaxPoints: 60,
  /** Backward extrapolation allowed, as a multiple of the sample table's own time span. */
  maxExtrapolationRatio: 1,
  /** A partition is hot when its lag exceeds this many times the mean lag of the topic's other partitions... */
  hotPartitionFactor: 3,
  /** ...and is at least this large. */
  hotPartitionMinLag: 100n,
  /** Groups per DescribeGroups / OffsetFetch batch (one request per coordinator per batch). */
  groupsPerRequest: 500,
  /** Topics per ListOffsets call (one request per partition leader per call). */
  topicsPerListOffsets: 1_000,
  /** Batches of groups collected at the same time. */
  concurrency: 4,
  /**
   * How long a warm monitor reads the known topics' log offsets by the partition counts and
   * leaders it cached, before asking Metadata for them again (Kafka clients'
   * `metadata.max.age.ms`).
   */
  topicRefreshMs: 300_000,
  /** State items not written for this long expire (DynamoDB TTL), e.g. deleted groups. */
  stateTtlSeconds: 7 * 24 * 3600,
} as const;

/** ListOffsets timestamps: latest (log end) and earliest (log start). */
export const LIST_OFFSETS_LATEST = -1n;
export const LIST_OFFSETS_EARLIEST = -2n;
