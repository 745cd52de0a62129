import { jest } from '@jest/globals';
import { AwsConfigError, AwsNetworkError, AwsServiceError, LambdaEventSourceMappings, type AwsClientOptions } from '../../../shared/aws/index.ts';
import { expectedAuthorization, startFakeAws, type FakeAws } from './fake-aws.ts';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session-token' };
const REGION = 'eu-west-1';
const UUID = 'a1b2c3d4-5678-90ab-cdef-11111EXAMPLE';
const MSK_ARN = 'arn:aws:kafka:eu-west-1:111122223333:cluster/demo/abc-1';

describe('LambdaEventSourceMappings', () => {
  let aws: FakeAws;
  const client = (options: AwsClientOptions = {}): LambdaEventSourceMappings =>
    new LambdaEventSourceMappings({ endpoint: aws.endpoint, region: REGION, credentials, retryBaseDelayMs: 1, env: {}, ...options });

  beforeEach(async () => {
    aws = await startFakeAws();
  });
  afterEach(async () => {
    await aws.close();
  });

  describe('requests', () => {
    it('lists with the filters and paging as query parameters, RFC 3986-escaped and sorted', async () => {
      // GIVEN a page with a next marker
      aws.answer({ status: 200, body: { EventSourceMappings: [{ UUID, State: 'Enabled', LastModified: 1_700_000_000.5 }], NextMarker: 'page 2' } });
      // WHEN a function ARN (with colons) and a marker (with a space) are listed
      const page = await client().list({ FunctionName: 'arn:aws:lambda:eu-west-1:111122223333:function:orders', EventSourceArn: MSK_ARN, Marker: 'p 1', MaxItems: 50 });
      // THEN the request is ListEventSourceMappings' route with every parameter
      expect(aws.requests).toHaveLength(1);
      expect(aws.requests[0]!.method).toBe('GET');
      expect(aws.requests[0]!.rawUrl).toBe(
        '/2015-03-31/event-source-mappings?EventSourceArn=arn%3Aaws%3Akafka%3Aeu-west-1%3A111122223333%3Acluster%2Fdemo%2Fabc-1' +
          '&FunctionName=arn%3Aaws%3Alambda%3Aeu-west-1%3A111122223333%3Afunction%3Aorders&Marker=p%201&MaxItems=50',
      );
      expect(aws.requests[0]!.body).toBe('');
      // AND the answer is the SDK's shape: timestamps as Date
      expect(page).toEqual({ EventSourceMappings: [{ UUID, State: 'Enabled', LastModified: new Date(1_700_000_000_500) }], NextMarker: 'page 2' });
    });

    it('lists without a query string when given no filter, and without a marker on the last page', async () => {
      aws.answer({ status: 200, body: { EventSourceMappings: [] } });
      const page = await client().list();
      expect(aws.requests[0]!.rawUrl).toBe('/2015-03-31/event-source-mappings');
      expect(page).toEqual({ EventSourceMappings: [] });
      expect(page.NextMarker).toBeUndefined();
    });

    it('gets one mapping by UUID, leaving out the members the service sent as null', async () => {
      // GIVEN an on-demand mapping whose ProvisionedPollerConfig comes back as null
      aws.answer({ status: 200, body: { UUID, State: 'Disabled', ProvisionedPollerConfig: null, AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: 'orders', SchemaRegistryConfig: null } } });
      // WHEN it is read
      const mapping = await client().get(UUID);
      // THEN the request names the mapping and the answer has no null members
      expect(aws.requests[0]).toMatchObject({ method: 'GET', rawUrl: `/2015-03-31/event-source-mappings/${UUID}`, body: '' });
      expect(mapping).toEqual({ UUID, State: 'Disabled', AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: 'orders' } });
      expect('ProvisionedPollerConfig' in mapping).toBe(false);
    });

    it('updates with a PUT of the JSON body without the UUID, which goes in the path', async () => {
      aws.answer({ status: 202, body: { UUID, State: 'Updating', ProvisionedPollerConfig: { MinimumPollers: 3, MaximumPollers: 10 } } });
      const out = await client().update({ UUID, Enabled: false, ProvisionedPollerConfig: { MinimumPollers: 3, MaximumPollers: 10, PollerGroupName: 'shared' } });
      expect(aws.requests[0]).toMatchObject({ method: 'PUT', rawUrl: `/2015-03-31/event-source-mappings/${UUID}` });
      expect(aws.requests[0]!.headers['content-type']).toBe('application/json');
      expect(JSON.parse(aws.requests[0]!.body)).toEqual({ Enabled: false, ProvisionedPollerConfig: { MinimumPollers: 3, MaximumPollers: 10, PollerGroupName: 'shared' } });
      expect(out).toEqual({ UUID, State: 'Updating', ProvisionedPollerConfig: { MinimumPollers: 3, MaximumPollers: 10 } });
    });

    it('escapes the UUID in the path', async () => {
      await client().get('odd/uuid?x');
      expect(aws.requests[0]!.rawUrl).toBe('/2015-03-31/event-source-mappings/odd%2Fuuid%3Fx');
    });

    it('refuses an empty UUID without sending anything', async () => {
      await expect(client().get('')).rejects.toThrow(AwsConfigError);
      await expect(client().update({ UUID: '', Enabled: true })).rejects.toThrow(/UUID: an event source mapping UUID is required/);
      expect(aws.requests).toHaveLength(0);
    });

    it('sends requests under the path of an endpoint that has one', async () => {
      await client({ endpoint: `${aws.endpoint}/lambda-proxy/` }).get(UUID);
      expect(aws.requests[0]!.rawUrl).toBe(`/lambda-proxy/2015-03-31/event-source-mappings/${UUID}`);
    });

    it('converts epoch-second timestamps given as strings, and ISO dates', async () => {
      aws.answer({ status: 200, body: { UUID, LastModified: '1700000000', StartingPositionTimestamp: '2024-01-02T03:04:05Z' } });
      const mapping = await client().get(UUID);
      expect(mapping.LastModified).toEqual(new Date(1_700_000_000_000));
      expect(mapping.StartingPositionTimestamp).toEqual(new Date('2024-01-02T03:04:05Z'));
    });
  });

  describe('signing', () => {
    it('signs every call with SigV4 for service lambda in the region, session token included', async () => {
      // WHEN each operation is called
      const lambda = client();
      await lambda.list({ FunctionName: 'orders', MaxItems: 10 });
      await lambda.get(UUID);
      await lambda.update({ UUID, Enabled: true });
      // THEN each request carries a signature that matches the request as received
      expect(aws.requests).toHaveLength(3);
      for (const request of aws.requests) {
        const authorization = String(request.headers.authorization);
        expect(authorization).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/\\d{8}/${REGION}/lambda/aws4_request, SignedHeaders=[a-z0-9;-]*host;x-amz-date;x-amz-security-token`));
        expect(request.headers['x-amz-security-token']).toBe('session-token');
        expect(authorization).toBe(await expectedAuthorization(request, { credentials, region: REGION, service: 'lambda' }));
      }
    });

    it('produces a signature another secret does not reproduce (the check above can fail)', async () => {
      await client().update({ UUID, Enabled: false });
      const other = await expectedAuthorization(aws.requests[0]!, { credentials: { ...credentials, secretAccessKey: 'another-secret' }, region: REGION, service: 'lambda' });
      expect(String(aws.requests[0]!.headers.authorization)).not.toBe(other);
    });

    it('asks a credentials provider for every request', async () => {
      const provider = jest.fn(async () => ({ accessKeyId: 'AKIDPROVIDED', secretAccessKey: 'provided-secret' }));
      const lambda = new LambdaEventSourceMappings({ endpoint: aws.endpoint, region: REGION, credentials: provider, env: {} });
      await lambda.get(UUID);
      await lambda.get(UUID);
      expect(provider).toHaveBeenCalledTimes(2);
      expect(String(aws.requests[1]!.headers.authorization)).toBe(
        await expectedAuthorization(aws.requests[1]!, { credentials: { accessKeyId: 'AKIDPROVIDED', secretAccessKey: 'provided-secret' }, region: REGION, service: 'lambda' }),
      );
    });

    it('uses the default credential chain (the environment first) without a credentials option', async () => {
      const saved = { ...process.env };
      Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDFROMENV', AWS_SECRET_ACCESS_KEY: 'env-secret' });
      delete process.env.AWS_SESSION_TOKEN;
      try {
        await new LambdaEventSourceMappings({ endpoint: aws.endpoint, region: REGION, env: {} }).get(UUID);
      } finally {
        process.env = saved;
      }
      expect(String(aws.requests[0]!.headers.authorization)).toBe(
        await expectedAuthorization(aws.requests[0]!, { credentials: { accessKeyId: 'AKIDFROMENV', secretAccessKey: 'env-secret' }, region: REGION, service: 'lambda' }),
      );
    });
  });

  describe('errors', () => {
    it('names the error by the x-amzn-errortype header (suffix stripped), with the body message, status and request id', async () => {
      // GIVEN Lambda's answer for a mapping mid-transition: the code in the header, Type "User" in the body
      aws.answer({
        status: 409,
        headers: { 'x-amzn-errortype': 'ResourceConflictException:http://internal.amazon.com/coral/com.amazonaws.lambda/', 'x-amzn-requestid': 'req-conflict' },
        body: { Type: 'User', message: 'The operation cannot be performed at this time. The event source mapping is currently in a pending state.' },
      });
      // WHEN an update is sent
      const error = await client().update({ UUID, Enabled: true }).catch((e: unknown) => e);
      // THEN the error is named by the header's code and carries the rest
      expect(error).toBeInstanceOf(AwsServiceError);
      expect(error).toMatchObject({
        name: 'ResourceConflictException',
        code: 'ResourceConflictException',
        status: 409,
        requestId: 'req-conflict',
        operation: 'UpdateEventSourceMapping',
        message: 'The operation cannot be performed at this time. The event source mapping is currently in a pending state.',
        // Retrying later can succeed...
        retriable: true,
      });
      // AND ...but not within this call: the callers wait for the transition themselves
      expect(aws.requests).toHaveLength(1);
    });

    it('falls back to the body __type (namespace stripped) and Message when there is no header', async () => {
      aws.answer({ status: 404, headers: {}, body: { __type: 'aws.lambda#ResourceNotFoundException', Message: 'The resource you requested does not exist.' } });
      await expect(client().get(UUID)).rejects.toMatchObject({ name: 'ResourceNotFoundException', status: 404, message: 'The resource you requested does not exist.', retriable: false });
    });

    it('falls back to the body code', async () => {
      aws.answer({ status: 400, body: { code: 'InvalidParameterValueException', message: 'MaximumPollers must be at least MinimumPollers' } });
      await expect(client().update({ UUID, ProvisionedPollerConfig: { MinimumPollers: 5, MaximumPollers: 2 } })).rejects.toMatchObject({
        name: 'InvalidParameterValueException',
        message: 'MaximumPollers must be at least MinimumPollers',
      });
    });

    it('calls an error without any code UnknownError, reads no code from the body Type, and says the status when there is no message', async () => {
      aws.answer({ status: 403, body: '<html>Forbidden</html>' }, { status: 400, body: { Type: 'User' } });
      await expect(client().get(UUID)).rejects.toMatchObject({ name: 'UnknownError', message: 'UnknownError (HTTP 403)', status: 403, retriable: false });
      await expect(client().get(UUID)).rejects.toMatchObject({ name: 'UnknownError', status: 400 });
    });

    describe('a clock 5 minutes or more off the service\'s (SigV4 refuses such signatures)', () => {
      const HOUR = 3_600_000;
      /** `x-amz-date` of a recorded request, as epoch ms. */
      const signedAt = (i: number): number => {
        const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(String(aws.requests[i]!.headers['x-amz-date']))!;
        return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
      };
      const expired = (serverMs: number) => ({
        status: 403,
        headers: { 'x-amzn-errortype': 'InvalidSignatureException', date: new Date(serverMs).toUTCString() },
        body: { message: 'Signature expired: 20261125T010000Z is now earlier than 20261125T015500Z' },
      });

      it('adopts the service\'s clock from the refusal\'s Date header and signs the call again with it', async () => {
        // GIVEN a service whose clock is an hour ahead, refusing the first signature
        const serverMs = Date.now() + HOUR;
        aws.answer(expired(serverMs), { status: 200, headers: { date: new Date(serverMs).toUTCString() }, body: { EventSourceMappings: [] } });
        // WHEN listing, then listing again
        const lambda = client();
        await expect(lambda.list()).resolves.toEqual({ EventSourceMappings: [] });
        await lambda.list();
        // THEN the second attempt and every later call are signed an hour ahead
        expect(aws.requests).toHaveLength(3);
        expect(Math.abs(signedAt(0) - (serverMs - HOUR))).toBeLessThan(60_000);
        expect(Math.abs(signedAt(1) - serverMs)).toBeLessThan(60_000);
        expect(Math.abs(signedAt(2) - serverMs)).toBeLessThan(60_000);
      });

      it('learns it from a success too, before any call is refused', async () => {
        const serverMs = Date.now() - 2 * HOUR;
        aws.answer({ status: 200, headers: { date: new Date(serverMs).toUTCString() }, body: { EventSourceMappings: [] } });
        const lambda = client();
        await lambda.list();
        await lambda.list();
        expect(Math.abs(signedAt(1) - serverMs)).toBeLessThan(60_000);
      });

      it('tries once more only when the refusal corrected the clock, and keeps the clock within 5 minutes as it is', async () => {
        // A refusal whose Date agrees with ours is not about the clock: not retried.
        aws.answer(expired(Date.now() + 60_000));
        await expect(client().list()).rejects.toMatchObject({ name: 'InvalidSignatureException', status: 403, retriable: false });
        expect(aws.requests).toHaveLength(1);
        expect(Math.abs(signedAt(0) - Date.now())).toBeLessThan(60_000);
        // Refused again after the correction: the second refusal is final.
        const serverMs = Date.now() + HOUR;
        aws.answer(expired(serverMs), expired(serverMs));
        await expect(client().list()).rejects.toMatchObject({ name: 'InvalidSignatureException' });
        expect(aws.requests).toHaveLength(3);
      });
    });

    it('does not retry a client error', async () => {
      aws.answer({ status: 400, headers: { 'x-amzn-errortype': 'InvalidParameterValueException' }, body: { message: 'bad' } });
      await expect(client().list()).rejects.toMatchObject({ name: 'InvalidParameterValueException', retriable: false });
      expect(aws.requests).toHaveLength(1);
    });

    it('retries throttling and server errors, then answers with the success', async () => {
      // GIVEN a throttle, then a server error, then the page
      aws.answer(
        { status: 429, headers: { 'x-amzn-errortype': 'TooManyRequestsException' }, body: { message: 'Rate exceeded', Reason: 'CallerRateLimitExceeded' } },
        { status: 500, headers: { 'x-amzn-errortype': 'ServiceException' }, body: { message: 'internal' } },
        { status: 200, body: { EventSourceMappings: [{ UUID }] } },
      );
      // WHEN listing
      const page = await client().list();
      // THEN three attempts were made and the third answered
      expect(aws.requests).toHaveLength(3);
      expect(page.EventSourceMappings).toEqual([{ UUID }]);
    });

    it('gives up after three attempts with the last error, flagged retriable', async () => {
      const serverError = { status: 502, headers: { 'x-amzn-errortype': 'EC2ThrottledException' }, body: { message: 'EC2 throttled' } };
      aws.answer(serverError, serverError, serverError, { status: 200, body: {} });
      await expect(client().get(UUID)).rejects.toMatchObject({ name: 'EC2ThrottledException', status: 502, retriable: true });
      expect(aws.requests).toHaveLength(3);
    });

    it('treats a throttling code as retriable whatever its status', async () => {
      aws.answer({ status: 400, headers: { 'x-amzn-errortype': 'ThrottlingException' }, body: { message: 'slow down' } }, { status: 200, body: { UUID } });
      await expect(client().get(UUID)).resolves.toEqual({ UUID });
      expect(aws.requests).toHaveLength(2);
    });

    it('makes only maxAttempts attempts', async () => {
      aws.answer({ status: 500, body: {} }, { status: 200, body: {} });
      await expect(client({ maxAttempts: 1 }).get(UUID)).rejects.toMatchObject({ status: 500 });
      expect(aws.requests).toHaveLength(1);
    });

    it('retries a dropped connection, and reports one that never answers as a retriable network error', async () => {
      aws.answer({ dropConnection: true }, { status: 200, body: { UUID } });
      await expect(client().get(UUID)).resolves.toEqual({ UUID });
      expect(aws.requests).toHaveLength(2);

      aws.answer({ dropConnection: true }, { dropConnection: true }, { dropConnection: true });
      const error = await client().get(UUID).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AwsNetworkError);
      expect(error).toMatchObject({ retriable: true, operation: 'GetEventSourceMapping' });
      expect((error as Error).message).toMatch(new RegExp(`^GetEventSourceMapping: no answer from ${aws.endpoint} \\(fetch failed`));
      expect(aws.requests).toHaveLength(5);
    });

    it('names the refused connection', async () => {
      const closed = aws.endpoint;
      await aws.close();
      await expect(new LambdaEventSourceMappings({ endpoint: closed, region: REGION, credentials, maxAttempts: 1, env: {} }).get(UUID)).rejects.toThrow(/ECONNREFUSED/);
      aws = await startFakeAws();
    });

    it('times out a request that does not answer within timeoutMs', async () => {
      aws.answer({ status: 200, body: { UUID }, delayMs: 2_000 });
      const started = Date.now();
      const error = await client({ timeoutMs: 100, maxAttempts: 1 }).get(UUID).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AwsNetworkError);
      expect((error as Error).message).toMatch(/timed out after 100 ms/);
      expect(Date.now() - started).toBeLessThan(1_500);
    });

    it('rejects a success whose body is not a JSON object', async () => {
      aws.answer({ status: 200, body: '[1, 2]' });
      await expect(client().get(UUID)).rejects.toMatchObject({ code: 'AWS_INVALID_RESPONSE', retriable: false });
    });
  });
});
