import { BatchOptionsError, createBatchProcessor, type BatchProcessorOptions } from '../../../shared/batch/index.ts';
import { MemorySink } from './support.ts';

const handler = () => undefined;

function optionsError(options: unknown): BatchOptionsError {
  try {
    createBatchProcessor(options as BatchProcessorOptions);
  } catch (error) {
    if (error instanceof BatchOptionsError) return error;
    throw error;
  }
  throw new Error('expected BatchOptionsError');
}

describe('batch processor options', () => {
  it('accepts a record handler alone', () => {
    expect(typeof createBatchProcessor({ recordHandler: handler }).process).toBe('function');
  });

  it('accepts every option at once', () => {
    const processor = createBatchProcessor({
      chunkHandler: handler,
      chunkSize: 50,
      concurrency: 8,
      reportBatchItemFailures: true,
      deadLetter: { sink: new MemorySink(), groupId: 'g' },
      partitionGuard: { before: () => undefined },
      hooks: { onBatchComplete: handler },
    });
    expect(typeof processor.process).toBe('function');
  });

  it.each([
    ['no handler', {}, 'recordHandler'],
    ['both handlers', { recordHandler: handler, chunkHandler: handler }, 'recordHandler'],
    ['chunkSize without a chunk handler', { recordHandler: handler, chunkSize: 10 }, 'chunkSize'],
    ['a zero chunk size', { chunkHandler: handler, chunkSize: 0 }, 'chunkSize'],
    ['a chunk size beyond 10,000', { chunkHandler: handler, chunkSize: 10_001 }, 'chunkSize'],
    ['a fractional concurrency', { recordHandler: handler, concurrency: 1.5 }, 'concurrency'],
    ['a sink without send()', { recordHandler: handler, deadLetter: { sink: {} } }, 'deadLetter.sink'],
    ['a typo', { recordHandler: handler, reportBatchItemFailure: true }, ''],
    ['an unknown hook', { recordHandler: handler, hooks: { onRecordFail: handler } }, 'hooks'],
    ['a guard with a non-function before', { recordHandler: handler, partitionGuard: { before: 1 } }, 'partitionGuard'],
    ['a non-boolean reportBatchItemFailures', { recordHandler: handler, reportBatchItemFailures: 'yes' }, 'reportBatchItemFailures'],
  ])('rejects %s, naming the field', (_, options, path) => {
    const error = optionsError(options);
    expect(error.path).toBe(path);
    expect(error.retriable).toBe(false);
    expect(error.code).toBe('BATCH_INVALID_OPTIONS');
  });
});
