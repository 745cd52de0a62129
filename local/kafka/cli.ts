// npm run kafka -- start [--nodes 3] | stop | status
import { serviceCli } from '../support/service-cli.ts';
import { KafkaCluster, type KafkaClusterState } from './cluster.ts';

process.exitCode = await serviceCli<KafkaClusterState>(
  {
    name: 'kafka',
    async start({ nodes }) {
      const cluster = await KafkaCluster.start({ nodes: nodes ?? 1, detached: true, log: (l) => console.log(l) });
      return { state: cluster.state, describe: `kafka ${cluster.nodeIds.length} node(s) at ${cluster.bootstrapServers}` };
    },
    async stop(state) {
      await KafkaCluster.attach(state).stop();
    },
    async status(state) {
      const cluster = KafkaCluster.attach(state);
      return { running: cluster.isRunning(), describe: `bootstrap servers ${cluster.bootstrapServers}, data in ${state.runDir}` };
    },
  },
  process.argv.slice(2),
);
