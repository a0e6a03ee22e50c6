/**
 * The S3-compatible blob store's settings, read from the environment. Reading them loads no SDK,
 * so a server without object storage never loads it; a value that cannot be used stops the
 * set-up with one line naming the variable.
 */
import { SetupError } from '../runtime/app.ts';

/** Where and how the blobs are kept in an S3-compatible bucket. */
export interface S3BlobOptions {
  bucket: string;
  /** Put before every key: empty, or ending in `/` (e.g. `imaging/`). */
  prefix: string;
  /** An S3-compatible server's URL; absent means AWS S3 of `region`. */
  endpoint?: string;
  /** Absent: the AWS SDK's own (`AWS_REGION`, the shared config file). */
  region?: string;
  /** Bucket in the path (`<endpoint>/<bucket>/<key>`) rather than in the host name. */
  forcePathStyle: boolean;
}

const variables = ['TRIDENT_BLOB_S3_ENDPOINT', 'TRIDENT_BLOB_S3_PREFIX', 'TRIDENT_BLOB_S3_REGION', 'TRIDENT_BLOB_S3_PATH_STYLE'] as const;

/** S3's rule for bucket names (dots allowed, as S3-compatible servers do). */
const bucketName = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** The settings of `TRIDENT_BLOB_S3_*`, or undefined when no bucket is set (blobs in a folder). */
export function s3OptionsFromEnv(env: NodeJS.ProcessEnv): S3BlobOptions | undefined {
  const bucket = env.TRIDENT_BLOB_S3_BUCKET ?? '';
  if (bucket === '') {
    const stray = variables.find((name) => (env[name] ?? '') !== '');
    if (stray !== undefined) throw new SetupError(`${stray} is set but TRIDENT_BLOB_S3_BUCKET is not: set the bucket to keep blobs in object storage`);
    return undefined;
  }
  if (!bucketName.test(bucket)) throw new SetupError(`TRIDENT_BLOB_S3_BUCKET=${bucket} is not a bucket name: 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit`);
  if ((env.TRIDENT_BLOB_DIR ?? '') !== '') throw new SetupError('TRIDENT_BLOB_DIR and TRIDENT_BLOB_S3_BUCKET are both set: blobs go to a folder or to a bucket, set one');
  const endpoint = endpointOf(env.TRIDENT_BLOB_S3_ENDPOINT ?? '');
  const options: S3BlobOptions = { bucket, prefix: prefixOf(env.TRIDENT_BLOB_S3_PREFIX ?? ''), forcePathStyle: pathStyleOf(env.TRIDENT_BLOB_S3_PATH_STYLE ?? '', endpoint !== undefined) };
  if (endpoint !== undefined) options.endpoint = endpoint;
  const region = regionOf(env.TRIDENT_BLOB_S3_REGION ?? '') ?? (endpoint !== undefined && !env.AWS_REGION ? 'us-east-1' : undefined);
  if (region !== undefined) options.region = region;
  return options;
}

function endpointOf(value: string): string | undefined {
  if (value === '') return undefined;
  // The value is not repeated: a URL may carry credentials.
  const wrong = 'TRIDENT_BLOB_S3_ENDPOINT is not an http or https URL of a server (e.g. http://127.0.0.1:9000)';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SetupError(wrong);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new SetupError(wrong);
  if (url.username !== '' || url.password !== '') throw new SetupError('TRIDENT_BLOB_S3_ENDPOINT carries credentials: give them as AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
  if (url.search !== '' || url.hash !== '') throw new SetupError('TRIDENT_BLOB_S3_ENDPOINT has a query or a fragment: give the server\'s URL only');
  return url.toString().replace(/\/$/, '');
}

function prefixOf(value: string): string {
  if (value === '') return '';
  const segments = value.split('/').slice(0, -1);
  const usable = value.length <= 512 && value.endsWith('/') && !value.startsWith('/') && segments.every((segment) => segment !== '' && segment !== '.' && segment !== '..') && !/\p{Cc}/u.test(value);
  if (!usable) throw new SetupError(`TRIDENT_BLOB_S3_PREFIX=${JSON.stringify(value)} is not a key prefix: folder names each followed by "/", no leading "/", no empty, "." or ".." name (e.g. imaging/)`);
  return value;
}

function regionOf(value: string): string | undefined {
  if (value === '') return undefined;
  if (!/^[a-z0-9-]{1,64}$/.test(value)) throw new SetupError(`TRIDENT_BLOB_S3_REGION=${value} is not a region name (e.g. eu-central-1)`);
  return value;
}

function pathStyleOf(value: string, hasEndpoint: boolean): boolean {
  if (value === '') return hasEndpoint;
  if (value === 'on' || value === 'off') return value === 'on';
  throw new SetupError(`TRIDENT_BLOB_S3_PATH_STYLE=${value} is not on or off`);
}

/** `TRIDENT_BLOB_SWEEP_AGE` in milliseconds: unfinished uploads older than this are removed on start. */
export function sweepAgeFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const value = env.TRIDENT_BLOB_SWEEP_AGE ?? '';
  if (value === '') return undefined;
  const seconds = /^\d{1,7}$/.test(value) ? Number(value) : Number.NaN;
  if (!(seconds <= 604_800)) throw new SetupError(`TRIDENT_BLOB_SWEEP_AGE=${value} is not a number of seconds from 0 to 604800 (a week)`);
  return seconds * 1000;
}
