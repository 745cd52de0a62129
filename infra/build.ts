import { Annotations, Tags, Validations } from 'aws-cdk-lib';
import type { App, Environment } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { ParsedDeclaration } from './config/types.ts';
import { ConsumersStack } from './stacks/consumers-stack.ts';
import { OperationsStack } from './stacks/operations-stack.ts';

export interface ConsumerGroupsApp {
  readonly consumers: ConsumersStack;
  readonly operations: OperationsStack;
}

export interface BuildOptions {
  /** Repository root: handler entries and package-lock.json are found from here. */
  readonly projectRoot: string;
  /** @default - environment-agnostic stacks (nothing needs a lookup) */
  readonly env?: Environment;
  /** Run cdk-nag's AwsSolutions checks on every stack. @default true */
  readonly nag?: boolean;
}

/**
 * Adds the two stacks for a validated declaration to `app`, prints the declaration's
 * warnings as CDK warnings, and registers the AwsSolutions checks.
 *
 * @example
 * const app = new App();
 * buildConsumerGroupsApp(app, parseDeclaration(input), { projectRoot });
 */
export function buildConsumerGroupsApp(app: App, parsed: ParsedDeclaration, options: BuildOptions): ConsumerGroupsApp {
  const d = parsed.declaration;
  const env = options.env === undefined ? {} : { env: options.env };
  const consumers = new ConsumersStack(app, `${d.appName}-consumers`, {
    ...env,
    declaration: d,
    projectRoot: options.projectRoot,
    description: 'serverless-consumer-groups: Kafka consumer-group functions, event source mappings, idempotency table, on-failure destinations',
  });
  const operations = new OperationsStack(app, `${d.appName}-operations`, {
    ...env,
    declaration: d,
    projectRoot: options.projectRoot,
    groups: consumers.groups,
    description: 'serverless-consumer-groups: lag monitor, alarms, offset reset, dashboard',
  });
  operations.addStackDependency(consumers, 'the operations stack alarms on, resizes and resets the consumer functions');
  parsed.warnings.forEach((warning, i) => Annotations.of(consumers).addWarningV2(`scg:declaration-${i}`, warning));
  Tags.of(app).add('project', 'serverless-consumer-groups');
  // cdk-nag 3 is a CDK policy-validation plugin: any unacknowledged finding stops synth.
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { consumers, operations };
}
