import fc from 'fast-check';
import { CONSUMER_METRICS, kafkaConsumer } from '../../../shared/consumer/index.ts';
import { EventsError, RecordDecodeError } from '../../../shared/events/index.ts';
import { kafkaEvent, lambdaContext, MemorySink, quiet } from './support.ts';

/** Runs the handler; resolves with 'ok' or the error it rejected with. */
async function outcome(run: () => Promise<unknown>): Promise<'ok' | unknown> {
  try {
    await run();
    return 'ok';
  } catch (error) {
    return error;
  }
}

const FIELDS = ['topic', 'partition', 'offset', 'timestamp', 'timestampType', 'key', 'value', 'headers', 'keySchemaMetadata'] as const;

describe('kafkaConsumer with malformed events', () => {
  it('rejects anything that is not a Kafka event with a typed events error, never a crash', async () => {
    const q = quiet();
    let calls = 0;
    const handler = kafkaConsumer({ ...q.options, recordHandler: () => void (calls += 1) });

    await fc.assert(
      fc.asyncProperty(fc.anything({ withNullPrototype: true, withBigInt: true, withDate: true, withMap: true, withTypedArray: true }), async (event) => {
        const result = await outcome(() => handler(event, lambdaContext()));
        if (result !== 'ok') expect(result).toBeInstanceOf(EventsError);
      }),
      { numRuns: 300 },
    );
    expect(calls).toBe(0);
    expect(q.emf.documents.every((doc) => doc[CONSUMER_METRICS.INVALID_EVENTS] === 1)).toBe(true);
  });

  it('rejects a valid event with one field of one record corrupted with a typed error naming the path', async () => {
    const q = quiet();
    const handler = kafkaConsumer({ ...q.options, recordHandler: () => undefined });

    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...FIELDS), fc.integer({ min: 0, max: 2 }), fc.jsonValue(), async (field, index, value) => {
        const event = kafkaEvent({ 'orders-0': 3 }) as unknown as { records: Record<string, Record<string, unknown>[]> };
        const record = event.records['orders-0']?.[index] as Record<string, unknown>;
        record[field] = value;
        const result = await outcome(() => handler(event, lambdaContext()));
        if (result !== 'ok') {
          expect(result).toBeInstanceOf(EventsError);
          expect((result as Error).message).toMatch(/records\["orders-0"\]|partition 0|out of offset order/);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('dead-letters records whose payload cannot be decoded, and handles the rest', async () => {
    const q = quiet();
    const sink = new MemorySink();
    const handler = kafkaConsumer({ ...q.options, deadLetter: sink, recordHandler: (record) => void record.valueJson() });

    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.string(), fc.base64String()), { minLength: 1, maxLength: 10 }), async (values) => {
        sink.entries.length = 0;
        const event = kafkaEvent({ 'orders-0': values.length }) as unknown as { records: Record<string, Record<string, unknown>[]> };
        values.forEach((value, i) => {
          (event.records['orders-0']?.[i] as Record<string, unknown>).value = value;
        });
        const response = await handler(event, lambdaContext());
        expect(response).toEqual({ batchItemFailures: [] });
        for (const entry of sink.entries) expect(entry.error.name).toBe(RecordDecodeError.name);
        expect(q.emf.last[CONSUMER_METRICS.PROCESSED]).toBe(values.length - sink.entries.length);
      }),
      { numRuns: 200 },
    );
  });
});
