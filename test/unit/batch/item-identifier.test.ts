import fc from 'fast-check';
import { BatchResponseError, buildBatchResponse, parseBatchResponse, toItemIdentifier } from '../../../shared/batch/index.ts';

const topicArb = fc.stringMatching(/^[a-zA-Z0-9._-]{1,30}$/);

describe('Kafka partial batch responses', () => {
  it('identifies a record by "<topic>-<partition>" and a numeric offset', () => {
    expect(toItemIdentifier('my-topic', 3, 42n)).toEqual({ partition: 'my-topic-3', offset: 42 });
  });

  it('builds the batchItemFailures response', () => {
    expect(buildBatchResponse([{ topic: 'orders', partition: 0, offset: 7n }])).toEqual({
      batchItemFailures: [{ itemIdentifier: { partition: 'orders-0', offset: 7 } }],
    });
    expect(buildBatchResponse([])).toEqual({ batchItemFailures: [] });
  });

  it('refuses offsets a JSON number cannot hold', () => {
    expect(() => toItemIdentifier('t', 0, 2n ** 53n)).toThrow(BatchResponseError);
  });

  it('reads back what it builds', () => {
    const failuresArb = fc.uniqueArray(fc.record({ topic: topicArb, partition: fc.nat(1_000), offset: fc.bigInt({ min: 0n, max: 2n ** 53n - 1n }) }), {
      minLength: 1,
      selector: (f) => `${f.topic}-${f.partition}`,
    });
    fc.assert(
      fc.property(failuresArb, (failures) => {
        const parsed = parseBatchResponse(JSON.parse(JSON.stringify(buildBatchResponse(failures))));
        expect(parsed.kind).toBe('failures');
        if (parsed.kind !== 'failures') return;
        expect(parsed.failures.map(({ topic, partition, offset }) => ({ topic, partition, offset }))).toEqual(failures);
      }),
    );
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['an object without batchItemFailures', { statusCode: 200 }],
    ['a null list', { batchItemFailures: null }],
    ['an empty list', { batchItemFailures: [] }],
  ])('reads %s as success', (_, response) => {
    expect(parseBatchResponse(response)).toEqual({ kind: 'success' });
  });

  it.each([
    ['a string', 'ok'],
    ['a list that is not an array', { batchItemFailures: {} }],
    ['a string identifier (the SQS shape)', { batchItemFailures: [{ itemIdentifier: 'orders-0-5' }] }],
    ['the "topic-partition" spelling', { batchItemFailures: [{ itemIdentifier: { 'topic-partition': 'orders-0', offset: 5 } }] }],
    ['a null identifier', { batchItemFailures: [{ itemIdentifier: null }] }],
    ['a string offset', { batchItemFailures: [{ itemIdentifier: { partition: 'orders-0', offset: '5' } }] }],
    ['a negative offset', { batchItemFailures: [{ itemIdentifier: { partition: 'orders-0', offset: -1 } }] }],
    ['a partition without a number', { batchItemFailures: [{ itemIdentifier: { partition: 'orders', offset: 5 } }] }],
  ])('reads %s as invalid', (_, response) => {
    const parsed = parseBatchResponse(response);
    expect(parsed.kind).toBe('invalid');
  });

  it('names where an invalid response goes wrong', () => {
    const parsed = parseBatchResponse({ batchItemFailures: [{ itemIdentifier: { partition: 'a-0', offset: 1 } }, { itemIdentifier: { partition: 'a-0' } }] });
    expect(parsed).toEqual({ kind: 'invalid', reason: expect.stringMatching(/^batchItemFailures\.1\.itemIdentifier\.offset: /) });
  });

  it('keeps the lowest offset of a partition reported twice', () => {
    const parsed = parseBatchResponse({
      batchItemFailures: [
        { itemIdentifier: { partition: 'my-topic-1', offset: 9 } },
        { itemIdentifier: { partition: 'my-topic-1', offset: 4 } },
        { itemIdentifier: { partition: 'other-0', offset: 2 } },
      ],
    });
    expect(parsed).toEqual({
      kind: 'failures',
      failures: [
        { topic: 'my-topic', partition: 1, key: 'my-topic-1', offset: 4n },
        { topic: 'other', partition: 0, key: 'other-0', offset: 2n },
      ],
    });
  });
});
