import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ControlPlaneError, FunctionInvokeError, FunctionTimeoutError } from './errors.ts';
import type { FunctionRuntime } from './function-runtime.ts';
import type { MappingRunner } from './mapping-runner.ts';

/** What the control plane serves: the runtime's mappings and functions. */
export interface ControlPlaneBackend {
  mappings(): readonly MappingRunner[];
  functions(): readonly FunctionRuntime[];
}

const MAPPINGS = /^\/2015-03-31\/event-source-mappings\/?$/;
const MAPPING = /^\/2015-03-31\/event-source-mappings\/([^/]+)$/;
const INVOKE = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

/**
 * The subset of the AWS Lambda API the project's functions call on event source mappings
 * (List/Get/UpdateEventSourceMapping) plus Invoke, in Lambda's REST-JSON wire format, so the
 * unmodified AWS SDK v3 Lambda client works against it through `AWS_ENDPOINT_URL_LAMBDA`.
 * https://docs.aws.amazon.com/lambda/latest/api/API_UpdateEventSourceMapping.html
 */
export class ControlPlane {
  readonly #backend: ControlPlaneBackend;
  #server: Server | undefined;

  constructor(backend: ControlPlaneBackend) {
    this.#backend = backend;
  }

  async listen(port = 0): Promise<string> {
    this.#server = createServer((req, res) => void this.#handle(req, res));
    await new Promise<void>((resolve) => this.#server!.listen(port, '127.0.0.1', resolve));
    return this.endpoint;
  }

  get endpoint(): string {
    const address = this.#server?.address() as AddressInfo | undefined;
    return address ? `http://127.0.0.1:${address.port}` : '';
  }

  async close(): Promise<void> {
    if (!this.#server) return;
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server!.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://local');
      const body = await readBody(req);
      let m: RegExpExecArray | null;
      if (req.method === 'GET' && MAPPINGS.test(url.pathname)) return send(res, 200, this.#list(url.searchParams));
      if ((m = MAPPING.exec(url.pathname))) {
        const runner = this.#mapping(decodeURIComponent(m[1]!));
        if (req.method === 'GET') return send(res, 200, this.#config(runner));
        if (req.method === 'PUT') {
          runner.update(body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {});
          return send(res, 202, this.#config(runner));
        }
      }
      if (req.method === 'POST' && (m = INVOKE.exec(url.pathname))) return await this.#invoke(decodeURIComponent(m[1]!), body, res);
      throw new ControlPlaneError('InvalidParameterValueException', `the local Lambda API does not serve ${req.method} ${url.pathname}`);
    } catch (error) {
      const e = error instanceof ControlPlaneError ? error : new ControlPlaneError('InvalidParameterValueException', (error as Error).message);
      res.setHeader('x-amzn-errortype', e.type);
      send(res, e.status, { Type: 'User', message: e.message });
    }
  }

  #list(params: URLSearchParams): Record<string, unknown> {
    const functionName = params.get('FunctionName');
    const sourceArn = params.get('EventSourceArn');
    const marker = Number(params.get('Marker') ?? '0');
    const maxItems = Math.min(10_000, Number(params.get('MaxItems') ?? '100'));
    const all = this.#backend
      .mappings()
      .filter((r) => !functionName || this.#matchesFunction(r, functionName))
      .filter((r) => !sourceArn || (r.mapping.source.kind === 'msk' && r.mapping.source.clusterArn === sourceArn));
    const page = all.slice(marker, marker + maxItems);
    return { EventSourceMappings: page.map((r) => this.#config(r)), ...(marker + maxItems < all.length ? { NextMarker: String(marker + maxItems) } : {}) };
  }

  #matchesFunction(runner: MappingRunner, name: string): boolean {
    const fn = this.#function(runner.mapping.functionName);
    return name === fn?.fn.functionName || name === fn?.fn.functionArn || fn?.fn.functionArn.endsWith(`:${name}`) === true;
  }

  #mapping(uuid: string): MappingRunner {
    const runner = this.#backend.mappings().find((r) => r.uuid === uuid);
    if (!runner) throw new ControlPlaneError('ResourceNotFoundException', `The resource you requested does not exist. (Service: Lambda, event source mapping ${uuid})`);
    return runner;
  }

  #function(name: string): FunctionRuntime | undefined {
    return this.#backend.functions().find((f) => f.fn.functionName === name || f.fn.functionArn === name || f.fn.functionArn.endsWith(`:${name}`));
  }

  #config(runner: MappingRunner): Record<string, unknown> {
    return runner.configuration(this.#function(runner.mapping.functionName)?.fn.functionArn ?? runner.mapping.functionName);
  }

  async #invoke(name: string, body: Buffer, res: ServerResponse): Promise<void> {
    const fn = this.#function(name);
    if (!fn) throw new ControlPlaneError('ResourceNotFoundException', `Function not found: ${name}`);
    const event: unknown = body.length ? JSON.parse(body.toString('utf8')) : {};
    try {
      const result = await fn.invoke(event);
      res.setHeader('x-amz-executed-version', '$LATEST');
      send(res, 200, result.payload);
    } catch (error) {
      if (!(error instanceof FunctionInvokeError || error instanceof FunctionTimeoutError)) throw error;
      // Lambda answers 200 with X-Amz-Function-Error for errors raised by the function.
      res.setHeader('x-amz-function-error', 'Unhandled');
      const errorType = error instanceof FunctionInvokeError ? error.errorType : 'Sandbox.Timedout';
      send(res, 200, { errorType, errorMessage: error.message });
    }
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body ?? null);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
