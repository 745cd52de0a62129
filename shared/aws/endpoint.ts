// Region and endpoint of a hand-signed AWS call, resolved the way the SDK v3 resolves
// them, so a function behaves the same whether a call goes through an SDK client or not:
// the same environment points both at AWS, LocalStack or the local runtime.
import { PARTITION_DNS_SUFFIXES } from './constants.ts';
import { AwsConfigError } from './errors.ts';

/** How a service is named in endpoint variables and host names. */
export interface AwsServiceNames {
  /** Suffix of its endpoint variable, e.g. `LAMBDA` for `AWS_ENDPOINT_URL_LAMBDA`. */
  readonly envKey: string;
  /** First label of its regional host name, e.g. `lambda` for `lambda.eu-west-1.amazonaws.com`. */
  readonly endpointPrefix: string;
}

/**
 * The region to call and sign for: `region`, else `AWS_REGION` (Lambda always sets it),
 * else `AWS_DEFAULT_REGION`.
 *
 * @throws AwsConfigError naming `AWS_REGION` when none is set
 * @example
 * resolveRegion(undefined, { AWS_REGION: 'eu-west-1' }); // 'eu-west-1'
 */
export function resolveRegion(region: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const resolved = (region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION)?.trim();
  if (!resolved) throw new AwsConfigError('AWS_REGION', 'no region: pass the `region` option or set AWS_REGION (or AWS_DEFAULT_REGION)');
  return resolved;
}

/**
 * The service's base URL: `endpoint`, else `AWS_ENDPOINT_URL_<SERVICE>`, else
 * `AWS_ENDPOINT_URL`, else the regional AWS endpoint (`https://lambda.eu-west-1.amazonaws.com`,
 * `.amazonaws.com.cn` in China...). The variables are skipped when
 * `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is `true`, as the SDK does
 * (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html).
 *
 * The regional endpoint honours `AWS_USE_FIPS_ENDPOINT` (`lambda-fips.<region>`) and
 * `AWS_USE_DUALSTACK_ENDPOINT` (the partition's dual-stack domain, `api.aws`), as the SDK's
 * standard regional rules do; a configured endpoint URL overrides both
 * (https://docs.aws.amazon.com/sdkref/latest/guide/feature-endpoints.html).
 *
 * @throws AwsConfigError naming the option or variable whose value is not an http(s) URL,
 * or not `true`/`false`
 * @example
 * resolveEndpoint({ envKey: 'LAMBDA', endpointPrefix: 'lambda' }, 'eu-west-1', undefined, {}).href; // 'https://lambda.eu-west-1.amazonaws.com/'
 */
export function resolveEndpoint(service: AwsServiceNames, region: string, endpoint: string | undefined, env: NodeJS.ProcessEnv = process.env): URL {
  if (endpoint !== undefined) return parseEndpoint('endpoint', endpoint);
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.trim().toLowerCase() !== 'true') {
    const serviceVariable = `AWS_ENDPOINT_URL_${service.envKey.toUpperCase()}`;
    const serviceValue = env[serviceVariable]?.trim();
    if (serviceValue) return parseEndpoint(serviceVariable, serviceValue);
    const globalValue = env.AWS_ENDPOINT_URL?.trim();
    if (globalValue) return parseEndpoint('AWS_ENDPOINT_URL', globalValue);
  }
  const fips = booleanSetting(env, 'AWS_USE_FIPS_ENDPOINT');
  const dualStack = booleanSetting(env, 'AWS_USE_DUALSTACK_ENDPOINT');
  const [, dnsSuffix, dualStackDnsSuffix] = PARTITION_DNS_SUFFIXES.find(([prefix]) => region.startsWith(prefix)) ?? ['', 'amazonaws.com', 'api.aws'];
  return parseEndpoint('region', `https://${service.endpointPrefix}${fips ? '-fips' : ''}.${region}.${dualStack ? dualStackDnsSuffix : dnsSuffix}`);
}

/** `true` or `false` (any case; unset or blank is false), as the SDK reads these switches; anything else is an error naming the variable. */
function booleanSetting(env: NodeJS.ProcessEnv, name: string): boolean {
  const value = env[name]?.trim().toLowerCase();
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  throw new AwsConfigError(name, `expected "true" or "false", got '${env[name]}'`);
}

function parseEndpoint(setting: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new AwsConfigError(setting, `'${value}' is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new AwsConfigError(setting, `'${value}' is not an http(s) URL`);
  if (url.search !== '' || url.hash !== '') throw new AwsConfigError(setting, `'${value}' must not have a query or fragment`);
  return url;
}
