import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { constants, createReadStream } from 'node:fs';
import { access, mkdir, open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError } from '../runtime/errors.ts';
import type { ByteRange } from '../runtime/handler.ts';
import type { ReadinessCheck } from '../runtime/ops/index.ts';

/** What a write must produce; anything else is rejected and leaves nothing behind. */
export interface ExpectedBlob {
  size: number;
  /** Lowercase hexadecimal SHA-256. */
  sha256: string;
}

/**
 * A content-addressed store of immutable byte strings, named by their SHA-256 and kept per
 * organisation (`orgId`), the organisation whose image the bytes are.
 */
export interface BlobStore {
  /** Where the blobs are, for the server's banner (a folder, or a bucket and prefix). */
  readonly where: string;
  /** Streams `chunks` in, checks size and digest, and only then makes the blob visible, at once. */
  write(orgId: string, chunks: AsyncIterable<Uint8Array>, expected: ExpectedBlob, signal?: AbortSignal): Promise<void>;
  /** The bytes of a blob, or the inclusive `range` of them. */
  read(orgId: string, sha256: string, range?: ByteRange): AsyncIterable<Uint8Array>;
  /** The size of a stored blob, undefined when there is none. */
  size(orgId: string, sha256: string): Promise<number | undefined>;
  /** Deletes unfinished uploads older than `maxAgeMs` (what a crash or kill left); returns how many. */
  sweep(maxAgeMs?: number): Promise<number>;
  /** Whether blobs can be read and written now; the reason names no path, host or bucket. */
  check(signal?: AbortSignal): Promise<ReadinessCheck>;
  /** Lets go of connections; the store is not used afterwards. */
  close(): void;
}

const hexDigest = /^[0-9a-f]{64}$/;

/** `sha256/ab/cdef…`: two levels keep directories (and listings) small. */
export function blobName(sha256: string): string[] {
  if (!hexDigest.test(sha256)) throw new Error('a blob name is a lowercase hexadecimal SHA-256');
  return ['sha256', sha256.slice(0, 2), sha256.slice(2)];
}

/** `<dir>/sha256/ab/cdef…`. */
export function blobPath(dir: string, sha256: string): string {
  return join(dir, ...blobName(sha256));
}

/**
 * Opens (creating) a filesystem blob store and sweeps the temp files left from a previous run.
 * Temp files live in `<dir>/tmp`, on the same filesystem as the blobs, so the final rename is
 * atomic. Several processes may share the directory: see `abandoned` for which temp files a sweep removes.
 *
 * The folder keeps one layout for every organisation: the database row of an image, found only
 * within its organisation, is what leads to its bytes, and data directories written before blobs
 * were kept per organisation keep working as they are.
 */
export async function openBlobStore(dir: string, options: { sweepAgeMs?: number } = {}): Promise<BlobStore> {
  const tmp = join(dir, 'tmp');
  await mkdir(tmp, { recursive: true });
  await mkdir(join(dir, 'sha256'), { recursive: true });
  const store: BlobStore = {
    where: `folder ${dir}`,
    write: (_orgId, chunks, expected, signal) => writeBlob(dir, tmp, chunks, expected, signal),
    read: (_orgId, sha256, range) => createReadStream(blobPath(dir, sha256), range === undefined ? {} : { start: range.start, end: range.end }),
    size: async (_orgId, sha256) => (await stat(blobPath(dir, sha256)).catch(() => undefined))?.size,
    sweep: async (maxAgeMs = 0) => {
      let removed = 0;
      for (const name of await readdir(tmp)) {
        const info = await stat(join(tmp, name)).catch(() => undefined);
        if (info === undefined || !abandoned(name, Date.now() - info.mtimeMs, maxAgeMs)) continue;
        await rm(join(tmp, name), { force: true });
        removed += 1;
      }
      return removed;
    },
    check: () =>
      access(dir, constants.R_OK | constants.W_OK).then(
        (): ReadinessCheck => ({ name: 'blobs', ok: true }),
        (error: NodeJS.ErrnoException): ReadinessCheck => ({ name: 'blobs', ok: false, reason: `folder not usable (${error.code ?? 'error'})` }),
      ),
    close: () => {},
  };
  await store.sweep(options.sweepAgeMs ?? 0);
  return store;
}

/**
 * Who writes a temp file, in its name: `<host>~<pid>~<boot>`. Replicas may share the folder (one
 * volume), and a replica that starts must not sweep the upload another one is writing: a file of
 * a live process of this host is left alone, one of a process of this host that is gone (or of an
 * earlier run with this process id, as a restarted container's pid 1) is removed at once, and one
 * of another host only when older than an hour and the sweep's age. A name without an owner
 * (written before owners were named) is judged by age alone.
 */
const hostName = hostname().replace(/[^A-Za-z0-9-]/g, '-').slice(0, 64) || 'host';
const boot = randomBytes(4).toString('hex');
const tempOwner = `${hostName}~${process.pid}~${boot}`;
const otherHostAgeMs = 3_600_000;

/** Whether the temp file `name`, `ageMs` old, was left by an upload that will never finish. */
export function abandoned(name: string, ageMs: number, maxAgeMs: number, self = { host: hostName, pid: process.pid, boot }): boolean {
  const owner = /^([A-Za-z0-9-]+)~(\d+)~([0-9a-f]+)\./.exec(name);
  if (owner === null) return ageMs >= maxAgeMs;
  const [, host, pidText, ownerBoot] = owner;
  if (host !== self.host) return ageMs >= Math.max(maxAgeMs, otherHostAgeMs);
  const pid = Number(pidText);
  if (pid === self.pid) return ownerBoot !== self.boot;
  return !processAlive(pid);
}

/** Whether a process of this host exists (never for pid 0 or less, which kill() reads as a group). */
export function processAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function writeBlob(dir: string, tmp: string, chunks: AsyncIterable<Uint8Array>, expected: ExpectedBlob, signal?: AbortSignal): Promise<void> {
  const target = blobPath(dir, expected.sha256);
  const temp = join(tmp, `${tempOwner}.${randomBytes(12).toString('hex')}.part`);
  let file: FileHandle | undefined = await open(temp, 'wx');
  try {
    for await (const chunk of verified(chunks, expected, signal)) await file.write(chunk);
    await file.sync();
    await file.close();
    file = undefined;
    await mkdir(join(target, '..'), { recursive: true });
    // Same name means same bytes, so replacing an existing blob is harmless.
    await rename(temp, target);
    await syncDirectory(join(target, '..'));
  } finally {
    await file?.close().catch(() => {});
    await rm(temp, { force: true });
  }
}

// The rename is durable only once the directory entry is on disk too.
async function syncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r').catch(() => undefined);
  await handle?.sync().catch(() => {});
  await handle?.close();
}

/**
 * Passes the chunks of an upload on while checking them: it throws as soon as there are more
 * bytes than expected, and after the last chunk, before it ends, when the size or the SHA-256
 * differs. A consumer that stores what it was given therefore sees the stream fail, never end,
 * unless the bytes are the expected ones.
 */
export async function* verified(chunks: AsyncIterable<Uint8Array>, expected: ExpectedBlob, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of abortable(chunks, signal)) {
    size += chunk.byteLength;
    // Stop reading as soon as the body is too long: nothing more of it can be right.
    if (size > expected.size) throw new ApiError('payload_too_large', `The body is larger than the registered ${expected.size} bytes.`, [{ pointer: '/body', message: 'is longer than sizeBytes' }]);
    hash.update(chunk);
    yield chunk;
  }
  if (size !== expected.size) throw new ApiError('invalid_argument', `The body has ${size} bytes; ${expected.size} were registered.`, [{ pointer: '/body', message: 'size differs from sizeBytes' }]);
  if (hash.digest('hex') !== expected.sha256) throw digestMismatch();
}

/** The error of an upload whose bytes are not the registered ones. */
export function digestMismatch(): ApiError {
  return new ApiError('invalid_argument', 'The SHA-256 of the body differs from the registered checksum.', [{ pointer: '/body', message: 'digest differs from checksum' }]);
}

/** Yields from `source` until `signal` aborts, also while waiting for the next chunk. */
export async function* abortable<T>(source: AsyncIterable<T>, signal?: AbortSignal): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal?.reason ?? new Error('aborted'));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => {});
  try {
    while (true) {
      signal?.throwIfAborted();
      const next = await Promise.race([iterator.next(), aborted]);
      if (next.done === true) return;
      yield next.value;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    // Not awaited: an async generator parked in a pending next() would only return after it.
    iterator.return?.()?.catch(() => {});
  }
}
