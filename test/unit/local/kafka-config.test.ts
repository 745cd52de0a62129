import { serverProperties } from '../../../local/kafka/config.ts';

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
