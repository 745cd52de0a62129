// Shared set-up for the CDK assertion tests: an App with the project's feature flags
// (cdk.json) and bundling skipped, and a fixture project whose handler files are stubs,
// so the tests neither run esbuild nor depend on the real handlers being written.
import { App, Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import type { ClusterDeclaration } from '../../infra/config/index.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const FIXTURE_ROOT = fileURLToPath(new URL('./fixtures/project/', import.meta.url));
export const fixtureEntry = (name: string): string => `${FIXTURE_ROOT}functions/${name}/handler.ts`;

const cdkJson = JSON.parse(readFileSync(`${REPO_ROOT}cdk.json`, 'utf8')) as { context: Record<string, unknown> };

// Without an outdir, every synthesis (Template.fromStack) leaves a `cdk.out*` directory in
// the system temp dir for good: hundreds per test run. Each App gets its own directory
// here, removed after the test file.
const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** An App as `cdk synth` builds it, except that no stack is bundled (`aws:cdk:bundling-stacks` = []). */
export function testApp(): App {
  const outdir = mkdtempSync(join(tmpdir(), 'scg-cdk-test-'));
  outdirs.push(outdir);
  return new App({ outdir, context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
}

/** A stack in a fresh test app. */
export function testStack(id = 'Test'): Stack {
  return new Stack(testApp(), id);
}

export const CLUSTER_ARN = 'arn:aws:kafka:eu-west-1:111122223333:cluster/orders/abcd1234-0123-abcd-5678-1234abcd-1';
export const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:AmazonMSK_orders-AbCdEf';
export const KEY_ARN = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
export const VPC = { vpcId: 'vpc-0123456789abcdef0', subnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'], securityGroupIds: ['sg-0123456789abcdef0'] };

export const MSK_IAM: ClusterDeclaration = { type: 'msk', clusterArn: CLUSTER_ARN, auth: 'iam' };
export const MSK_SCRAM: ClusterDeclaration = { type: 'msk', clusterArn: CLUSTER_ARN, auth: 'scram', secretArn: SECRET_ARN, secretKmsKeyArn: KEY_ARN };
export const SELF_MANAGED: ClusterDeclaration = {
  type: 'self-managed',
  bootstrapServers: ['b-1.kafka.internal:9096', 'b-2.kafka.internal:9096'],
  auth: 'scram-sha-512',
  secretArn: SECRET_ARN,
  vpc: VPC,
};

/** cdk-nag AwsSolutions findings left unacknowledged under `scope`, as `rule @ path` lines. */
export function nagFindings(scope: IConstruct): string[] {
  const report = new AwsSolutionsChecks().validateScope(scope);
  return report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath}`));
}

/** Every statement of every IAM policy in a template, flattened. */
export interface Statement {
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}
export function statements(template: Template): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy') as Record<string, { Properties: { PolicyDocument: { Statement: Statement[] } } }>;
  return Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement);
}
export const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
