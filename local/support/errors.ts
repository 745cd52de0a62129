import { ServerlessConsumerGroupsError } from '../../shared/errors/index.ts';

/** Base error of the local stack (broker and emulator launchers, sandbox). */
export class LocalStackError extends ServerlessConsumerGroupsError {
  constructor(message: string, options: { code: string; retriable?: boolean; cause?: unknown }) {
    super(message, { code: options.code, retriable: options.retriable ?? false, cause: options.cause });
  }
}

/** A tool the local stack needs (java, mvn, python3) is missing or too old. */
export class PrerequisiteError extends LocalStackError {
  constructor(message: string) {
    super(message, { code: 'LOCAL_PREREQUISITE' });
  }
}

/** A service did not become ready in time; `logTail` holds its last log lines. */
export class ServiceStartError extends LocalStackError {
  readonly logTail: string;
  constructor(message: string, logTail: string, cause?: unknown) {
    super(`${message}${logTail ? `\n--- last log lines ---\n${logTail}` : ''}`, { code: 'LOCAL_START_FAILED', cause });
    this.logTail = logTail;
  }
}
