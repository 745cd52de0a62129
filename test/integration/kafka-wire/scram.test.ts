import { setTimeout as sleep } from 'node:timers/promises';
import { KafkaCluster } from '../../../local/kafka/index.ts';
import { BrokerConnection, KafkaAuthenticationError, metadataV12, type RequestEvent } from '../../../shared/kafka/wire/index.ts';

// A cluster of its own: the shared one has no SASL listener. Two SCRAM listeners, one
// announcing a short session lifetime (KIP-368) so that `usable` can be seen to expire.
describe('SASL/SCRAM-SHA-512 against a real broker', () => {
  let cluster: KafkaCluster;
  const user = { name: 'wire-user', password: 'wire-secret' };
  const address = (listener: string) => ({ host: '127.0.0.1', port: cluster.listenerPorts(listener)[0]!.port });

  beforeAll(async () => {
    cluster = await KafkaCluster.start({ extraListeners: [{ name: 'SCRAM', scram: {} }, { name: 'SCRAM_SHORT', scram: { maxReauthMs: 3_000 } }], scramUsers: [user] });
  }, 180_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  it('authenticates with the right password and then serves requests', async () => {
    const events: RequestEvent[] = [];
    const connection = await BrokerConnection.open(address('SCRAM'), { clientId: 'scram-test', sasl: { mechanism: 'SCRAM-SHA-512', username: user.name, password: user.password }, onRequest: (e) => events.push(e) });
    try {
      expect(events.map((e) => e.api)).toEqual(['ApiVersions', 'SaslHandshake', 'SaslAuthenticate', 'SaslAuthenticate']);
      const metadata = await connection.request(metadataV12, { topics: [] });
      // A broker answers with the endpoints of the listener the request came in on.
      expect(metadata.brokers).toEqual([{ nodeId: 1, host: '127.0.0.1', port: address('SCRAM').port, rack: null }]);
      expect(connection.usable).toBe(true);
    } finally {
      connection.close();
    }
  });

  it('fails with KafkaAuthenticationError carrying the broker message on a wrong password', async () => {
    const error = await BrokerConnection.open(address('SCRAM'), { clientId: 'scram-test', sasl: { mechanism: 'SCRAM-SHA-512', username: user.name, password: 'wrong' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KafkaAuthenticationError);
    expect(error).toMatchObject({ code: 'KAFKA_AUTHENTICATION_FAILED', retriable: false });
    expect((error as Error).message).toMatch(new RegExp(`^SASL SCRAM-SHA-512 authentication with Kafka broker 127\\.0\\.0\\.1:${address('SCRAM').port} failed: .*invalid credentials`, 'i'));
  });

  it('names the enabled mechanisms when asked for one the listener does not enable', async () => {
    const attempt = BrokerConnection.open(address('SCRAM'), { clientId: 'scram-test', sasl: { mechanism: 'SCRAM-SHA-256', username: user.name, password: user.password } });
    await expect(attempt).rejects.toThrow(/refused SASL mechanism SCRAM-SHA-256 \(UNSUPPORTED_SASL_MECHANISM\); this listener enables: SCRAM-SHA-512/);
  });

  it('stops being usable before the session lifetime the broker announced runs out', async () => {
    const connection = await BrokerConnection.open(address('SCRAM_SHORT'), { clientId: 'scram-test', sasl: { mechanism: 'SCRAM-SHA-512', username: user.name, password: user.password } });
    try {
      expect(connection.usable).toBe(true);
      await sleep(2_800);
      // 90% of 3 s have passed: the admin layer would open a new connection now.
      expect(connection.usable).toBe(false);
      // Past the lifetime the broker closes the connection on the next request (KIP-368).
      await sleep(700);
      await expect(connection.request(metadataV12, { topics: [] })).rejects.toMatchObject({ code: 'KAFKA_CONNECTION_CLOSED', retriable: true });
    } finally {
      connection.close();
    }
  });
});
