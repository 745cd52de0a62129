import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerConnection, KafkaNetworkError, Writer, findCoordinatorV4 } from '../../../shared/kafka/wire/index.ts';
import { FakeBroker } from './fake-broker.ts';

/** A throwaway self-signed certificate for `localhost` (made per run, so no key is committed). */
function selfSigned(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-wire-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('BrokerConnection over TLS', () => {
  const credentials = selfSigned();
  let broker: FakeBroker;

  beforeEach(async () => {
    broker = await FakeBroker.start({ tls: credentials });
    broker.onRequest((request) => {
      request.body.int8();
      const key = request.body.compactStringArray()[0]!;
      broker.reply(request, new Writer().int32(0).compactArray([key], (w, k) => w.compactString(k).int32(1).compactString('localhost').int32(9094).int16(0).compactNullableString(null).taggedFields()).taggedFields().finish());
    });
  });

  afterEach(() => broker.stop());

  it('verifies the certificate against the host name, sent as SNI, and then speaks Kafka', async () => {
    const connection = await BrokerConnection.open({ host: 'localhost', port: broker.port }, { clientId: 'tls-test', tls: { ca: credentials.cert } });
    try {
      expect((await connection.request(findCoordinatorV4, { keyType: 0, keys: ['g'] })).coordinators[0]!.key).toBe('g');
      expect(broker.serverNames).toEqual(['localhost']);
    } finally {
      connection.close();
    }
  });

  it('sends no SNI when connecting to an IP address', async () => {
    const connection = await BrokerConnection.open({ host: '127.0.0.1', port: broker.port }, { clientId: 'tls-test', tls: { ca: credentials.cert, checkServerIdentity: () => undefined } });
    connection.close();
    expect(broker.serverNames).toEqual([false]);
  });

  it('fails with KafkaNetworkError when the broker certificate is not trusted', async () => {
    const error = await BrokerConnection.open({ host: 'localhost', port: broker.port }, { clientId: 'tls-test', tls: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KafkaNetworkError);
    expect(error).toMatchObject({ code: 'KAFKA_CONNECT_FAILED', message: expect.stringMatching(new RegExp(`^cannot connect to Kafka broker localhost:${broker.port}: socket error: self[- ]signed certificate`)) });
  });
});
