/**
 * A listener besides the default one, bound on `port` and advertised on `advertisedPort`
 * (they differ when a proxy stands in front of the listener). PLAINTEXT, or
 * SASL_PLAINTEXT with SCRAM-SHA-512 when `scram` is set.
 */
export interface KafkaListenerSpec {
  /** Upper-case listener name, not PLAINTEXT or CONTROLLER. */
  name: string;
  port: number;
  advertisedPort: number;
  /** SCRAM-SHA-512 authentication; `maxReauthMs` is `connections.max.reauth.ms`. @default none (PLAINTEXT) */
  scram?: { maxReauthMs?: number };
}

/** One combined broker+controller node of the local KRaft cluster. */
export interface KafkaNodeSpec {
  id: number;
  brokerPort: number;
  controllerPort: number;
  dir: string;
  /** More listeners, e.g. one reached through a latency proxy. @default none */
  extraListeners?: KafkaListenerSpec[];
}

/**
 * server.properties for one node. Static controller voters keep formatting simple for
 * 1 and 3 nodes (every node formats with the same cluster id, no --standalone).
 */
export function serverProperties(node: KafkaNodeSpec, all: KafkaNodeSpec[], overrides: Readonly<Record<string, string>> = {}): string {
  const replication = Math.min(all.length, 3);
  const voters = all.map((n) => `${n.id}@127.0.0.1:${n.controllerPort}`).join(',');
  // A broker answers Metadata with the endpoints of the listener the request came in on
  // (KIP-103), so clients that bootstrap through an extra listener's advertised port keep
  // using it, while clients of the PLAINTEXT listener never see it.
  // https://cwiki.apache.org/confluence/display/KAFKA/KIP-103%3A+Separation+of+Internal+and+External+traffic
  const extra = node.extraListeners ?? [];
  const bound = extra.map((l) => `,${l.name}://127.0.0.1:${l.port}`).join('');
  const advertised = extra.map((l) => `,${l.name}://127.0.0.1:${l.advertisedPort}`).join('');
  const protocols = extra.map((l) => `,${l.name}:${l.scram ? 'SASL_PLAINTEXT' : 'PLAINTEXT'}`).join('');
  const lines = {
    'process.roles': 'broker,controller',
    'node.id': String(node.id),
    'controller.quorum.voters': voters,
    listeners: `PLAINTEXT://127.0.0.1:${node.brokerPort},CONTROLLER://127.0.0.1:${node.controllerPort}${bound}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${node.brokerPort}${advertised}`,
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': `PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT${protocols}`,
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
    // A killed node is fenced (and its partitions get new leaders) after this session
    // timeout; the 9 s default makes fault tests slow without testing anything more.
    'broker.session.timeout.ms': '4000',
    'broker.heartbeat.interval.ms': '1000',
    // Tests create many groups; the 3 s default join delay would dominate their runtime.
    'group.initial.rebalance.delay.ms': '0',
    'log.flush.interval.messages': '9223372036854775807',
    'delete.topic.enable': 'true',
  };
  // Per-listener SASL settings (listener.name.<name>.<mechanism>.*); the broker side of
  // SCRAM needs no credentials in its JAAS entry, they are in the metadata log.
  // https://kafka.apache.org/documentation/#security_sasl_scram_brokerconfig
  const sasl = extra.flatMap((l) => {
    if (!l.scram) return [];
    const prefix = `listener.name.${l.name.toLowerCase()}`;
    const entries: Array<[string, string]> = [
      [`${prefix}.sasl.enabled.mechanisms`, 'SCRAM-SHA-512'],
      [`${prefix}.scram-sha-512.sasl.jaas.config`, 'org.apache.kafka.common.security.scram.ScramLoginModule required;'],
    ];
    if (l.scram.maxReauthMs !== undefined) entries.push([`${prefix}.scram-sha-512.connections.max.reauth.ms`, String(l.scram.maxReauthMs)]);
    return entries;
  });
  return `${[...Object.entries({ ...lines, ...overrides }), ...sasl]
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')}\n`;
}
