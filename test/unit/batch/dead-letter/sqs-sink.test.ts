import { createHash } from 'node:crypto';
import type { SendMessageBatchCommand, SendMessageBatchCommandOutput } from '@aws-sdk/client-sqs';
import { BatchOptionsError, DeadLetterError } from '../../../../shared/batch/index.ts';
import { createSqsDeadLetterSink, packBatches, type SqsBatchClient } from '../../../../shared/batch/dead-letter/index.ts';
import { withFakeEndpoint } from './fake-endpoint.ts';
import { deadLetterEntry } from './support.ts';

const QUEUE = 'http://127.0.0.1:5000/123456789012/orders-dlq';

class FakeSqs implements SqsBatchClient {
  readonly commands: SendMessageBatchCommand[] = [];
  failIds: string[] = [];

  async send(command: SendMessageBatchCommand): Promise<SendMessageBatchCommandOutput> {
    this.commands.push(command);
    const entries = command.input.Entries ?? [];
    return {
      $metadata: {},
      Successful: entries.filter((e) => !this.failIds.includes(e.Id ?? '')).map((e) => ({ Id: e.Id, MessageId: 'm', MD5OfMessageBody: 'x' })),
      Failed: this.failIds.map((Id) => ({ Id, Code: 'InternalError', SenderFault: false, Message: 'try later' })),
    };
  }
}

describe('the SQS dead-letter sink', () => {
  it('sends each entry as a JSON message, 10 per SendMessageBatch call', async () => {
    const sqs = new FakeSqs();
    const sink = createSqsDeadLetterSink({ queueUrl: QUEUE, client: sqs });
    const entries = Array.from({ length: 23 }, (_, i) => deadLetterEntry({ offset: String(i) }));
    await sink.send(entries);
    expect(sqs.commands.map((c) => c.input.Entries?.length)).toEqual([10, 10, 3]);
    expect(sqs.commands[0]?.input.QueueUrl).toBe(QUEUE);
    const bodies = sqs.commands.flatMap((c) => c.input.Entries ?? []).map((e) => JSON.parse(e.MessageBody ?? ''));
    expect(bodies.map((b) => b.offset)).toEqual(entries.map((e) => e.offset));
    expect(bodies[0]).toEqual(JSON.parse(JSON.stringify(entries[0])));
  });

  it('keeps each call within the batch byte limit', () => {
    const bodies = ['a'.repeat(400), 'b'.repeat(400), 'c'.repeat(400)];
    expect(packBatches(bodies, 1_000)).toEqual([[0, 1], [2]]);
  });

  it('fails (retriably) on an entry larger than one SQS message', async () => {
    const sqs = new FakeSqs();
    const sink = createSqsDeadLetterSink({ queueUrl: QUEUE, client: sqs });
    const huge = deadLetterEntry({ value: 'A'.repeat(300 * 1024) });
    const error = await sink.send([huge]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadLetterError);
    expect((error as DeadLetterError).retriable).toBe(true);
    expect((error as Error).message).toMatch(/topic orders partition 2 offset 9007199254740993 is \d+ bytes, over the SQS limit of 262144/);
    expect(sqs.commands).toHaveLength(0);
  });

  it('fails when SQS refuses part of a batch', async () => {
    const sqs = new FakeSqs();
    sqs.failIds = ['1'];
    const sink = createSqsDeadLetterSink({ queueUrl: QUEUE, client: sqs });
    await expect(sink.send([deadLetterEntry(), deadLetterEntry()])).rejects.toThrow(/SQS refused 1 of 2 dead-letter entries \(InternalError: try later\)/);
  });

  it('sets group and deduplication ids on FIFO queues', async () => {
    const sqs = new FakeSqs();
    const sink = createSqsDeadLetterSink({ queueUrl: `${QUEUE}.fifo`, client: sqs });
    await sink.send([deadLetterEntry({ offset: '7' })]);
    expect(sqs.commands[0]?.input.Entries?.[0]).toMatchObject({ MessageGroupId: 'orders-2', MessageDeduplicationId: 'orders-2-7' });
  });

  it('hashes ids longer than SQS allows', async () => {
    const sqs = new FakeSqs();
    const sink = createSqsDeadLetterSink({ queueUrl: `${QUEUE}.fifo`, client: sqs });
    await sink.send([deadLetterEntry({ topic: 't'.repeat(200) })]);
    expect(sqs.commands[0]?.input.Entries?.[0]?.MessageGroupId).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not set FIFO ids on standard queues', async () => {
    const sqs = new FakeSqs();
    await createSqsDeadLetterSink({ queueUrl: QUEUE, client: sqs }).send([deadLetterEntry()]);
    expect(sqs.commands[0]?.input.Entries?.[0]?.MessageGroupId).toBeUndefined();
  });

  it('validates its options', () => {
    expect(() => createSqsDeadLetterSink({ queueUrl: 'not a url' })).toThrow(BatchOptionsError);
    expect(() => createSqsDeadLetterSink({ queueUrl: QUEUE, client: new FakeSqs(), maxBatchBytes: 10 })).toThrow(/maxBatchBytes/);
  });

  it('builds a default client that honours AWS_ENDPOINT_URL_SQS', async () => {
    const requests = await withFakeEndpoint(
      'AWS_ENDPOINT_URL_SQS',
      (request, response) => {
        // The SDK checks each body's MD5 (middleware-sdk-sqs), so the fake computes it.
        const { Entries } = JSON.parse(request.body) as { Entries: { Id: string; MessageBody: string }[] };
        const Successful = Entries.map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}`, MD5OfMessageBody: createHash('md5').update(e.MessageBody).digest('hex') }));
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify({ Successful, Failed: [] }));
      },
      async () => {
        await createSqsDeadLetterSink({ queueUrl: QUEUE }).send([deadLetterEntry(), deadLetterEntry({ offset: '2' })]);
      },
    );
    expect(requests).toHaveLength(1);
    expect(requests[0]?.method).toBe('POST');
    expect(requests[0]?.headers['x-amz-target']).toBe('AmazonSQS.SendMessageBatch');
    expect(JSON.parse(requests[0]?.body ?? '').Entries).toHaveLength(2);
  });
});
