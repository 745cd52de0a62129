import { z } from 'zod';
import { ChunkRecordError, DeadLetterError, isPoison, PoisonRecordError } from '../../../shared/batch/index.ts';
import { MalformedEventError, RecordDecodeError } from '../../../shared/events/index.ts';

const zodError = (): unknown => z.object({ id: z.number() }).safeParse({}).error;

describe('isPoison', () => {
  it.each([
    ['PoisonRecordError', new PoisonRecordError('bad')],
    ['a decode error', new RecordDecodeError({ topic: 't', partition: 0, offset: 1n }, 'value', 'not valid JSON')],
    ['a malformed event', new MalformedEventError('records', 'bad')],
    ['a zod validation error', zodError()],
    ['an error marked retriable: false', Object.assign(new Error('x'), { retriable: false })],
    ['a wrapper whose cause is poison', new Error('wrapped', { cause: new PoisonRecordError('bad') })],
    ['a chunk error caused by poison', new ChunkRecordError(1n, new PoisonRecordError('bad'))],
  ])('says %s is poison', (_, error) => {
    expect(isPoison(error)).toBe(true);
  });

  it.each([
    ['a plain Error', new Error('timeout')],
    ['a string', 'oops'],
    ['undefined', undefined],
    ['a dead-letter failure', new DeadLetterError('sink down')],
    ['a chunk error caused by a transient failure', new ChunkRecordError(1n, new Error('timeout'))],
  ])('says %s is retriable', (_, error) => {
    expect(isPoison(error)).toBe(false);
  });
});
