/**
 * `npm run pglite-cluster`: writes src/store/pglite-cluster.tar.br and its manifest, the empty
 * PGlite cluster that a new data directory is unpacked from (see src/store/pglite-cluster.ts).
 * Run it after upgrading PGlite; the store test fails until it has been run. `--out <dir>` writes
 * the two files into another folder.
 *
 * The cluster is made by the installed PGlite's own initdb, with the options the store opens PGlite
 * with, then checkpointed and dumped; the dump is repacked with relative, sorted paths and without
 * postmaster.pid, and compressed with Brotli's large window (about 40 MB to about 1 MB).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { brotliCompressSync, constants } from 'node:zlib';
import { PGlite } from '@electric-sql/pglite';
import { create, extract } from 'tar';
import { clusterArchive, clusterManifest, installedPglite, type ClusterManifest } from '../src/store/pglite-cluster.ts';
import { pgliteOptions } from '../src/store/pglite.ts';

function listTree(dir: string, root = dir): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? [relative(root, path), ...listTree(path, root)] : [relative(root, path)];
    });
}

const { values } = parseArgs({ options: { out: { type: 'string' } } });
const archivePath = values.out === undefined ? clusterArchive : join(values.out, basename(clusterArchive));
const manifestPath = values.out === undefined ? clusterManifest : join(values.out, basename(clusterManifest));

const pglite = await PGlite.create(pgliteOptions());
await pglite.exec('CHECKPOINT');
const dump = Buffer.from(await (await pglite.dumpDataDir('none')).arrayBuffer());
await pglite.close();

const scratch = mkdtempSync(join(tmpdir(), 'trident-pglite-cluster-'));
try {
  // PGlite's dump names entries with absolute paths; tar makes them relative to cwd.
  await extract({ input: dump, cwd: scratch });
  rmSync(join(scratch, 'postmaster.pid'), { force: true });
  const files = listTree(scratch);
  const tar = Buffer.from(await new Response(create({ cwd: scratch, portable: true, noDirRecurse: true, mtime: new Date(0) }, files)).arrayBuffer());
  const archive = brotliCompressSync(tar, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_LARGE_WINDOW]: 1, [constants.BROTLI_PARAM_LGWIN]: 26, [constants.BROTLI_PARAM_SIZE_HINT]: tar.length },
  });
  const manifest: ClusterManifest = {
    pglite: installedPglite(),
    postgres: readFileSync(join(scratch, 'PG_VERSION'), 'utf8').trim(),
    sha256: createHash('sha256').update(archive).digest('hex'),
    tarBytes: tar.length,
  };
  writeFileSync(archivePath, archive);
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`wrote ${relative(process.cwd(), archivePath)} (${(archive.length / 1e6).toFixed(2)} MB, ${(tar.length / 1e6).toFixed(1)} MB unpacked, ${files.length} entries) for PGlite ${manifest.pglite}, PostgreSQL ${manifest.postgres}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
