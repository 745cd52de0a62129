/** Codes of the errors this module raises itself (service errors carry the AWS code instead). */
export const AWS_ERROR_CODES = {
  config: 'AWS_CONFIG_INVALID',
  network: 'AWS_NETWORK_ERROR',
  /** A 2xx answer whose body is not a JSON object. */
  invalidResponse: 'AWS_INVALID_RESPONSE',
} as const;

/**
 * Attempts per call, the first included: the SDK's `standard` retry mode
 * (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html).
 */
export const DEFAULT_MAX_ATTEMPTS = 3;

/**
 * Base of the jittered exponential backoff between attempts, and its cap. Throttling
 * errors wait five times longer, as the SDK's standard mode does (100 ms vs 500 ms base).
 */
export const RETRY_BASE_DELAY_MS = 100;
export const THROTTLING_DELAY_FACTOR = 5;
export const RETRY_MAX_DELAY_MS = 20_000;

/** Per-request budget (connect, send, read the answer). The SDK has none by default; a hung socket must not eat a whole invocation. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/**
 * Error codes that mean "slow down" whatever their HTTP status: Lambda's is
 * TooManyRequestsException (429); the others are the generic ones the SDK recognises.
 */
export const THROTTLING_ERROR_CODES: ReadonlySet<string> = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'SlowDown',
]);

/**
 * DNS suffixes of each AWS partition other than `aws` (`amazonaws.com` and, dual-stack,
 * `api.aws`, which `aws-us-gov` shares), by region prefix: the partitions table of the
 * SDK's endpoint rules (@aws-sdk/core util-endpoints partitions.js), where every partition
 * supports FIPS and dual-stack. Longest prefixes first.
 */
export const PARTITION_DNS_SUFFIXES: readonly (readonly [regionPrefix: string, dnsSuffix: string, dualStackDnsSuffix: string])[] = [
  ['us-isob-', 'sc2s.sgov.gov', 'api.aws.scloud'],
  ['us-isof-', 'csp.hci.ic.gov', 'api.aws.hci.ic.gov'],
  ['us-iso-', 'c2s.ic.gov', 'api.aws.ic.gov'],
  ['eu-isoe-', 'cloud.adc-e.uk', 'api.cloud-aws.adc-e.uk'],
  ['eusc-', 'amazonaws.eu', 'api.amazonwebservices.eu'],
  ['cn-', 'amazonaws.com.cn', 'api.amazonwebservices.com.cn'],
];
