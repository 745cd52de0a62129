import type { DeadLetterEntry } from '../../../../shared/batch/index.ts';

export function deadLetterEntry(overrides: Partial<DeadLetterEntry> = {}): DeadLetterEntry {
  return {
    topic: 'orders',
    partition: 2,
    offset: '9007199254740993',
    timestampMs: 1_700_000_000_000,
    timestampType: 'CREATE_TIME',
    key: Buffer.from('order-1').toString('base64'),
    value: Buffer.from('{"id":1}').toString('base64'),
    headers: [
      { name: 'trace', value: Buffer.from('a').toString('base64') },
      { name: 'trace', value: Buffer.from('b').toString('base64') },
    ],
    error: { name: 'PoisonRecordError', message: 'not an order', code: 'BATCH_POISON_RECORD' },
    context: { time: '2026-01-01T00:00:00.000Z', groupId: 'orders-consumer', functionName: 'fn', requestId: 'req-1' },
    ...overrides,
  };
}
