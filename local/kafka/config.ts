/** One combined broker+controller node of the local KRaft cluster. */
export interface KafkaNodeSpec {
  id: number;
  brokerPort: number;
  controllerPort: number;
  dir: string;
}

/**
 * server.properties for one node. Static controller voters keep formatting simple for
 * 1 and 3 nodes (every node formats with the same cluster id, no --standalone).
 */
export function serverProperties(node: KafkaNodeSpec, all: KafkaNodeSpec[]): string {
  const replication = Math.min(all.length, 3);
  const voters = all.map((n) => `${n.id}@127.0.0.1:${n.controllerPort}`).join(',');
  const lines = {
    'process.roles': 'broker,controller',
    'node.id': String(node.id),
    'controller.quorum.voters': voters,
    listeners: `PLAINTEXT://127.0.0.1:${node.brokerPort},CONTROLLER://127.0.0.1:${node.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${node.brokerPort}`,
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name': 'PLAINTEXT',
    'log.dirs': `${node.dir}/data`,
    // Like MSK's default: topics are created on purpose, not by a typo in a consumer.
    'auto.create.topics.enable': 'false',
    'num.partitions': '1',
    'default.replication.factor': String(replication),
    'min.insync.replicas': String(Math.max(1, replication - 1)),
    'offsets.topic.replication.factor': String(replication),
    // Fewer __consumer_offsets partitions than the default 50: faster first start on a
    // 2-core machine, still several coordinators for the lag monitor's batching.
    'offsets.topic.num.partitions': '10',
    'transaction.state.log.replication.factor': String(replication),
    'transaction.state.log.min.isr': String(Math.max(1, replication - 1)),
    'share.coordinator.state.topic.replication.factor': String(replication),
    'share.coordinator.state.topic.min.isr': String(Math.max(1, replication - 1)),
    // Tests create many groups; the 3 s default join delay would dominate their runtime.
    'group.initial.rebalance.delay.ms': '0',
    'log.flush.interval.messages': '9223372036854775807',
    'delete.topic.enable': 'true',
  };
  return `${Object.entries(lines)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')}\n`;
}
