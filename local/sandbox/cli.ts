// npm start: the local sandbox. Starts a real Kafka broker and the AWS emulator on
// loopback, prints their addresses, and stops both on Ctrl-C (SIGINT) or SIGTERM,
// leaving no java or python process behind.
import { parseArgs } from 'node:util';
import { AwsEmulator } from '../aws/index.ts';
import { KafkaCluster } from '../kafka/index.ts';
import { ServerlessConsumerGroupsError } from '../../shared/errors/index.ts';

const { values } = parseArgs({
  args: process.argv.slice(2),
  strict: true,
  options: { nodes: { type: 'string', default: '1' } },
});
const nodes = Number(values.nodes);
if (!Number.isInteger(nodes) || nodes < 1) {
  console.error(`--nodes must be a positive integer, got "${values.nodes}"`);
  process.exit(2);
}

const log = (line: string): void => console.log(`[sandbox] ${line}`);
let kafka: KafkaCluster | undefined;
let aws: AwsEmulator | undefined;
let stopping = false;

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  log('stopping...');
  await Promise.allSettled([kafka?.stop(), aws?.stop()]);
  log('stopped');
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  const started = Date.now();
  [kafka, aws] = await Promise.all([KafkaCluster.start({ nodes, log }), AwsEmulator.start({ log })]);
  log(`ready in ${Date.now() - started} ms`);
  console.log(`
  Kafka (KRaft, ${nodes} node${nodes > 1 ? 's' : ''})  ${kafka.bootstrapServers}
  AWS emulator (moto)       ${aws.endpoint}

  export SCG_KAFKA_BOOTSTRAP=${kafka.bootstrapServers}
  export AWS_ENDPOINT_URL=${aws.endpoint} AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing

  Ctrl-C stops everything.`);
} catch (error) {
  console.error(error instanceof ServerlessConsumerGroupsError ? `[sandbox] ${error.message}` : error);
  await shutdown(1);
}
