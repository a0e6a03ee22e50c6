import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { S3BlobOptions } from '../../src/store/index.ts';

interface S3rverServer {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverServer;

/** s3rver's fixed account: its access key id and secret are both this. */
const account = 'S3RVER';

/** A local S3-protocol server with one bucket, and what a store or a server needs to use it. */
export interface LocalS3 {
  endpoint: string;
  bucket: string;
  /** The store's settings, with `prefix`. */
  options(prefix?: string): S3BlobOptions;
  /** The environment that points `trident serve` at the bucket, credentials included. */
  env(prefix?: string): Record<string, string>;
  /** A client of the bucket, to look at what the store wrote. */
  client: S3Client;
  /** The keys under `prefix`. */
  keys(prefix: string): Promise<string[]>;
  /** Stops the server, keeping its objects; `start` brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts s3rver (`@20minutes/s3rver`, an S3 server in Node that keeps objects as files) on a free
 * loopback port with its files in a temp folder. It is told not to check request signatures: it
 * signs bucket-level requests over another path than the SDK does (`/bucket` for `/bucket/`).
 */
export async function startLocalS3(bucket = 'trident-test'): Promise<LocalS3> {
  const S3rver = createRequire(import.meta.url)('@20minutes/s3rver') as S3rverClass;
  const directory = mkdtempSync(join(tmpdir(), 'trident-s3-'));
  const serve = async (port: number) => {
    const server = new S3rver({ address: '127.0.0.1', port, silent: true, directory, allowMismatchedSignatures: true, configureBuckets: [{ name: bucket }] });
    return { server, port: (await server.run()).port };
  };
  let { server, port } = await serve(0);
  let running = true;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: account, secretAccessKey: account } });
  return {
    endpoint,
    bucket,
    options: (prefix = '') => ({ bucket, prefix, endpoint, region: 'us-east-1', forcePathStyle: true }),
    env: (prefix = '') => ({ TRIDENT_BLOB_S3_BUCKET: bucket, TRIDENT_BLOB_S3_ENDPOINT: endpoint, TRIDENT_BLOB_S3_PREFIX: prefix, AWS_ACCESS_KEY_ID: account, AWS_SECRET_ACCESS_KEY: account }),
    client,
    keys: async (prefix) => ((await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))).Contents ?? []).map((object) => object.Key ?? ''),
    stop: async () => {
      running = false;
      await server.close();
    },
    start: async () => {
      ({ server } = await serve(port));
      running = true;
    },
    close: async () => {
      client.destroy();
      if (running) await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
