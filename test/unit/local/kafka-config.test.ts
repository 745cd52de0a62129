import { newClusterId } from '../../../local/kafka/cluster.ts';
import { serverProperties } from '../../../local/kafka/config.ts';
import { KafkaCluster } from '../../../local/kafka/cluster.ts';

const node = (id: number) => ({ id, brokerPort: 9000 + id, controllerPort: 9100 + id, dir: `/tmp/n${id}` });

describe('serverProperties', () => {
  it('lists every node as a controller voter', () => {
    const all = [node(1), node(2), node(3)];
    expect(serverProperties(all[1]!, all)).toContain('controller.quorum.voters=1@127.0.0.1:9101,2@127.0.0.1:9102,3@127.0.0.1:9103\n');
  });
  it('replicates internal topics on up to three nodes', () => {
    expect(serverProperties(node(1), [node(1)])).toContain('offsets.topic.replication.factor=1\n');
    const three = [node(1), node(2), node(3)];
    expect(serverProperties(node(1), three)).toContain('offsets.topic.replication.factor=3\n');
    expect(serverProperties(node(1), three)).toContain('min.insync.replicas=2\n');
  });
  it('binds loopback only', () => {
    expect(serverProperties(node(1), [node(1)])).toContain('listeners=PLAINTEXT://127.0.0.1:9001,CONTROLLER://127.0.0.1:9101\n');
  });
});

describe('serverProperties with broker properties', () => {
  it('sets them over the defaults, once each', () => {
    const properties = serverProperties(node(1), [node(1)], { 'broker.session.timeout.ms': '60000', 'log.retention.ms': '1000' });
    expect(properties).toContain('broker.session.timeout.ms=60000\n');
    expect(properties).not.toContain('broker.session.timeout.ms=4000');
    expect(properties).toContain('log.retention.ms=1000\n');
  });
});

describe('KafkaCluster.start broker properties', () => {
  it.each([['Broker.Id'], ['a=b'], [' x'], ['']])('rejects the name %j before starting anything', async (key) => {
    await expect(KafkaCluster.start({ brokerProperties: { [key]: '1' } })).rejects.toMatchObject({ code: 'LOCAL_BAD_OPTION', message: expect.stringContaining('brokerProperties') });
  });
  it('rejects a value with a line break (it would add a property)', async () => {
    await expect(KafkaCluster.start({ brokerProperties: { 'log.retention.ms': '1\nauto.create.topics.enable=true' } })).rejects.toMatchObject({
      code: 'LOCAL_BAD_OPTION',
      message: expect.stringContaining('brokerProperties.log.retention.ms'),
    });
  });
});

describe('serverProperties with extra listeners', () => {
  const proxied = { ...node(1), extraListeners: [{ name: 'DELAYED', port: 9201, advertisedPort: 9301 }] };

  it('adds nothing to the default listeners when there are none', () => {
    const properties = serverProperties(node(1), [node(1)]);
    expect(properties).toContain('advertised.listeners=PLAINTEXT://127.0.0.1:9001\n');
    expect(properties).toContain('listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT\n');
  });
  it('binds an extra listener on its own port beside the default ones', () => {
    expect(serverProperties(proxied, [proxied])).toContain('listeners=PLAINTEXT://127.0.0.1:9001,CONTROLLER://127.0.0.1:9101,DELAYED://127.0.0.1:9201\n');
  });
  it('advertises the extra listener on its advertised port and keeps the default one', () => {
    expect(serverProperties(proxied, [proxied])).toContain('advertised.listeners=PLAINTEXT://127.0.0.1:9001,DELAYED://127.0.0.1:9301\n');
  });
  it('maps the extra listener to PLAINTEXT and keeps brokers talking on PLAINTEXT', () => {
    const properties = serverProperties(proxied, [proxied]);
    expect(properties).toContain('listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,DELAYED:PLAINTEXT\n');
    expect(properties).toContain('inter.broker.listener.name=PLAINTEXT\n');
  });
});

describe('KafkaCluster.start extra listener names', () => {
  it.each(['PLAINTEXT', 'CONTROLLER', 'delayed', '1ST', 'A-B'])('rejects %s before starting anything', async (name) => {
    await expect(KafkaCluster.start({ extraListeners: [{ name }] })).rejects.toMatchObject({ code: 'LOCAL_BAD_OPTION' });
  });
  it('rejects the same name twice', async () => {
    await expect(KafkaCluster.start({ extraListeners: [{ name: 'DELAYED' }, { name: 'DELAYED' }] })).rejects.toMatchObject({ code: 'LOCAL_BAD_OPTION' });
  });
});

describe('newClusterId', () => {
  it('never starts with "-", which the storage tool would read as an option', () => {
    // 0xf8 → base64url '-' as the first character.
    const draws = [Buffer.alloc(16, 0xf8), Buffer.alloc(16, 0x01)];
    const id = newClusterId(() => draws.shift()!);
    expect(id.startsWith('-')).toBe(false);
    expect(id).toHaveLength(22);
    expect(draws).toHaveLength(0);
  });
});
