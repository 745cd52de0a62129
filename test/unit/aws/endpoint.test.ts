import { AwsConfigError, LambdaEventSourceMappings, resolveEndpoint, resolveRegion } from '../../../shared/aws/index.ts';

const LAMBDA = { envKey: 'LAMBDA', endpointPrefix: 'lambda' };
const credentials = { accessKeyId: 'x', secretAccessKey: 'y' };

describe('the region', () => {
  it('is the option, else AWS_REGION, else AWS_DEFAULT_REGION', () => {
    const env = { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'us-west-2' };
    expect(resolveRegion('ap-south-1', env)).toBe('ap-south-1');
    expect(resolveRegion(undefined, env)).toBe('eu-west-1');
    expect(resolveRegion(undefined, { AWS_DEFAULT_REGION: 'us-west-2' })).toBe('us-west-2');
  });

  it('is required, and the error names AWS_REGION', () => {
    // GIVEN no option and no variable WHEN resolving THEN the error says what to set
    const error = (() => {
      try {
        return resolveRegion(undefined, { AWS_REGION: ' ' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(AwsConfigError);
    expect(error).toMatchObject({ setting: 'AWS_REGION', code: 'AWS_CONFIG_INVALID', retriable: false });
    expect((error as Error).message).toMatch(/^AWS_REGION: no region: pass the `region` option or set AWS_REGION \(or AWS_DEFAULT_REGION\)$/);
  });

  it('is checked when the client is built, before any call', () => {
    expect(() => new LambdaEventSourceMappings({ credentials, env: {} })).toThrow(/AWS_REGION/);
  });
});

describe('the endpoint', () => {
  it('is the option first, then AWS_ENDPOINT_URL_LAMBDA, then AWS_ENDPOINT_URL, then the regional AWS endpoint', () => {
    const env = { AWS_ENDPOINT_URL_LAMBDA: 'http://127.0.0.1:4010', AWS_ENDPOINT_URL: 'http://127.0.0.1:5000' };
    expect(resolveEndpoint(LAMBDA, 'eu-west-1', 'http://localhost:9001', env).href).toBe('http://localhost:9001/');
    expect(resolveEndpoint(LAMBDA, 'eu-west-1', undefined, env).href).toBe('http://127.0.0.1:4010/');
    expect(resolveEndpoint(LAMBDA, 'eu-west-1', undefined, { AWS_ENDPOINT_URL: 'http://127.0.0.1:5000' }).href).toBe('http://127.0.0.1:5000/');
    expect(resolveEndpoint(LAMBDA, 'eu-west-1', undefined, {}).href).toBe('https://lambda.eu-west-1.amazonaws.com/');
  });

  it('follows the partition of the region', () => {
    expect(resolveEndpoint(LAMBDA, 'cn-north-1', undefined, {}).href).toBe('https://lambda.cn-north-1.amazonaws.com.cn/');
    expect(resolveEndpoint(LAMBDA, 'us-gov-west-1', undefined, {}).href).toBe('https://lambda.us-gov-west-1.amazonaws.com/');
    expect(resolveEndpoint(LAMBDA, 'us-iso-east-1', undefined, {}).href).toBe('https://lambda.us-iso-east-1.c2s.ic.gov/');
    expect(resolveEndpoint(LAMBDA, 'us-isob-east-1', undefined, {}).href).toBe('https://lambda.us-isob-east-1.sc2s.sgov.gov/');
  });

  it('is the FIPS and/or dual-stack endpoint of the partition when AWS_USE_FIPS_ENDPOINT / AWS_USE_DUALSTACK_ENDPOINT are true', () => {
    const both = { AWS_USE_FIPS_ENDPOINT: 'true', AWS_USE_DUALSTACK_ENDPOINT: 'true' };
    // The SDK's Lambda endpoint rules give these (its endpoint test cases).
    expect(resolveEndpoint(LAMBDA, 'ap-south-2', undefined, both).href).toBe('https://lambda-fips.ap-south-2.api.aws/');
    expect(resolveEndpoint(LAMBDA, 'ap-south-2', undefined, { AWS_USE_FIPS_ENDPOINT: 'true' }).href).toBe('https://lambda-fips.ap-south-2.amazonaws.com/');
    expect(resolveEndpoint(LAMBDA, 'us-gov-east-1', undefined, { AWS_USE_DUALSTACK_ENDPOINT: 'TRUE' }).href).toBe('https://lambda.us-gov-east-1.api.aws/');
    expect(resolveEndpoint(LAMBDA, 'cn-north-1', undefined, both).href).toBe('https://lambda-fips.cn-north-1.api.amazonwebservices.com.cn/');
    expect(resolveEndpoint(LAMBDA, 'us-iso-east-1', undefined, { AWS_USE_DUALSTACK_ENDPOINT: 'true' }).href).toBe('https://lambda.us-iso-east-1.api.aws.ic.gov/');
    expect(resolveEndpoint(LAMBDA, 'eu-west-1', undefined, { AWS_USE_FIPS_ENDPOINT: 'false', AWS_USE_DUALSTACK_ENDPOINT: ' ' }).href).toBe('https://lambda.eu-west-1.amazonaws.com/');
  });

  it('lets a configured endpoint URL override FIPS and dual-stack, as the SDK does', () => {
    const env = { AWS_USE_FIPS_ENDPOINT: 'true', AWS_USE_DUALSTACK_ENDPOINT: 'true', AWS_ENDPOINT_URL_LAMBDA: 'http://127.0.0.1:4010' };
    expect(resolveEndpoint(LAMBDA, 'eu-west-1', undefined, env).href).toBe('http://127.0.0.1:4010/');
    expect(resolveEndpoint(LAMBDA, 'eu-west-1', 'http://localhost:9001', { AWS_USE_FIPS_ENDPOINT: 'true' }).href).toBe('http://localhost:9001/');
  });

  it('rejects a FIPS or dual-stack switch that is neither true nor false, naming the variable', () => {
    expect(() => resolveEndpoint(LAMBDA, 'eu-west-1', undefined, { AWS_USE_FIPS_ENDPOINT: 'yes' })).toThrow(/^AWS_USE_FIPS_ENDPOINT: expected "true" or "false", got 'yes'$/);
    expect(() => new LambdaEventSourceMappings({ credentials, env: { AWS_REGION: 'eu-west-1', AWS_USE_DUALSTACK_ENDPOINT: '1' } })).toThrow(AwsConfigError);
  });

  it('ignores the variables when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true, as the SDK does', () => {
    const env = { AWS_ENDPOINT_URL_LAMBDA: 'http://127.0.0.1:4010', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' };
    expect(resolveEndpoint(LAMBDA, 'eu-west-1', undefined, env).href).toBe('https://lambda.eu-west-1.amazonaws.com/');
  });

  it('must be an http(s) URL, and the error names where it came from', () => {
    expect(() => resolveEndpoint(LAMBDA, 'eu-west-1', undefined, { AWS_ENDPOINT_URL_LAMBDA: 'ftp://127.0.0.1:4010' })).toThrow(/^AWS_ENDPOINT_URL_LAMBDA: 'ftp:\/\/127.0.0.1:4010' is not an http\(s\) URL$/);
    expect(() => resolveEndpoint(LAMBDA, 'eu-west-1', undefined, { AWS_ENDPOINT_URL: '127.0.0.1:4010' })).toThrow(/^AWS_ENDPOINT_URL: '127.0.0.1:4010' is not a URL$/);
    expect(() => resolveEndpoint(LAMBDA, 'eu-west-1', 'http://h/?x=1', {})).toThrow(/^endpoint: .* must not have a query or fragment$/);
  });

  it('is resolved by the client from its environment', () => {
    const lambda = new LambdaEventSourceMappings({ credentials, env: { AWS_REGION: 'cn-northwest-1' } });
    expect(lambda.region).toBe('cn-northwest-1');
    expect(lambda.endpoint).toBe('https://lambda.cn-northwest-1.amazonaws.com.cn/');
    expect(new LambdaEventSourceMappings({ credentials, env: { AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL_LAMBDA: 'http://127.0.0.1:4010' } }).endpoint).toBe('http://127.0.0.1:4010/');
  });
});

describe('the client options', () => {
  it('reject attempts and timeouts that are not positive integers, naming the option', () => {
    const env = { AWS_REGION: 'eu-west-1' };
    expect(() => new LambdaEventSourceMappings({ credentials, env, maxAttempts: 0 })).toThrow(/^maxAttempts: must be a positive integer, got 0$/);
    expect(() => new LambdaEventSourceMappings({ credentials, env, timeoutMs: 1.5 })).toThrow(/^timeoutMs: must be a positive integer, got 1.5$/);
    expect(() => new LambdaEventSourceMappings({ credentials, env, retryBaseDelayMs: -1 })).toThrow(/^retryBaseDelayMs: must be 0 or more, got -1$/);
  });
});
