import fc from 'fast-check';
import {
  createPayloadBudget,
  encodeKafkaEvent,
  encodeKafkaRecord,
  estimateEventSize,
  estimateRecordSize,
  MAX_INVOKE_PAYLOAD_BYTES,
} from '../../../shared/events/index.ts';
import { MSK_ORIGIN, originArb, recordInput, recordsArb } from './support.ts';

const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), 'utf8');

describe('payload size estimation', () => {
  it('counts a record exactly as JSON.stringify writes it', () => {
    fc.assert(
      fc.property(recordsArb, (records) => {
        for (const record of records) expect(estimateRecordSize(record)).toBe(jsonBytes(encodeKafkaRecord(record)));
      }),
    );
  });

  it('counts a whole event exactly, separators and partition keys included', () => {
    fc.assert(
      fc.property(recordsArb, originArb, (records, origin) => {
        expect(estimateEventSize(records, origin)).toBe(jsonBytes(encodeKafkaEvent(records, origin)));
      }),
    );
  });

  it('counts an event without records', () => {
    expect(estimateEventSize([], MSK_ORIGIN)).toBe(jsonBytes(encodeKafkaEvent([], MSK_ORIGIN)));
  });

  it('stops a batch before it crosses the limit', () => {
    const value = new Uint8Array(1_000);
    const records = Array.from({ length: 50 }, (_, i) => recordInput({ offset: BigInt(i), value }));
    const budget = createPayloadBudget(MSK_ORIGIN, 10_000);
    const accepted = records.filter((record) => budget.tryAdd(record));
    expect(accepted.length).toBeGreaterThan(0);
    expect(accepted.length).toBeLessThan(records.length);
    expect(budget.sizeBytes).toBe(jsonBytes(encodeKafkaEvent(accepted, MSK_ORIGIN)));
    expect(budget.sizeBytes).toBeLessThanOrEqual(10_000);
    expect(budget.sizeBytes + budget.costOf(records[accepted.length]!)).toBeGreaterThan(10_000);
    expect(budget.recordCount).toBe(accepted.length);
  });

  it('refuses a single record larger than the limit', () => {
    const budget = createPayloadBudget(MSK_ORIGIN);
    expect(budget.tryAdd(recordInput({ value: new Uint8Array(MAX_INVOKE_PAYLOAD_BYTES) }))).toBe(false);
    expect(budget.recordCount).toBe(0);
  });

  it('uses the 6 MB invoke payload limit by default', () => {
    expect(createPayloadBudget(MSK_ORIGIN).limitBytes).toBe(6_291_456);
  });
});
