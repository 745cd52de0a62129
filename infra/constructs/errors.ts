import { InfraConfigError } from '../config/errors.ts';

/** A construct was given props that cannot deploy; the message names the construct and prop. */
export class ConstructPropsError extends InfraConfigError {
  constructor(construct: string, message: string) {
    super(`${construct}: ${message}`, { code: 'INFRA_CONSTRUCT_PROPS_INVALID', retriable: false });
  }
}
