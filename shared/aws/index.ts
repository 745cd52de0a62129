export { awsClientConfig, hasEndpointOverride } from './client-config.ts';
