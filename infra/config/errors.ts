import { ServerlessConsumerGroupsError } from '../../shared/errors/index.ts';

/** Base of every error the CDK app's configuration layer throws. */
export class InfraConfigError extends ServerlessConsumerGroupsError {}

/**
 * The declaration failed validation. `issues` holds one line per problem, each starting
 * with the field path (`consumers[2].batchSize: must be 1..10000`), so a typo is an error
 * that names where it is, not a silent default.
 */
export class DeclarationError extends InfraConfigError {
  /** One `path: message` line per problem, in declaration order. */
  readonly issues: readonly string[];

  constructor(issues: readonly string[]) {
    super(`invalid consumer-groups declaration:\n  ${issues.join('\n  ')}`, { code: 'INFRA_DECLARATION_INVALID', retriable: false });
    this.issues = issues;
  }
}
