// The CDK app: `cdk synth` / `cdk deploy --all` run this file (cdk.json), on Node 24
// with type stripping. Everything it needs is local: no lookups, no credentials.
import { App } from 'aws-cdk-lib';
import { fileURLToPath } from 'node:url';
import { CONTEXT_KEYS, clusterFromContext, parseDeclaration, seedScenario } from './config/index.ts';
import { buildConsumerGroupsApp } from './build.ts';

const app = new App();
const context = (key: string): unknown => app.node.tryGetContext(key);
const alarmEmail = context(CONTEXT_KEYS.alarmEmail);
const parsed = parseDeclaration(seedScenario(clusterFromContext(context), typeof alarmEmail === 'string' && alarmEmail !== '' ? alarmEmail : undefined));
buildConsumerGroupsApp(app, parsed, { projectRoot: fileURLToPath(new URL('..', import.meta.url)) });
app.synth();
