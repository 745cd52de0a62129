// A throwaway HTTP server on 127.0.0.1 standing in for an AWS REST-JSON endpoint: it records
// every request as received and answers from a script, and `expectedAuthorization` re-signs a
// recorded request to check the client signed exactly what it sent.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity } from '@smithy/types';
import { NodeSha256 } from '../../../shared/aws/index.ts';

export interface RecordedRequest {
  readonly method: string;
  /** Path and query exactly as sent. */
  readonly rawUrl: string;
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** One scripted answer: a status with headers and a body (JSON unless a string), or a dropped connection. */
export type ScriptedAnswer =
  | { readonly status: number; readonly headers?: Readonly<Record<string, string>>; readonly body?: unknown; readonly delayMs?: number }
  | { readonly dropConnection: true };

export interface FakeAws {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly requests: RecordedRequest[];
  /** Queues answers, used in order; once they run out every request gets 200 `{}`. */
  answer(...answers: ScriptedAnswer[]): void;
  close(): Promise<void>;
}

export async function startFakeAws(): Promise<FakeAws> {
  const requests: RecordedRequest[] = [];
  const script: ScriptedAnswer[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawUrl = req.url ?? '/';
      requests.push({ method: req.method ?? '', rawUrl, url: new URL(rawUrl, 'http://fake'), headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const answer = script.shift() ?? { status: 200, body: {} };
      if ('dropConnection' in answer) {
        req.socket.destroy();
        return;
      }
      const text = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      const send = (): void => {
        if (res.destroyed) return;
        res.writeHead(answer.status, { 'content-type': 'application/json', 'x-amzn-requestid': `req-${requests.length}`, ...answer.headers });
        res.end(text);
      };
      if (answer.delayMs) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          send();
        }, answer.delayMs);
        timers.add(timer);
      } else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    answer: (...answers) => void script.push(...answers),
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The `Authorization` header a SigV4 signer computes for `request` as the server received
 * it (method, path, query, host, content type, body, and the client's `x-amz-date`), with
 * `credentials`. Equal to the header the client sent only if the client signed exactly the
 * request it sent, for that region, service and secret.
 */
export async function expectedAuthorization(request: RecordedRequest, options: { credentials: AwsCredentialIdentity; region: string; service: string }): Promise<string> {
  const amzDate = String(request.headers['x-amz-date']);
  const signingDate = new Date(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
  const host = String(request.headers.host);
  const query: Record<string, string> = {};
  for (const [key, value] of request.url.searchParams) query[key] = value;
  const contentType = request.headers['content-type'];
  const signer = new SignatureV4({ service: options.service, region: options.region, credentials: options.credentials, sha256: NodeSha256, applyChecksum: false });
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: 'http:',
      hostname: host.split(':')[0]!,
      path: request.url.pathname,
      query,
      headers: { host, ...(contentType === undefined ? {} : { 'content-type': contentType }) },
      body: request.body === '' ? undefined : request.body,
    },
    { signingDate },
  );
  return String(signed.headers.authorization);
}
