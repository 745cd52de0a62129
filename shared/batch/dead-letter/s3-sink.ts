import { randomUUID } from 'node:crypto';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { PutObjectCommandOutput } from '@aws-sdk/client-s3';
import * as z from 'zod/mini';
import { awsClientConfig } from '../../aws/index.ts';
import { parseOptions } from '../parse-options.ts';
import type { DeadLetterSink } from './types.ts';

/** The part of `S3Client` the sink uses (so tests can pass a fake). */
export interface S3PutClient {
  send(command: PutObjectCommand): Promise<PutObjectCommandOutput>;
}

export interface S3DeadLetterSinkOptions {
  readonly bucket: string;
  /** @default 'dead-letter/' */
  readonly keyPrefix?: string;
  /**
   * @default a new `S3Client` (honours `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL`, with
   * path-style addressing when an endpoint override is set)
   */
  readonly client?: S3PutClient;
}

const optionsSchema = z.strictObject({
  bucket: z.string().check(z.minLength(3), z.maxLength(63)),
  keyPrefix: z.optional(z.string().check(z.maxLength(512))),
  client: z.optional(
    z.custom<S3PutClient>((v) => typeof v === 'object' && v !== null && typeof (v as { send?: unknown }).send === 'function', {
      message: 'expected an S3 client with send()',
    }),
  ),
});

/** Version of the JSON document the S3 sink writes. */
export const S3_DEAD_LETTER_FORMAT_VERSION = 1;

/**
 * Writes each `send` call as one JSON object, `{ "version": 1, "entries": [...] }`, at
 * `<keyPrefix><topic>/<partition>/<first offset>-<uuid>.json`. No size limit applies, which
 * makes it the sink for large records.
 *
 * @example
 * const sink = createS3DeadLetterSink({ bucket: 'orders-dead-letters' });
 */
export function createS3DeadLetterSink(options: S3DeadLetterSinkOptions): DeadLetterSink {
  parseOptions(optionsSchema, options);
  const { bucket } = options;
  const keyPrefix = options.keyPrefix ?? 'dead-letter/';
  const client: S3PutClient = options.client ?? new S3Client(awsClientConfig('S3'));
  return {
    async send(entries) {
      const first = entries[0];
      if (first === undefined) return;
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: `${keyPrefix}${first.topic}/${first.partition}/${first.offset}-${randomUUID()}.json`,
          Body: JSON.stringify({ version: S3_DEAD_LETTER_FORMAT_VERSION, entries }),
          ContentType: 'application/json',
        }),
      );
    },
  };
}
