import type { PutObjectCommand, PutObjectCommandOutput } from '@aws-sdk/client-s3';
import { BatchOptionsError } from '../../../../shared/batch/index.ts';
import { createS3DeadLetterSink, type S3PutClient } from '../../../../shared/batch/dead-letter/index.ts';
import { withFakeEndpoint } from './fake-endpoint.ts';
import { deadLetterEntry } from './support.ts';

class FakeS3 implements S3PutClient {
  readonly commands: PutObjectCommand[] = [];

  async send(command: PutObjectCommand): Promise<PutObjectCommandOutput> {
    this.commands.push(command);
    return { $metadata: {} };
  }
}

describe('the S3 dead-letter sink', () => {
  it('writes one JSON object per send, keyed by the first record', async () => {
    const s3 = new FakeS3();
    const sink = createS3DeadLetterSink({ bucket: 'dead-letters', keyPrefix: 'orders/', client: s3 });
    const entries = [deadLetterEntry({ offset: '10' }), deadLetterEntry({ offset: '11' })];
    await sink.send(entries);
    expect(s3.commands).toHaveLength(1);
    const input = s3.commands[0]!.input;
    expect(input.Bucket).toBe('dead-letters');
    expect(input.Key).toMatch(/^orders\/orders\/2\/10-[0-9a-f-]{36}\.json$/);
    expect(input.ContentType).toBe('application/json');
    expect(JSON.parse(String(input.Body))).toEqual({ version: 1, entries: JSON.parse(JSON.stringify(entries)) });
  });

  it('uses the dead-letter/ prefix by default', async () => {
    const s3 = new FakeS3();
    await createS3DeadLetterSink({ bucket: 'dead-letters', client: s3 }).send([deadLetterEntry()]);
    expect(s3.commands[0]?.input.Key).toMatch(/^dead-letter\/orders\/2\//);
  });

  it('writes nothing for no entries', async () => {
    const s3 = new FakeS3();
    await createS3DeadLetterSink({ bucket: 'dead-letters', client: s3 }).send([]);
    expect(s3.commands).toHaveLength(0);
  });

  it('validates its options', () => {
    expect(() => createS3DeadLetterSink({ bucket: '' })).toThrow(BatchOptionsError);
    expect(() => createS3DeadLetterSink({ bucket: 'b', client: new FakeS3() })).toThrow(/bucket/);
  });

  it('builds a default client that honours AWS_ENDPOINT_URL_S3, with path-style addressing', async () => {
    const requests = await withFakeEndpoint(
      'AWS_ENDPOINT_URL_S3',
      (_request, response) => response.writeHead(200, { ETag: '"abc"' }).end(),
      async () => {
        await createS3DeadLetterSink({ bucket: 'dead-letters' }).send([deadLetterEntry()]);
      },
    );
    expect(requests).toHaveLength(1);
    expect(requests[0]?.method).toBe('PUT');
    expect(requests[0]?.url).toMatch(/^\/dead-letters\/dead-letter\/orders\/2\//);
    expect(JSON.parse(requests[0]?.body ?? '').entries).toHaveLength(1);
  });
});
