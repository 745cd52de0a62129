/**
 * Configuration shared by every AWS SDK v3 client the project creates.
 *
 * Endpoints are deliberately NOT set here: the SDK resolves `AWS_ENDPOINT_URL` and the
 * per-service `AWS_ENDPOINT_URL_<SERVICE>` variables (e.g. `AWS_ENDPOINT_URL_DYNAMODB`,
 * `AWS_ENDPOINT_URL_LAMBDA`) by itself, the per-service one winning
 * (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html). Setting
 * an endpoint in code would shadow them. So the same code talks to AWS, LocalStack, or
 * the local emulators depending only on the environment.
 */

/** SDK environment key of a service, as the SDK spells it (`S3`, `DYNAMODB`, `LAMBDA`...). */
export type ServiceEnvKey = string;

/** Whether the environment points `service` (or every service) somewhere other than AWS. */
export function hasEndpointOverride(service: ServiceEnvKey, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env[`AWS_ENDPOINT_URL_${service.toUpperCase()}`] ?? env.AWS_ENDPOINT_URL);
}

/**
 * Extra client options for `service`: only what the SDK cannot infer.
 * S3 against an emulator needs path-style addressing (`http://host/bucket/key`): an
 * emulator on 127.0.0.1 has no per-bucket DNS names.
 *
 * @example
 * const s3 = new S3Client(awsClientConfig('S3'));
 */
export function awsClientConfig(service: ServiceEnvKey, env: NodeJS.ProcessEnv = process.env): { forcePathStyle?: boolean } {
  if (service.toUpperCase() === 'S3' && hasEndpointOverride('S3', env)) return { forcePathStyle: true };
  return {};
}
