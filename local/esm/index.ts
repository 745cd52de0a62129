export { LocalRuntime } from './runtime.ts';
export type { LocalRuntimeOptions } from './runtime.ts';
export type { LocalFunction, InvokeResult } from './function-runtime.ts';
export { FunctionRuntime } from './function-runtime.ts';
export type { CommitEvent, InvocationEvent, MappingSpec, MappingState, MappingCounters } from './types.ts';
export { MappingStates } from './types.ts';
export { MappingRunner } from './mapping-runner.ts';
export { PartitionQueues } from './delivery.ts';
export { ControlPlaneError, EsmRuntimeError, FunctionInvokeError, FunctionTimeoutError } from './errors.ts';
