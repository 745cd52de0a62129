// One Lambda execution environment: a worker thread with its own process.env and module
// graph. It imports the function module once (the cold start) and serves invocations one
// at a time, like a Lambda sandbox. The host terminates it on timeout, as Lambda does.
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';

interface WorkerInit {
  modulePath: string;
  handlerName: string;
  functionName: string;
  functionArn: string;
  memoryMb: number;
}
interface InvokeMessage {
  requestId: string;
  event: unknown;
  deadlineMs: number;
}

const init = workerData as WorkerInit;
type Handler = (event: unknown, context: unknown) => Promise<unknown>;
let handler: Handler | undefined;
let initError: unknown;
try {
  const mod = (await import(pathToFileURL(init.modulePath).href)) as Record<string, unknown>;
  const candidate = init.handlerName.split('.').reduce<unknown>((obj, key) => (obj as Record<string, unknown> | undefined)?.[key], mod);
  if (typeof candidate !== 'function') throw new Error(`${init.modulePath} does not export a function "${init.handlerName}"`);
  handler = candidate as Handler;
} catch (error) {
  initError = error;
}

function serialize(error: unknown): { errorType: string; errorMessage: string; stackTrace: string[] } {
  if (error instanceof Error) return { errorType: error.name, errorMessage: error.message, stackTrace: (error.stack ?? '').split('\n').slice(1).map((s) => s.trim()) };
  return { errorType: 'Error', errorMessage: String(error), stackTrace: [] };
}

parentPort!.on('message', async (message: InvokeMessage) => {
  if (!handler) {
    parentPort!.postMessage({ requestId: message.requestId, ok: false, error: { ...serialize(initError), errorType: 'Runtime.ImportModuleError' } });
    return;
  }
  const context = {
    functionName: init.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: init.functionArn,
    memoryLimitInMB: String(init.memoryMb),
    awsRequestId: message.requestId,
    logGroupName: `/aws/lambda/${init.functionName}`,
    logStreamName: `local/${process.pid}`,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, message.deadlineMs - Date.now()),
  };
  try {
    const result = await handler(message.event, context);
    parentPort!.postMessage({ requestId: message.requestId, ok: true, result: result === undefined ? null : result });
  } catch (error) {
    parentPort!.postMessage({ requestId: message.requestId, ok: false, error: serialize(error) });
  }
});
parentPort!.postMessage({ ready: true });
