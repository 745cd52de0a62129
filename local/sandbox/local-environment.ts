import type { LocalFunction } from '../esm/function-runtime.ts';

/**
 * Points a deployed function's environment at the local stack. The template names an MSK
 * cluster (placeholder ARN) with IAM auth; locally the functions that connect themselves
 * (lag monitor, offset reset) get the local broker instead. AWS clients follow
 * AWS_ENDPOINT_URL to the emulator and AWS_ENDPOINT_URL_LAMBDA to the runtime's control plane.
 */
export function localizeFunction(fn: LocalFunction, local: { bootstrapServers: string; awsEnvironment: Record<string, string>; lambdaEndpoint: string }): LocalFunction {
  const environment: Record<string, string> = { ...fn.environment, ...local.awsEnvironment, AWS_ENDPOINT_URL_LAMBDA: local.lambdaEndpoint };
  if (environment.SCG_CLUSTER_ARN !== undefined || environment.SCG_BOOTSTRAP_SERVERS !== undefined) {
    delete environment.SCG_CLUSTER_ARN;
    delete environment.SCG_KAFKA_SECRET_ARN;
    environment.SCG_BOOTSTRAP_SERVERS = local.bootstrapServers;
    environment.SCG_KAFKA_AUTH = 'none';
  }
  return { ...fn, environment };
}
