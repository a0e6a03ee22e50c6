import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { abandoned } from '../../src/store/blobs.ts';
import { migrate, openBlobStore, openDatabase, readMigrations, s3OptionsFromEnv, storeOptionsFromEnv, StoreError, toStoreError, type BlobStore } from '../../src/store/index.ts';
import { openS3BlobStore, s3Keys } from '../../src/store/s3-blobs.ts';
import { chunksOf, collect, databases, expectCode, openWorldDatabase } from './harness.ts';
import { startLocalS3, type LocalS3 } from './local-s3.ts';
import { SetupError } from '../../src/runtime/app.ts';

const bytes = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyz'.repeat(10));
const sha256 = createHash('sha256').update(bytes).digest('hex');

/** One kind of blob store in a test: how to open it and how to look at what it left behind. */
interface BlobVariant {
  open(options?: { sweepAgeMs?: number }): Promise<BlobStore>;
  /** The unfinished uploads, by name. */
  temps(): Promise<string[]>;
  /** Leaves an unfinished upload named `name`, as a killed process would. */
  leaveTemp(name: string): Promise<void>;
  /** Whether the blob is where the layout says, looked at directly. */
  stored(orgId: string, sha256: string): Promise<boolean>;
  /** Whether an upload shows as a temp while its bytes are still coming (S3 lists an object once its PUT completes). */
  showsUploadsInFlight: boolean;
  /**
   * Whether the server may keep part of a PUT the store cancelled, after the store deleted its
   * key: S3 keeps nothing of a PUT that did not complete, s3rver keeps the bytes it had received.
   */
  keepsCancelledUploads: boolean;
  /** Whether each organisation has its own blobs. */
  perOrganisation: boolean;
  close(): Promise<void>;
}

async function folderVariant(): Promise<BlobVariant> {
  const dir = mkdtempSync(join(tmpdir(), 'blobs-'));
  return {
    open: (options) => openBlobStore(dir, options),
    temps: async () => readdirSync(join(dir, 'tmp')),
    leaveTemp: async (name) => writeFileSync(join(dir, 'tmp', name), 'x'),
    stored: async (_orgId, sha) => existsSync(join(dir, 'sha256', sha.slice(0, 2), sha.slice(2))),
    showsUploadsInFlight: true,
    keepsCancelledUploads: false,
    perOrganisation: false,
    close: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function bucketVariant(): Promise<BlobVariant> {
  const s3 = await startLocalS3();
  // The SDK finds its credentials where a server's would be: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
  for (const [name, value] of Object.entries(s3.env())) if (name.startsWith('AWS_')) vi.stubEnv(name, value);
  const prefix = 'imaging/';
  return {
    open: (options) => openS3BlobStore({ ...s3.options(prefix), ...options }),
    temps: async () => (await s3.keys(`${prefix}.tmp/`)).map((key) => key.slice(`${prefix}.tmp/`.length)),
    leaveTemp: async (name) => void (await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: `${prefix}.tmp/${name}`, Body: 'x' }))),
    stored: async (orgId, sha) => (await s3.keys(prefix)).includes(`${prefix}${orgId}/sha256/${sha.slice(0, 2)}/${sha.slice(2)}`),
    showsUploadsInFlight: false,
    keepsCancelledUploads: true,
    perOrganisation: true,
    close: async () => {
      vi.unstubAllEnvs();
      await s3.close();
    },
  };
}

const orgA = 'org_AClinic0000000000000';
const orgB = 'org_BClinic0000000000000';

describe.each([
  { name: 'a folder', start: folderVariant },
  { name: 'an S3 bucket', start: bucketVariant },
])('blob store in $name', ({ start }) => {
  let variant: BlobVariant;
  let blobs: BlobStore;
  beforeAll(async () => {
    variant = await start();
    blobs = await variant.open({ sweepAgeMs: 0 });
  });
  afterAll(() => variant.close());
  /** The unfinished uploads once a refused one is over: none, or none left after a sweep. */
  const leftovers = async (): Promise<string[]> => {
    if (!variant.keepsCancelledUploads) return variant.temps();
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline) {
      await blobs.sweep();
      if ((await variant.temps()).length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return variant.temps();
  };

  it('stores content under sha256/ab/cdef… and reads it whole or by range', async () => {
    await blobs.write(orgA, chunksOf(bytes), { size: bytes.length, sha256 });
    expect(await variant.stored(orgA, sha256)).toBe(true);
    expect(await blobs.size(orgA, sha256)).toBe(bytes.length);
    expect(await collect(blobs.read(orgA, sha256))).toEqual(bytes);
    expect((await collect(blobs.read(orgA, sha256, { start: 10, end: 19 }))).toString()).toBe('abcdefghij');
    expect((await collect(blobs.read(orgA, sha256, { start: bytes.length - 3, end: bytes.length - 1 }))).toString()).toBe('xyz');
    expect(await variant.temps()).toEqual([]);
  });

  it('keeps blobs per organisation where the store says so', async () => {
    await blobs.write(orgA, chunksOf(bytes), { size: bytes.length, sha256 });
    expect(await blobs.size(orgB, sha256)).toBe(variant.perOrganisation ? undefined : bytes.length);
    expect(await variant.stored(orgB, sha256)).toBe(!variant.perOrganisation);
  });

  it.each([
    ['a wrong digest', { size: bytes.length, sha256: 'a'.repeat(64) }, 'invalid_argument'],
    ['too few bytes', { size: bytes.length + 1, sha256: 'b'.repeat(64) }, 'invalid_argument'],
    ['too few bytes of the right prefix', { size: bytes.length + 1, sha256 }, 'invalid_argument'],
    ['too many bytes', { size: bytes.length - 1, sha256: 'd'.repeat(64) }, 'payload_too_large'],
  ] as const)('refuses %s and leaves nothing', async (_, expected, code) => {
    await expectCode(blobs.write(orgB, chunksOf(bytes), expected), code);
    expect(await blobs.size(orgB, expected.sha256)).toBe(expected.sha256 === sha256 && !variant.perOrganisation ? bytes.length : undefined);
    expect(await leftovers()).toEqual([]);
  });

  it('removes the unfinished upload when it is aborted while waiting for bytes', async () => {
    const controller = new AbortController();
    let firstSent = () => {};
    const sent = new Promise<void>((resolve) => (firstSent = resolve));
    async function* stalled() {
      yield bytes.subarray(0, 10);
      firstSent();
      await new Promise(() => {}); // the client stops sending and never comes back
    }
    const writing = blobs.write(orgA, stalled(), { size: 100, sha256: 'c'.repeat(64) }, controller.signal);
    await sent;
    if (variant.showsUploadsInFlight) expect(await variant.temps()).toHaveLength(1);
    controller.abort(new Error('client went away'));
    await expect(writing).rejects.toThrow('client went away');
    expect(await leftovers()).toEqual([]);
    expect(await blobs.size(orgA, 'c'.repeat(64))).toBeUndefined();
  });

  it('sweeps leftover uploads on open, sparing recent ones when asked', async () => {
    await variant.leaveTemp('left-over.part');
    // Long enough for S3's LastModified, which has whole seconds.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    await variant.leaveTemp('in-flight.part');
    await variant.open({ sweepAgeMs: 1500 });
    expect(await variant.temps()).toEqual(['in-flight.part']);
    expect(await blobs.sweep()).toBe(1);
    expect(await variant.temps()).toEqual([]);
  });

  it('names blobs by lowercase hex SHA-256 only', async () => {
    await expect(async () => blobs.size(orgA, '../../etc/passwd')).rejects.toThrow('a blob name is a lowercase hexadecimal SHA-256');
    await expect(blobs.write(orgA, chunksOf(bytes), { size: bytes.length, sha256: '../../etc/passwd' })).rejects.toThrow('a blob name is a lowercase hexadecimal SHA-256');
  });

  it('is ready while it can be used', async () => {
    expect(await blobs.check()).toEqual({ name: 'blobs', ok: true });
  });
});

describe('blob store in an S3 bucket, beyond the shared behaviour', () => {
  let s3: LocalS3;
  beforeAll(async () => {
    s3 = await startLocalS3('trident-more');
    for (const [name, value] of Object.entries(s3.env())) if (name.startsWith('AWS_')) vi.stubEnv(name, value);
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await s3?.close();
  });

  it('keeps an organisation id one key segment, whatever characters it holds', () => {
    const keys = s3Keys('p/');
    expect(keys.blob('org_A', sha256)).toBe(`p/org_A/sha256/${sha256.slice(0, 2)}/${sha256.slice(2)}`);
    expect(keys.blob('../x/..', sha256)).toBe(`p/%2E%2E%2Fx%2F%2E%2E/sha256/${sha256.slice(0, 2)}/${sha256.slice(2)}`);
    expect(keys.blob('.tmp', sha256).startsWith(keys.temp)).toBe(false);
    expect(() => keys.blob('', sha256)).toThrow('organisation');
  });

  it('refuses to open a bucket that does not exist, naming the variable', async () => {
    const opening = openS3BlobStore({ ...s3.options(), bucket: 'no-such-bucket' });
    await expect(opening).rejects.toBeInstanceOf(SetupError);
    await expect(opening).rejects.toThrow(/^cannot use the bucket of TRIDENT_BLOB_S3_BUCKET \(no-such-bucket at 127\.0\.0\.1:\d+\): no such bucket$/);
  });

  it('turns not ready once the server is gone, naming no host or bucket; calls answer unavailable', async () => {
    const other = await startLocalS3('trident-gone');
    const store = await openS3BlobStore(other.options());
    await store.write(orgA, chunksOf(bytes), { size: bytes.length, sha256 });
    await other.close();
    const check = await store.check();
    expect(check).toEqual({ name: 'blobs', ok: false, reason: 'bucket not reachable' });
    await expectCode(store.size(orgA, sha256), 'unavailable');
    await expectCode(collect(store.read(orgA, sha256)), 'unavailable');
    await expectCode(store.write(orgA, chunksOf(bytes), { size: bytes.length, sha256 }), 'unavailable');
  });
});

describe('blob store settings from the environment', () => {
  const endpoint = 'http://127.0.0.1:9000';

  it('keeps blobs in a folder without a bucket, and in the bucket with one', () => {
    expect(storeOptionsFromEnv({ TRIDENT_DATA_DIR: '/data' })).toEqual({ pgliteDir: '/data/db', blobDir: '/data/blobs' });
    expect(storeOptionsFromEnv({ TRIDENT_DATA_DIR: '/data', TRIDENT_BLOB_S3_BUCKET: 'clinic-images', TRIDENT_BLOB_S3_ENDPOINT: `${endpoint}/`, TRIDENT_BLOB_S3_PREFIX: 'imaging/', TRIDENT_BLOB_SWEEP_AGE: '600' })).toEqual({
      pgliteDir: '/data/db',
      s3: { bucket: 'clinic-images', prefix: 'imaging/', endpoint, region: 'us-east-1', forcePathStyle: true },
      blobSweepAgeMs: 600_000,
    });
    expect(s3OptionsFromEnv({ TRIDENT_BLOB_S3_BUCKET: 'clinic-images', AWS_REGION: 'eu-central-1' })).toEqual({ bucket: 'clinic-images', prefix: '', forcePathStyle: false });
    expect(s3OptionsFromEnv({ TRIDENT_BLOB_S3_BUCKET: 'clinic-images', TRIDENT_BLOB_S3_REGION: 'eu-central-1', TRIDENT_BLOB_S3_PATH_STYLE: 'on' })).toEqual({ bucket: 'clinic-images', prefix: '', region: 'eu-central-1', forcePathStyle: true });
  });

  it.each([
    [{ TRIDENT_BLOB_S3_ENDPOINT: endpoint }, /^TRIDENT_BLOB_S3_ENDPOINT is set but TRIDENT_BLOB_S3_BUCKET is not/],
    [{ TRIDENT_BLOB_S3_BUCKET: 'Clinic_Images' }, /^TRIDENT_BLOB_S3_BUCKET=Clinic_Images is not a bucket name/],
    [{ TRIDENT_BLOB_S3_BUCKET: 'images', TRIDENT_BLOB_DIR: '/blobs' }, /^TRIDENT_BLOB_DIR and TRIDENT_BLOB_S3_BUCKET are both set/],
    [{ TRIDENT_BLOB_S3_BUCKET: 'images', TRIDENT_BLOB_S3_ENDPOINT: '127.0.0.1:9000' }, /^TRIDENT_BLOB_S3_ENDPOINT is not an http or https URL/],
    [{ TRIDENT_BLOB_S3_BUCKET: 'images', TRIDENT_BLOB_S3_ENDPOINT: 'http://key:pw-secret@127.0.0.1:9000' }, /^TRIDENT_BLOB_S3_ENDPOINT carries credentials/],
    [{ TRIDENT_BLOB_S3_BUCKET: 'images', TRIDENT_BLOB_S3_PREFIX: 'imaging' }, /^TRIDENT_BLOB_S3_PREFIX="imaging" is not a key prefix/],
    [{ TRIDENT_BLOB_S3_BUCKET: 'images', TRIDENT_BLOB_S3_PREFIX: 'a/../b/' }, /^TRIDENT_BLOB_S3_PREFIX="a\/\.\.\/b\/" is not a key prefix/],
    [{ TRIDENT_BLOB_S3_BUCKET: 'images', TRIDENT_BLOB_S3_PREFIX: '/imaging/' }, /^TRIDENT_BLOB_S3_PREFIX="\/imaging\/" is not a key prefix/],
    [{ TRIDENT_BLOB_S3_BUCKET: 'images', TRIDENT_BLOB_S3_REGION: 'EU Central' }, /^TRIDENT_BLOB_S3_REGION=EU Central is not a region name/],
    [{ TRIDENT_BLOB_S3_BUCKET: 'images', TRIDENT_BLOB_S3_PATH_STYLE: 'yes' }, /^TRIDENT_BLOB_S3_PATH_STYLE=yes is not on or off/],
    [{ TRIDENT_BLOB_SWEEP_AGE: '-1' }, /^TRIDENT_BLOB_SWEEP_AGE=-1 is not a number of seconds/],
    [{ TRIDENT_BLOB_SWEEP_AGE: '1e3' }, /^TRIDENT_BLOB_SWEEP_AGE=1e3 is not a number of seconds/],
  ])('refuses %o with one line naming the variable', (env, message) => {
    const reading = () => storeOptionsFromEnv(env);
    expect(reading).toThrow(SetupError);
    expect(reading).toThrow(message);
    expect(reading).not.toThrow(/pw-secret|\n/);
  });
});

describe('database errors', () => {
  it('cannot be opened on a server that cannot be reached: a SetupError naming where and why, without credentials', async () => {
    const opening = openDatabase({ databaseUrl: 'postgres://nobody:pw-secret@127.0.0.1:1/none' });
    await expect(opening).rejects.toBeInstanceOf(SetupError);
    await expect(opening).rejects.toThrow(/^cannot use the PostgreSQL database of DATABASE_URL \(127\.0\.0\.1:1\/none\): .*ECONNREFUSED/);
    await expect(opening).rejects.not.toThrow(/pw-secret/);
  });

  it('map deadlocks and serialization failures to a retryable conflict', () => {
    for (const code of ['40001', '40P01']) expect(toStoreError({ code, message: 'x' })).toMatchObject({ code: 'conflict', retryable: true });
    expect(toStoreError({ code: 'ECONNREFUSED' })).toMatchObject({ code: 'unavailable' });
  });

  it('map text the database cannot hold to invalid_argument, never a retryable failure', () => {
    for (const code of ['22P05', '22021']) expect(toStoreError({ code, message: 'unsupported Unicode escape sequence' })).toMatchObject({ code: 'invalid_argument', retryable: false });
  });
});

describe.each(databases)('the database on $name', ({ name }) => {
  let opened: Awaited<ReturnType<typeof openWorldDatabase>>;
  beforeAll(async () => {
    opened = await openWorldDatabase(name, { empty: true });
  });
  afterAll(async () => {
    await opened.db.close().catch(() => {});
    await opened.drop();
  });

  it('applies the migrations in order once, each recorded, and rolls back a failing one whole', async () => {
    const { db } = opened;
    const versions = readMigrations().map((migration) => migration.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(await migrate(db)).toEqual(readMigrations().map((migration) => migration.name));
    expect(await migrate(db)).toEqual([]);
    const broken = [{ version: 900, name: '900_broken.sql', sql: 'CREATE TABLE half_done (id int); SELECT no_such_function();' }];
    await expect(migrate(db, broken)).rejects.toBeInstanceOf(StoreError);
    expect(await db.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done'")).toEqual([]);
    const recorded = await db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY version');
    expect(recorded.map((row) => row.name)).toEqual(readMigrations().map((migration) => migration.name));
  });

  it('reports a failed statement with neither row values nor parameters', async () => {
    const { db } = opened;
    await db.exec('CREATE TABLE patients (id text PRIMARY KEY)');
    await db.query('INSERT INTO patients VALUES ($1)', ['P-SECRET-42']);
    const failure = await db.query('INSERT INTO patients VALUES ($1)', ['P-SECRET-42']).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StoreError);
    expect(failure).toMatchObject({ sqlState: '23505', constraint: 'patients_pkey' });
    expect(JSON.stringify(failure) + String(failure)).not.toContain('P-SECRET-42');
  });

  it('rolls a failed transaction back', async () => {
    const { db } = opened;
    await expect(db.transaction(async (tx) => {
      await tx.query('INSERT INTO patients VALUES ($1)', ['P-ROLLED-BACK']);
      throw new Error('changed my mind');
    })).rejects.toThrow('changed my mind');
    expect(await db.query('SELECT id FROM patients WHERE id = $1', ['P-ROLLED-BACK'])).toEqual([]);
  });

  it('delivers a NOTIFY to listeners once its transaction commits', async () => {
    const { db } = opened;
    const heard: string[] = [];
    let arrived = () => {};
    const first = new Promise<void>((resolve) => (arrived = resolve));
    const stop = await db.listen('store_test', (payload) => {
      heard.push(payload);
      arrived();
    });
    await db.transaction(async (tx) => {
      await tx.query('SELECT pg_notify($1, $2)', ['store_test', 'stu_1']);
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(heard).toEqual([]);
    });
    await first;
    expect(heard).toEqual(['stu_1']);
    await stop();
  });

  it('answers unavailable once closed', async () => {
    await opened.db.close();
    await expectCode(opened.db.query('SELECT 1'), 'unavailable');
  });
});

describe('which temp files a sweep of a shared blob folder removes', () => {
  const self = { host: 'replica-a', pid: 4242, boot: 'aaaa0001' };
  const hour = 3_600_000;
  it.each([
    ['an upload this process is writing', 'replica-a~4242~aaaa0001.0f.part', 10 * hour, 0, false],
    ['one of an earlier run with the same process id (a restarted container)', 'replica-a~4242~bbbb0002.0f.part', 0, 0, true],
    ['one of a live process of this host (another replica starting beside it)', `replica-a~${process.pid}~cccc0003.0f.part`, 10 * hour, 0, false],
    ['one of a process of this host that is gone', 'replica-a~999999999~cccc0003.0f.part', 0, 0, true],
    ['one of another host, younger than an hour', 'replica-b~1~dddd0004.0f.part', hour - 1, 0, false],
    ['one of another host, older than an hour', 'replica-b~1~dddd0004.0f.part', hour, 0, true],
    ['one of another host, older than an hour but younger than the sweep age', 'replica-b~1~dddd0004.0f.part', 2 * hour, 3 * hour, false],
    ['a name without an owner, older than the sweep age', '0f1e2d.part', 10, 5, true],
    ['a name without an owner, younger than the sweep age', '0f1e2d.part', 1, 5, false],
  ] as const)('%s: %s', (_, name, ageMs, maxAgeMs, removed) => {
    expect(abandoned(name, ageMs, maxAgeMs, self)).toBe(removed);
  });
});
