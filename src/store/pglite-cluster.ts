import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { brotliDecompressSync, constants, createBrotliDecompress } from 'node:zlib';
import { extract } from 'tar';

/**
 * An empty PGlite cluster (what initdb writes), stored beside this module so that a new data
 * directory is unpacked instead of initialised. PGlite's initdb runs a second PostgreSQL instance and
 * the initdb program beside the first, all in one process, and holds about 550 MB while it does;
 * unpacking holds a few MB. `npm run pglite-cluster` writes both files again (after an upgrade of
 * PGlite); a cluster made by another PGlite version is not used, and initdb runs as before.
 */
export const clusterArchive = join(import.meta.dirname, 'pglite-cluster.tar.br');
export const clusterManifest = join(import.meta.dirname, 'pglite-cluster.json');

/** What the archive holds, recorded when it was made. */
export interface ClusterManifest {
  /** The PGlite version whose initdb wrote the cluster. */
  pglite: string;
  /** The content of the cluster's PG_VERSION (PostgreSQL's major version). */
  postgres: string;
  /** SHA-256 of the archive file, hex. */
  sha256: string;
  /** The size of the uncompressed tar. */
  tarBytes: number;
}

/** Brotli's large window (up to 1 GB): the cluster holds three near-identical databases. */
export const largeWindow = { [constants.BROTLI_DECODER_PARAM_LARGE_WINDOW]: 1 };

/** The installed PGlite's version. */
export function installedPglite(): string {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  return (JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string }).version;
}

/** Why the stored cluster cannot be used here, or nothing when it can. */
export function clusterMismatch(manifest: ClusterManifest | undefined, pglite = installedPglite(), archive = readArchive()): string | undefined {
  if (manifest === undefined) return `${clusterManifest} is missing`;
  if (manifest.pglite !== pglite) return `the stored cluster was made by PGlite ${manifest.pglite}, ${pglite} is installed (npm run pglite-cluster makes it again)`;
  if (archive === undefined) return `${clusterArchive} is missing`;
  const digest = createHash('sha256').update(archive).digest('hex');
  if (digest !== manifest.sha256) return `${clusterArchive} does not have the recorded SHA-256 (npm run pglite-cluster makes it again)`;
  return undefined;
}

function readArchive(): Buffer | undefined {
  return existsSync(clusterArchive) ? readFileSync(clusterArchive) : undefined;
}

/** The stored manifest, if there is one. */
export function readClusterManifest(): ClusterManifest | undefined {
  return existsSync(clusterManifest) ? (JSON.parse(readFileSync(clusterManifest, 'utf8')) as ClusterManifest) : undefined;
}

/**
 * Writes the empty cluster into `dataDir` (which holds no PG_VERSION) and answers true, or answers
 * false and writes nothing when the stored cluster cannot be used. PG_VERSION, by which PostgreSQL
 * and PGlite recognise a cluster, is written last: an unpacking cut short leaves a folder that the
 * next start unpacks again over what it left.
 */
export async function unpackCluster(dataDir: string): Promise<boolean> {
  const manifest = readClusterManifest();
  if (clusterMismatch(manifest) !== undefined || manifest === undefined) return false;
  await extract({ input: createReadStream(clusterArchive).pipe(createBrotliDecompress({ params: largeWindow })), cwd: dataDir, strict: true, filter: (path) => path !== 'PG_VERSION' });
  writeFileSync(join(dataDir, 'PG_VERSION'), `${manifest.postgres}\n`);
  return true;
}

/** The empty cluster as a tar, for PGlite's `loadDataDir` (an in-memory database), or nothing when it cannot be used. */
export function clusterTar(): Blob | undefined {
  const archive = readArchive();
  if (archive === undefined || clusterMismatch(readClusterManifest(), installedPglite(), archive) !== undefined) return undefined;
  return new Blob([brotliDecompressSync(archive, { params: largeWindow })]);
}
