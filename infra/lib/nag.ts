import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges cdk-nag findings on `scope` (and everything under it), with the reason
 * kept next to the code that causes them. cdk-nag 3 reports through CDK's
 * `Validations`; a rule that reports several findings (IAM4, IAM5) needs each finding
 * acknowledged by its own id, `AwsSolutions-IAM5[Resource::*]`.
 *
 * @example
 * acknowledge(role, 'AwsSolutions-IAM5', ['Resource::*'], 'ec2 ENI actions take no resource ARNs');
 */
export function acknowledge(scope: IConstruct, rule: string, findings: readonly string[], reason: string): void {
  const ids = findings.length === 0 ? [rule] : findings.map((f) => `${rule}[${f}]`);
  for (const id of ids) Validations.of(scope).acknowledge({ id, reason });
}
