import type { TimestampType } from '../../events/index.ts';

/** One header of a dead-lettered record, in record order (names may repeat). */
export interface DeadLetterHeader {
  readonly name: string;
  /** Base64 of the header bytes. */
  readonly value: string;
}

/** When, where and by whom a record was dead-lettered. */
export interface DeadLetterContext {
  /** ISO-8601 time the record was dead-lettered. */
  readonly time: string;
  readonly groupId?: string;
  readonly functionName?: string;
  readonly requestId?: string;
  /** Invocation attempt, when the caller knows it (Lambda does not say for Kafka). */
  readonly attempt?: number;
}

/**
 * A poison record as written to a dead-letter sink: everything needed to inspect and replay it.
 * JSON-ready: the offset is a string (offsets are 64-bit), key/value/header values are base64.
 */
export interface DeadLetterEntry {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** Epoch milliseconds of the original record. */
  readonly timestampMs: number;
  readonly timestampType: TimestampType;
  /** Base64, `null` when the record had no key. */
  readonly key: string | null;
  /** Base64, `null` for a tombstone. */
  readonly value: string | null;
  readonly headers: readonly DeadLetterHeader[];
  readonly error: { readonly name: string; readonly message: string; readonly code?: string };
  readonly context: DeadLetterContext;
}

/**
 * Where poison records go. `send` must either store every entry or throw: a throw is treated as
 * retriable (the records are reported as failed, nothing is dropped).
 *
 * @example
 * const logSink: DeadLetterSink = { send: async (entries) => console.error(JSON.stringify(entries)) };
 */
export interface DeadLetterSink {
  send(entries: readonly DeadLetterEntry[]): Promise<void>;
}
