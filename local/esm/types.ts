/**
 * A Kafka event source mapping as the local runtime runs it: the subset of Lambda's
 * `EventSourceMappingConfiguration` that governs polling, batching and errors. Built
 * from the synthesized CloudFormation template (`template.ts`) or declared directly.
 */
export interface MappingSpec {
  readonly uuid: string;
  readonly functionName: string;
  readonly topics: readonly string[];
  /** Lambda uses the mapping UUID when none is set. */
  readonly consumerGroupId?: string;
  /** MSK (`eventSource: aws:kafka`, with the cluster ARN) or self-managed Kafka. */
  readonly source: { readonly kind: 'msk'; readonly clusterArn: string } | { readonly kind: 'self-managed' };
  /** @default 'TRIM_HORIZON' */
  readonly startingPosition?: 'TRIM_HORIZON' | 'LATEST' | 'AT_TIMESTAMP';
  /** Unix seconds, for AT_TIMESTAMP. */
  readonly startingPositionTimestamp?: number;
  /** @default 100 */
  readonly batchSize?: number;
  /** @default 0.5 (Lambda's Kafka default is 500 ms) */
  readonly maximumBatchingWindowInSeconds?: number;
  /** @default true */
  readonly enabled?: boolean;
  /** Provisioned mode. Without it, one poller (Lambda's on-demand scaling is not emulated). */
  readonly provisionedPollerConfig?: { readonly minimumPollers?: number; readonly maximumPollers?: number };
  /** -1 = infinite. @default -1 */
  readonly maximumRetryAttempts?: number;
  /** -1 = infinite. @default -1 */
  readonly maximumRecordAgeInSeconds?: number;
  /** @default false */
  readonly bisectBatchOnFunctionError?: boolean;
  /** `['ReportBatchItemFailures']` turns partial batch responses on. @default [] */
  readonly functionResponseTypes?: readonly string[];
  /** `kafka://<topic>` or an SQS queue ARN. */
  readonly onFailureDestination?: string;
}

/** Lambda's mapping states (https://docs.aws.amazon.com/lambda/latest/api/API_EventSourceMappingConfiguration.html). */
export const MappingStates = {
  creating: 'Creating',
  enabling: 'Enabling',
  enabled: 'Enabled',
  disabling: 'Disabling',
  disabled: 'Disabled',
  updating: 'Updating',
  deleting: 'Deleting',
} as const;
export type MappingState = (typeof MappingStates)[keyof typeof MappingStates];

/** Lambda's `EventCount` metrics group, plus what the live view shows. */
export interface MappingCounters {
  polledEventCount: number;
  invokedEventCount: number;
  invocations: number;
  failedInvokeEventCount: number;
  functionErrors: number;
  onFailureDestinationDeliveredEventCount: number;
  committedEventCount: number;
  droppedEventCount: number;
}

export function emptyCounters(): MappingCounters {
  return {
    polledEventCount: 0,
    invokedEventCount: 0,
    invocations: 0,
    failedInvokeEventCount: 0,
    functionErrors: 0,
    onFailureDestinationDeliveredEventCount: 0,
    committedEventCount: 0,
    droppedEventCount: 0,
  };
}

/** Resolved defaults of a mapping; one place so the control plane reports what runs. */
export function withDefaults(spec: MappingSpec) {
  return {
    ...spec,
    consumerGroupId: spec.consumerGroupId ?? spec.uuid,
    startingPosition: spec.startingPosition ?? 'TRIM_HORIZON',
    batchSize: spec.batchSize ?? 100,
    maximumBatchingWindowInSeconds: spec.maximumBatchingWindowInSeconds ?? 0.5,
    enabled: spec.enabled ?? true,
    minimumPollers: spec.provisionedPollerConfig?.minimumPollers ?? 1,
    maximumPollers: spec.provisionedPollerConfig?.maximumPollers ?? (spec.provisionedPollerConfig ? 200 : 1),
    maximumRetryAttempts: spec.maximumRetryAttempts ?? -1,
    maximumRecordAgeInSeconds: spec.maximumRecordAgeInSeconds ?? -1,
    bisectBatchOnFunctionError: spec.bisectBatchOnFunctionError ?? false,
    reportBatchItemFailures: (spec.functionResponseTypes ?? []).includes('ReportBatchItemFailures'),
  };
}
export type ResolvedMapping = ReturnType<typeof withDefaults>;

/** A commit the runtime made for a mapping's group. */
export interface CommitEvent {
  readonly mappingUuid: string;
  /** `topic-partition` */
  readonly key: string;
  /** The committed offset (next record to deliver). */
  readonly offset: bigint;
  readonly atMs: number;
}

/** One invocation as the runtime saw it, from building the batch to the commit. */
export interface InvocationEvent {
  readonly mappingUuid: string;
  readonly requestId: string;
  readonly records: number;
  readonly outcome: 'success' | 'error' | 'partial';
  /** From building the event to the end of the commit. */
  readonly latencyMs: number;
}
