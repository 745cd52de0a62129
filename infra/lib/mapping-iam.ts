import { ArnFormat, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { acknowledge } from './nag.ts';

/**
 * Lets `principal` find this app's event source mappings and update (pause, resume,
 * re-size) only those of `functions`.
 *
 * - `ListEventSourceMappings` supports no resource type: `*`.
 * - `GetEventSourceMapping` takes an event-source-mapping ARN; a mapping's UUID is known
 *   only after deploy, so `event-source-mapping:*` (read-only).
 * - `UpdateEventSourceMapping` is limited with the `lambda:FunctionArn` condition key to
 *   the mappings that invoke our functions
 *   (https://docs.aws.amazon.com/lambda/latest/dg/lambda-api-permissions-ref.html). Keying
 *   on function ARNs rather than mapping UUIDs keeps working when a mapping is replaced
 *   (a group id or topic change), and the function ARNs are stable.
 *
 * @example
 * grantMappingControl(this, fn.role, consumerFunctions);
 */
export function grantMappingControl(scope: Construct, principal: IRole, functions: readonly IFunction[]): void {
  const anyMapping = Stack.of(scope).formatArn({ service: 'lambda', resource: 'event-source-mapping', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  principal.addToPrincipalPolicy(new PolicyStatement({ actions: ['lambda:ListEventSourceMappings'], resources: ['*'] }));
  principal.addToPrincipalPolicy(new PolicyStatement({ actions: ['lambda:GetEventSourceMapping'], resources: [anyMapping] }));
  if (functions.length > 0) {
    principal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['lambda:UpdateEventSourceMapping'],
        resources: [anyMapping],
        conditions: { StringEquals: { 'lambda:FunctionArn': functions.map((f) => f.functionArn) } },
      }),
    );
  }
  acknowledge(
    principal,
    'AwsSolutions-IAM5',
    ['Resource::*', 'Resource::arn:<AWS::Partition>:lambda:<AWS::Region>:<AWS::AccountId>:event-source-mapping:*'],
    "lambda:ListEventSourceMappings has no resource type (must be *); Get/UpdateEventSourceMapping take mapping ARNs whose UUIDs exist only after deploy, so event-source-mapping:* with Update restricted by the lambda:FunctionArn condition to this app's consumer functions.",
  );
}
