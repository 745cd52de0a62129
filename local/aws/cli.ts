// npm run aws -- start | stop | status
import { serviceCli } from '../support/service-cli.ts';
import { AwsEmulator, type AwsEmulatorState } from './emulator.ts';

process.exitCode = await serviceCli<AwsEmulatorState>(
  {
    name: 'aws',
    async start() {
      const aws = await AwsEmulator.start({ detached: true, log: (l) => console.log(l) });
      return { state: aws.state, describe: `AWS emulator (moto) at ${aws.endpoint}\nexport AWS_ENDPOINT_URL=${aws.endpoint} AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing` };
    },
    async stop(state) {
      await AwsEmulator.attach(state).stop();
    },
    async status(state) {
      const aws = AwsEmulator.attach(state);
      return { running: aws.isRunning(), describe: `endpoint ${aws.endpoint}` };
    },
  },
  process.argv.slice(2),
);
