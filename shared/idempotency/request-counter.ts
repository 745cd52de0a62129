import type { RequestCounting, RequestCounts, StoreOperation, TransactionOperation } from './types.ts';

/** Counts store requests by operation; shared by the in-memory and DynamoDB stores. */
export class RequestCounter implements RequestCounting {
  readonly #counts: Record<StoreOperation, number> = { BatchGetItem: 0, UpdateItem: 0, PutItem: 0, DeleteItem: 0 };
  #transactions = 0;

  get requestCount(): number {
    return Object.values(this.#counts).reduce((sum, count) => sum + count, 0) + this.#transactions;
  }

  get requestCounts(): RequestCounts {
    // `TransactWriteItems` only once used, so counts of stores without effects keep their shape.
    return this.#transactions === 0 ? { ...this.#counts } : { ...this.#counts, TransactWriteItems: this.#transactions };
  }

  count(operation: StoreOperation | TransactionOperation): void {
    if (operation === 'TransactWriteItems') this.#transactions += 1;
    else this.#counts[operation] += 1;
  }
}
