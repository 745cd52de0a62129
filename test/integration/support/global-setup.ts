// Starts one real Kafka broker and the AWS emulator for the whole integration run and
// publishes their addresses through the environment (test workers inherit it).
//
// To run the same tests against services you already have (LocalStack, a real AWS
// account, an existing cluster), set SCG_KAFKA_BOOTSTRAP and/or AWS_ENDPOINT_URL (or
// SCG_USE_REAL_AWS=1) before `npm run test:integration`: nothing is started for them.
import { KafkaCluster } from '../../../local/kafka/index.ts';
import { AwsEmulator } from '../../../local/aws/index.ts';

interface LocalServices {
  kafka?: KafkaCluster;
  aws?: AwsEmulator;
}

declare global {
  var __SCG_SERVICES__: LocalServices | undefined;
}

export default async function globalSetup(): Promise<void> {
  const services: LocalServices = {};
  globalThis.__SCG_SERVICES__ = services;
  const log = (line: string): void => void process.stderr.write(`[integration] ${line}\n`);
  const started = Date.now();
  const [kafka, aws] = await Promise.all([
    process.env.SCG_KAFKA_BOOTSTRAP ? undefined : KafkaCluster.start({ nodes: 1, log }),
    process.env.AWS_ENDPOINT_URL || process.env.SCG_USE_REAL_AWS ? undefined : AwsEmulator.start({ log }),
  ]);
  if (kafka) {
    services.kafka = kafka;
    process.env.SCG_KAFKA_BOOTSTRAP = kafka.bootstrapServers;
  }
  if (aws) {
    services.aws = aws;
    Object.assign(process.env, aws.environment());
  }
  log(`kafka ${process.env.SCG_KAFKA_BOOTSTRAP}, aws ${process.env.AWS_ENDPOINT_URL ?? 'real AWS'} (ready in ${Date.now() - started} ms)`);
}
