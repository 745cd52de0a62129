import type { RequestCounting, StoreOperation } from './types.ts';

/** Counts store requests by operation; shared by the in-memory and DynamoDB stores. */
export class RequestCounter implements RequestCounting {
  readonly #counts: Record<StoreOperation, number> = { BatchGetItem: 0, UpdateItem: 0, PutItem: 0, DeleteItem: 0 };

  get requestCount(): number {
    return Object.values(this.#counts).reduce((sum, count) => sum + count, 0);
  }

  get requestCounts(): Readonly<Record<StoreOperation, number>> {
    return { ...this.#counts };
  }

  count(operation: StoreOperation): void {
    this.#counts[operation] += 1;
  }
}
