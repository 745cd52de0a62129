import { ServerlessConsumerGroupsError } from '../errors/index.ts';
import { AWS_ERROR_CODES } from './constants.ts';

/** Base class of every error thrown by the AWS client module (shared/aws). */
export class AwsError extends ServerlessConsumerGroupsError {}

/** A client could not be configured (no region, a malformed endpoint); the message names the setting. */
export class AwsConfigError extends AwsError {
  /** The option or environment variable at fault, e.g. `AWS_REGION`. */
  readonly setting: string;

  constructor(setting: string, message: string) {
    super(`${setting}: ${message}`, { code: AWS_ERROR_CODES.config, retriable: false });
    this.setting = setting;
  }
}

/**
 * The service answered with an error. `name` and `code` are the AWS error code
 * (`ResourceConflictException`, `TooManyRequestsException`...), as on the SDK's exceptions,
 * so checks written against the SDK (`error.name === 'ResourceConflictException'`) keep
 * working; `message` is the service's own.
 */
export class AwsServiceError extends AwsError {
  /** The API operation, e.g. `UpdateEventSourceMapping`. */
  readonly operation: string;
  /** HTTP status of the answer. */
  readonly status: number;
  /** `x-amzn-requestid` of the answer, for AWS support; absent when the service sent none. */
  readonly requestId: string | undefined;

  constructor(message: string, options: { errorCode: string; operation: string; status: number; requestId: string | undefined; retriable: boolean }) {
    super(message, { code: options.errorCode, retriable: options.retriable });
    this.name = options.errorCode;
    this.operation = options.operation;
    this.status = options.status;
    this.requestId = options.requestId;
  }
}

/** No answer: the connection failed or the request timed out. Always retriable. */
export class AwsNetworkError extends AwsError {
  /** The API operation, e.g. `ListEventSourceMappings`. */
  readonly operation: string;

  constructor(message: string, options: { operation: string; cause: unknown }) {
    super(message, { code: AWS_ERROR_CODES.network, retriable: true, cause: options.cause });
    this.operation = options.operation;
  }
}

/**
 * Whether `error` is the AWS error `code`, from this module or from an SDK client (both
 * name their errors by code).
 *
 * @example
 * if (hasAwsErrorCode(error, 'ResourceConflictException')) return 'mid-transition';
 */
export function hasAwsErrorCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && 'name' in error && error.name === code;
}
