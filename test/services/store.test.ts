import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobPath, migrate, openBlobStore, openDatabase, readMigrations, StoreError, toStoreError, type BlobStore } from '../../src/store/index.ts';
import { chunksOf, collect, databases, expectCode, openWorldDatabase } from './harness.ts';
import { SetupError } from '../../src/runtime/app.ts';

const bytes = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyz'.repeat(10));
const sha256 = createHash('sha256').update(bytes).digest('hex');

describe('blob store', () => {
  let dir = '';
  let blobs: BlobStore;
  const temps = () => readdirSync(join(dir, 'tmp'));
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'blobs-'));
    blobs = await openBlobStore(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stores content under sha256/ab/cdef… and reads it whole or by range', async () => {
    await blobs.write(chunksOf(bytes), { size: bytes.length, sha256 });
    expect(existsSync(join(dir, 'sha256', sha256.slice(0, 2), sha256.slice(2)))).toBe(true);
    expect(await blobs.size(sha256)).toBe(bytes.length);
    expect(await collect(blobs.read(sha256))).toEqual(bytes);
    expect((await collect(blobs.read(sha256, { start: 10, end: 19 }))).toString()).toBe('abcdefghij');
    expect(temps()).toEqual([]);
  });

  it.each([
    ['a wrong digest', { size: bytes.length, sha256: 'a'.repeat(64) }, 'invalid_argument'],
    ['too few bytes', { size: bytes.length + 1, sha256 }, 'invalid_argument'],
    ['too many bytes', { size: bytes.length - 1, sha256 }, 'payload_too_large'],
  ] as const)('refuses %s and leaves nothing', async (_, expected, code) => {
    await expectCode(blobs.write(chunksOf(bytes), expected), code);
    expect(await blobs.size(expected.sha256 === sha256 ? 'b'.repeat(64) : expected.sha256)).toBeUndefined();
    expect(temps()).toEqual([]);
  });

  it('removes the temp file when the upload is aborted while waiting for bytes', async () => {
    const controller = new AbortController();
    let firstSent = () => {};
    const sent = new Promise<void>((resolve) => (firstSent = resolve));
    async function* stalled() {
      yield bytes.subarray(0, 10);
      firstSent();
      await new Promise(() => {}); // the client stops sending and never comes back
    }
    const writing = blobs.write(stalled(), { size: 100, sha256: 'c'.repeat(64) }, controller.signal);
    await sent;
    expect(temps()).toHaveLength(1);
    controller.abort(new Error('client went away'));
    await expect(writing).rejects.toThrow('client went away');
    expect(temps()).toEqual([]);
    expect(await blobs.size('c'.repeat(64))).toBeUndefined();
  });

  it('sweeps leftover temp files on open, sparing recent ones when asked', async () => {
    const stale = join(dir, 'tmp', 'left-over.part');
    writeFileSync(stale, 'x');
    const recent = join(dir, 'tmp', 'in-flight.part');
    writeFileSync(recent, 'y');
    utimesSync(stale, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
    await openBlobStore(dir, { sweepAgeMs: 60_000 });
    expect(temps()).toEqual(['in-flight.part']);
    await openBlobStore(dir);
    expect(temps()).toEqual([]);
  });

  it('names blobs by lowercase hex SHA-256 only', () => {
    expect(() => blobPath(dir, '../../etc/passwd')).toThrow();
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
