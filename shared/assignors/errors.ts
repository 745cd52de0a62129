import { ServerlessConsumerGroupsError } from '../errors/index.ts';

/**
 * The one error the assignors module throws. Never retriable: an assignment is a pure function
 * of its input, so the same input fails the same way. `code` is one of `ASSIGNOR_ERROR_CODES`.
 *
 * @example
 * try {
 *   assign('sticky', input);
 * } catch (error) {
 *   if (error instanceof AssignorError && error.code === ASSIGNOR_ERROR_CODES.ZERO_PARTITIONS) { ... }
 * }
 */
export class AssignorError extends ServerlessConsumerGroupsError {
  constructor(message: string, options: { code: string; cause?: unknown }) {
    super(message, { code: options.code, retriable: false, cause: options.cause });
  }
}
