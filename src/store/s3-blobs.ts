/**
 * The blob store in an S3-compatible bucket: `<prefix><orgId>/sha256/ab/cdef…`, one folder of
 * keys per organisation. An upload goes to a temp key under `<prefix>.tmp/` while its bytes are
 * checked, and is copied into place only once size and SHA-256 hold; the temp key is deleted
 * either way, and `sweep` removes what a killed process left there.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { SetupError } from '../runtime/app.ts';
import { ApiError } from '../runtime/errors.ts';
import type { ReadinessCheck } from '../runtime/ops/index.ts';
import { blobName, digestMismatch, verified, type BlobStore, type ExpectedBlob } from './blobs.ts';
import type { S3BlobOptions } from './s3-config.ts';

/** Where a bucket's blobs and unfinished uploads are. */
export interface S3Keys {
  /** `<prefix><orgId>/sha256/ab/cdef…` */
  blob(orgId: string, sha256: string): string;
  /** `<prefix>.tmp/`: no organisation's folder can be named so (its dots are escaped). */
  readonly temp: string;
}

export function s3Keys(prefix: string): S3Keys {
  return {
    blob: (orgId, sha256) => `${prefix}${orgFolder(orgId)}/${blobName(sha256).join('/')}`,
    temp: `${prefix}.tmp/`,
  };
}

// An organisation id is one key segment whatever it holds: "/" cannot nest it and "." and ".."
// cannot mean a folder to servers that keep keys as files.
function orgFolder(orgId: string): string {
  if (orgId === '') throw new Error('a blob belongs to an organisation');
  return encodeURIComponent(orgId).replaceAll('.', '%2E');
}

/**
 * Opens the bucket (it must exist and answer, else a SetupError) and sweeps unfinished uploads
 * older than `sweepAgeMs` (an hour unless given: other servers may share the bucket).
 */
export async function openS3BlobStore(options: S3BlobOptions & { sweepAgeMs?: number }): Promise<BlobStore> {
  const config: S3ClientConfig = {
    forcePathStyle: options.forcePathStyle,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.region === undefined ? {} : { region: options.region }),
    // The SDK's default sends each upload in aws-chunked encoding with a CRC32 trailer, which not
    // every S3-compatible server reads; uploads carry their SHA-256 in a header instead.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
  };
  const client = new S3Client(config);
  // Called once: an upload (a streamed body cannot be sent twice; its caller retries it) and the
  // readiness probe (which has a second for its answer).
  const once = new S3Client({ ...config, maxAttempts: 1 });
  const bucket = options.bucket;
  const keys = s3Keys(options.prefix);
  const at = options.endpoint === undefined ? '' : ` at ${new URL(options.endpoint).host}`;

  const sweep = async (maxAgeMs = 0): Promise<number> => {
    let removed = 0;
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: keys.temp, ...(token === undefined ? {} : { ContinuationToken: token }) })).catch(unavailable);
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined || Date.now() - (object.LastModified?.getTime() ?? 0) < maxAgeMs) continue;
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: object.Key })).catch(unavailable);
        removed += 1;
      }
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return removed;
  };

  const store: BlobStore = {
    where: `S3 bucket ${bucket}${options.prefix === '' ? '' : `, prefix ${options.prefix}`}${at}`,
    write: async (orgId, chunks, expected, signal) => {
      const target = keys.blob(orgId, expected.sha256);
      const temp = `${keys.temp}${randomBytes(12).toString('hex')}.part`;
      try {
        await putChecked(once, bucket, temp, chunks, expected, signal);
        // Same key means same bytes, so replacing an existing blob is harmless.
        await client.send(new CopyObjectCommand({ Bucket: bucket, Key: target, CopySource: `${bucket}/${temp.split('/').map(encodeURIComponent).join('/')}` })).catch(unavailable);
      } finally {
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: temp })).catch(() => {});
      }
    },
    read: (orgId, sha256, range) => readObject(client, bucket, keys.blob(orgId, sha256), range),
    size: async (orgId, sha256) => {
      const key = keys.blob(orgId, sha256);
      try {
        return (await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ContentLength;
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        return unavailable(error);
      }
    },
    sweep,
    check: (signal) =>
      once.send(new HeadBucketCommand({ Bucket: bucket }), signal === undefined ? {} : { abortSignal: signal }).then(
        (): ReadinessCheck => ({ name: 'blobs', ok: true }),
        (error: unknown): ReadinessCheck => ({ name: 'blobs', ok: false, reason: statusOf(error) === undefined ? 'bucket not reachable' : `bucket not usable (HTTP ${statusOf(error)})` }),
      ),
    close: () => {
      client.destroy();
      once.destroy();
    },
  };

  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
    await sweep(options.sweepAgeMs ?? 3_600_000);
  } catch (error) {
    store.close();
    const status = statusOf(error);
    const reason = status === 404 ? 'no such bucket' : status !== undefined ? `HTTP ${status}` : error instanceof Error ? error.message : String(error);
    throw new SetupError(`cannot use the bucket of TRIDENT_BLOB_S3_BUCKET (${bucket}${at}): ${reason}`, { cause: error });
  }
  return store;
}

/**
 * PUTs the checked chunks to `key`. The body stream fails instead of ending when the bytes are
 * not the expected ones, and S3 itself checks the SHA-256 header; either way the call throws.
 */
async function putChecked(client: S3Client, bucket: string, key: string, chunks: AsyncIterable<Uint8Array>, expected: ExpectedBlob, signal?: AbortSignal): Promise<void> {
  // Mutated by the body as the SDK reads it.
  const check: { outcome: 'pending' | 'passed' | { failed: unknown } } = { outcome: 'pending' };
  async function* body(): AsyncGenerator<Uint8Array> {
    try {
      yield* verified(chunks, expected, signal);
      check.outcome = 'passed';
    } catch (error) {
      check.outcome = { failed: error };
      throw error;
    }
  }
  const checksum = Buffer.from(expected.sha256, 'hex').toString('base64');
  // The SDK neither watches its body for errors nor ends the request on one: a failed check or
  // the caller's signal aborts the request, so nothing waits for bytes that will not come.
  const request = new AbortController();
  const stop = () => request.abort(signal?.reason);
  signal?.addEventListener('abort', stop, { once: true });
  const stream = Readable.from(body()).on('error', (error) => request.abort(error));
  try {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: stream, ContentLength: expected.size, ChecksumSHA256: checksum }), { abortSignal: request.signal });
  } catch (error) {
    // What the check found, or why the caller stopped, says more than how the request then failed.
    if (typeof check.outcome === 'object') throw check.outcome.failed;
    if (signal?.aborted === true) throw signal.reason;
    if ((error as { name?: string }).name === 'BadDigest') throw digestMismatch();
    return unavailable(error);
  } finally {
    signal?.removeEventListener('abort', stop);
    stream.destroy();
  }
  if (check.outcome !== 'passed') throw typeof check.outcome === 'object' ? check.outcome.failed : new Error('the upload ended before its bytes were checked');
}

async function* readObject(client: S3Client, bucket: string, key: string, range?: { start: number; end: number }): AsyncGenerator<Uint8Array> {
  const answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...(range === undefined ? {} : { Range: `bytes=${range.start}-${range.end}` }) })).catch(unavailable);
  yield* answer.Body as AsyncIterable<Uint8Array>;
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

/** A failed call to the bucket: unavailable (retryable) when it did not answer or answered 5xx. */
function unavailable(error: unknown): never {
  const status = statusOf(error);
  if (status === undefined || status >= 500) throw new ApiError('unavailable', 'The blob store is not reachable; try again.');
  throw new ApiError('internal', `The blob store refused the request (HTTP ${status}).`);
}
