import { AwsNetworkError, AwsServiceError, type EventSourceMappingsApi } from '../../../shared/aws/index.ts';
import { MappingsError } from '../../../shared/offset-reset/errors.ts';
import { findGroupMappings } from '../../../shared/offset-reset/index.ts';

/** A Lambda API whose ListEventSourceMappings fails with `error`. */
const failingList = (error: unknown): EventSourceMappingsApi => ({
  list: () => Promise.reject(error),
  get: () => Promise.reject(new Error('not called')),
  update: () => Promise.reject(new Error('not called')),
});

const serviceError = (errorCode: string, status: number, retriable: boolean): AwsServiceError =>
  new AwsServiceError(`${errorCode} from the service`, { errorCode, operation: 'ListEventSourceMappings', status, requestId: 'req-1', retriable });

async function mappingsErrorOf(error: unknown): Promise<MappingsError> {
  const thrown = await findGroupMappings(failingList(error), 'email').then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(thrown instanceof MappingsError)) throw new Error(`expected a MappingsError, got ${String(thrown)}`);
  return thrown;
}

describe('MappingsError: whether a failed Lambda call is worth retrying comes from its cause', () => {
  it('is not retriable when Lambda refuses for good (AccessDeniedException)', async () => {
    const error = await mappingsErrorOf(serviceError('AccessDeniedException', 403, false));
    expect(error.retriable).toBe(false);
    expect(error.message).toContain('AccessDeniedException');
    expect(error.cause).toBeInstanceOf(AwsServiceError);
  });

  it('is retriable when Lambda throttles or fails on its side', async () => {
    expect((await mappingsErrorOf(serviceError('TooManyRequestsException', 429, true))).retriable).toBe(true);
    expect((await mappingsErrorOf(serviceError('ServiceException', 500, true))).retriable).toBe(true);
  });

  it('is retriable when Lambda did not answer', async () => {
    const error = await mappingsErrorOf(new AwsNetworkError('ListEventSourceMappings: no answer (timed out after 10000 ms)', { operation: 'ListEventSourceMappings', cause: new Error('The operation was aborted due to timeout') }));
    expect(error.retriable).toBe(true);
  });

  it('is retriable when the cause says nothing about it (an error of another client)', async () => {
    expect((await mappingsErrorOf(new Error('socket hang up'))).retriable).toBe(true);
  });

  it('takes an explicit retriable over the cause', () => {
    expect(new MappingsError('m', { retriable: false, cause: new Error('x') }).retriable).toBe(false);
    expect(new MappingsError('m', { retriable: true, cause: serviceError('AccessDeniedException', 403, false) }).retriable).toBe(true);
  });
});
