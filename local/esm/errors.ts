import { ServerlessConsumerGroupsError } from '../../shared/errors/index.ts';

/** Base error of the local event-source runtime. */
export class EsmRuntimeError extends ServerlessConsumerGroupsError {
  constructor(message: string, options: { code: string; retriable?: boolean; cause?: unknown }) {
    super(message, { code: options.code, retriable: options.retriable ?? true, cause: options.cause });
  }
}

/** The function returned an error or threw (Lambda's `FunctionError: Unhandled`). */
export class FunctionInvokeError extends EsmRuntimeError {
  readonly errorType: string;
  constructor(functionName: string, errorType: string, errorMessage: string) {
    super(`${functionName} failed: ${errorType}: ${errorMessage}`, { code: 'ESM_FUNCTION_ERROR' });
    this.errorType = errorType;
  }
}

/** The function ran past its timeout; its execution environment was discarded. */
export class FunctionTimeoutError extends EsmRuntimeError {
  constructor(functionName: string, timeoutMs: number) {
    super(`${functionName} timed out after ${timeoutMs} ms`, { code: 'ESM_FUNCTION_TIMEOUT' });
  }
}

/** A control-plane request Lambda would refuse (the `Type` is Lambda's error type). */
export class ControlPlaneError extends EsmRuntimeError {
  readonly type: 'ResourceNotFoundException' | 'ResourceConflictException' | 'InvalidParameterValueException';
  readonly status: number;
  constructor(type: ControlPlaneError['type'], message: string) {
    super(message, { code: `ESM_${type}`, retriable: type === 'ResourceConflictException' });
    this.type = type;
    this.status = type === 'ResourceNotFoundException' ? 404 : type === 'ResourceConflictException' ? 409 : 400;
  }
}
