import { parseArgs } from 'node:util';
import { ServerlessConsumerGroupsError } from '../../shared/errors/index.ts';
import { stateFile } from './state-file.ts';

/** What a local service exposes to the shared `start|stop|status` command line. */
export interface ServiceDriver<State> {
  name: string;
  start(options: { nodes?: number }): Promise<{ state: State; describe: string }>;
  stop(state: State): Promise<void>;
  status(state: State): Promise<{ running: boolean; describe: string }>;
}

/** `npm run <service> -- start|stop|status`: one shape for Kafka and the AWS emulator. */
export async function serviceCli<State>(driver: ServiceDriver<State>, argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { nodes: { type: 'string' } } });
  const [command] = positionals;
  const existing = stateFile.read<State>(driver.name);
  try {
    switch (command) {
      case 'start': {
        if (existing && (await driver.status(existing)).running) {
          console.error(`${driver.name} is already running: ${(await driver.status(existing)).describe}`);
          return 1;
        }
        const nodes = values.nodes === undefined ? undefined : Number(values.nodes);
        if (nodes !== undefined && !Number.isInteger(nodes)) {
          console.error(`--nodes must be an integer, got "${values.nodes}"`);
          return 2;
        }
        const { state, describe } = await driver.start(nodes === undefined ? {} : { nodes });
        stateFile.write(driver.name, state);
        console.log(describe);
        return 0;
      }
      case 'stop': {
        if (!existing) {
          console.log(`${driver.name} is not running (no state in .local-state/)`);
          return 0;
        }
        await driver.stop(existing);
        stateFile.remove(driver.name);
        console.log(`${driver.name} stopped`);
        return 0;
      }
      case 'status': {
        if (!existing) {
          console.log(`${driver.name}: not running`);
          return 1;
        }
        const status = await driver.status(existing);
        console.log(`${driver.name}: ${status.running ? 'running' : 'NOT running'}; ${status.describe}`);
        return status.running ? 0 : 1;
      }
      default:
        console.error(`usage: npm run ${driver.name} -- start [--nodes N] | stop | status`);
        return 2;
    }
  } catch (error) {
    if (error instanceof ServerlessConsumerGroupsError) {
      console.error(`${driver.name}: ${error.message}`);
      return 1;
    }
    throw error;
  }
}
