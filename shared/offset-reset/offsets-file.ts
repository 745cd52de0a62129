import { awsClientConfig } from '../aws/index.ts';
import { parseOffsetsCsv } from './csv.ts';
import { OffsetResetInputError, ResetPlanError } from './errors.ts';
import type { OffsetsFileSource, TopicPartitionOffset } from './types.ts';

/** Reads an S3 object as UTF-8 text; injectable so tests and callers can supply their own client. */
export type ReadS3Object = (bucket: string, key: string) => Promise<string>;

// Replaced by `true`/`false` when bundling (infra/lib/bundling.ts `OPTIONAL_CLIENT_DEFINES`):
// without `offsetReset.offsetFiles` in the declaration the function has no S3 permission
// and is bundled without the S3 client. Unbundled, the identifier is undeclared and S3 loads.
declare const __SCG_OFFSET_FILES_S3__: boolean | undefined;

/**
 * Reads objects with `@aws-sdk/client-s3` (loaded on first use, so functions that never
 * read a file do not pay for it at cold start). The endpoint comes from the environment
 * (`AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL`); `awsClientConfig('S3')` adds path-style
 * addressing for emulators.
 *
 * @example
 * const read = s3ObjectReader();
 * const csv = await read('ops-bucket', 'resets/email.csv');
 */
export function s3ObjectReader(): ReadS3Object {
  let client: Promise<{ read: ReadS3Object }> | undefined;
  return async (bucket, key) => {
    // The import must sit inside the branch the bundler folds away.
    if (typeof __SCG_OFFSET_FILES_S3__ === 'undefined' || __SCG_OFFSET_FILES_S3__) {
      client ??= import('@aws-sdk/client-s3').then(({ S3Client, GetObjectCommand }) => {
        const s3 = new S3Client(awsClientConfig('S3'));
        return {
          async read(b: string, k: string): Promise<string> {
            const out = await s3.send(new GetObjectCommand({ Bucket: b, Key: k }));
            if (!out.Body) throw new Error('empty body');
            return out.Body.transformToString('utf-8');
          },
        };
      });
      return (await client).read(bucket, key);
    }
    throw new OffsetResetInputError([
      {
        field: 'strategy.fromFile',
        message: `cannot read s3://${bucket}/${key}: this function was bundled without S3 access (the declaration has no offsetReset.offsetFiles); declare the bucket there, or pass the file inline`,
      },
    ]);
  };
}

// Errors that name a bad input (wrong bucket, key or permissions) rather than a transient failure.
const NOT_RETRIABLE = new Set(['NoSuchKey', 'NoSuchBucket', 'AccessDenied', 'InvalidBucketName', 'NotFound']);

/**
 * The rows of a `fromFile` strategy for `groupId`, from inline text or S3.
 *
 * @example
 * await loadOffsetsFile({ kind: 'inline', csv: 'orders,0,42\n' }, 'email');
 */
export async function loadOffsetsFile(source: OffsetsFileSource, groupId: string, read: ReadS3Object = s3ObjectReader()): Promise<TopicPartitionOffset[]> {
  if (source.kind === 'inline') return parseOffsetsCsv(source.csv, groupId);
  const uri = `s3://${source.bucket}/${source.key}`;
  let text: string;
  try {
    text = await read(source.bucket, source.key);
  } catch (error) {
    if (error instanceof OffsetResetInputError) throw error;
    const name = error instanceof Error ? error.name : '';
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    if (NOT_RETRIABLE.has(name)) throw new OffsetResetInputError([{ field: 'strategy.fromFile', message: `cannot read ${uri} (${detail})` }]);
    throw new ResetPlanError(`reading ${uri} failed (${detail})`, { retriable: true, cause: error });
  }
  return parseOffsetsCsv(text, groupId, `strategy.fromFile (${uri})`);
}
