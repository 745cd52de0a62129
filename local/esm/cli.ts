// Runs the local event-source runtime as its own process:
//   node local/esm/cli.ts --config runtime.json
// runtime.json: { "bootstrapServers": "...", "functions": [LocalFunction...], "mappings": [MappingSpec...] }
// Prints `ready <lambda-endpoint>` when every mapping is polling; SIGINT/SIGTERM stop it
// gracefully (in-flight batches finish and commit, pollers leave their groups).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { LocalRuntime, type LocalRuntimeOptions } from './index.ts';

const { values } = parseArgs({ args: process.argv.slice(2), strict: true, options: { config: { type: 'string' }, port: { type: 'string' } } });
if (!values.config) {
  console.error('usage: node local/esm/cli.ts --config runtime.json [--port N]');
  process.exit(2);
}
const config = JSON.parse(readFileSync(values.config, 'utf8')) as LocalRuntimeOptions;
const runtime = await LocalRuntime.start({
  ...config,
  ...(values.port ? { controlPlanePort: Number(values.port) } : {}),
  log: (line) => console.error(`[esm] ${line}`),
});
console.log(`ready ${runtime.endpoint}`);
let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  await runtime.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
