export { DeclarationError, InfraConfigError } from './errors.ts';
export { formatPath, parseDeclaration } from './parse.ts';
export { checkDeclaration } from './rules.ts';
export type { RuleFinding, RuleResult } from './rules.ts';
export { CONTEXT_KEYS, PLACEHOLDER_CLUSTER_ARN, clusterFromContext, seedScenario } from './scenario.ts';
export { DeclarationSchema, LOG_RETENTION_DAYS } from './schema.ts';
export type {
  AlarmsDeclaration,
  AutoscalingDeclaration,
  ClusterDeclaration,
  ConsumerDeclaration,
  DeadLetterDeclaration,
  Declaration,
  DeclarationInput,
  MskClusterDeclaration,
  OnFailureDeclaration,
  ParsedDeclaration,
  PollersDeclaration,
  SelfManagedClusterDeclaration,
  TopicDeclaration,
  VpcDeclaration,
} from './types.ts';
