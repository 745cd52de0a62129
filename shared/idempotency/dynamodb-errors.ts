import { IdempotencyStoreError } from './errors.ts';

// Errors that retrying the same request cannot fix: a malformed request, a missing table,
// bad or missing credentials. Everything else (throttling, 5xx, timeouts, socket errors,
// unknown) is retriable: a transient failure dead-lettered is a record lost from the
// main path. https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html
const NOT_RETRIABLE = new Set([
  'ValidationException',
  'ResourceNotFoundException',
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'MissingAuthenticationTokenException',
  'SerializationException',
]);

/** Whether a failed DynamoDB request may succeed when retried. */
export function isRetriableDynamoDbError(error: unknown): boolean {
  const name = typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : '';
  return !NOT_RETRIABLE.has(name);
}

/** Wraps a DynamoDB failure in an `IdempotencyStoreError` naming the table and subject. */
export function storeError(operation: string, tableName: string, subject: string, error: unknown): IdempotencyStoreError {
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new IdempotencyStoreError(`${operation} on table "${tableName}" for ${subject} failed (${reason})`, {
    operation,
    retriable: isRetriableDynamoDbError(error),
    cause: error,
  });
}
