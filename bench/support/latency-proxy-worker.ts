// Entry of the LatencyProxyThread worker (see latency-proxy.ts): listens on `workerData`
// ports, reports them as reply 0, then serves route/delay/close requests.
import { parentPort, workerData } from 'node:worker_threads';
import { LatencyProxy } from './latency-proxy.ts';
import type { ProxyReply, ProxyRequest } from './latency-proxy.ts';

const port = parentPort!;
const proxy = await LatencyProxy.listen(workerData as number);
port.postMessage({ id: 0, ports: proxy.ports } satisfies ProxyReply);
port.on('message', (request: ProxyRequest) => {
  void (async (): Promise<ProxyReply> => {
    try {
      if (request.type === 'route') proxy.route(request.upstreams);
      else if (request.type === 'delay') proxy.setOneWayDelayMs(request.oneWayMs);
      else await proxy.close();
      return { id: request.id };
    } catch (error) {
      return { id: request.id, error: String(error) };
    }
  })().then((reply) => port.postMessage(reply));
});
