import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { migrate, readMigrations, type Database } from '../../src/store/index.ts';
import { pgliteDatabase } from '../../src/store/pglite.ts';
import { clusterTar, readClusterManifest } from '../../src/store/pglite-cluster.ts';

// Loading a dump of a migrated cluster takes a fraction of migrating a new one. The dump is made
// from the stored empty cluster and cached in the temp directory, keyed by that cluster and the
// migrations.
const key = createHash('sha256').update(JSON.stringify(readClusterManifest() ?? null)).update(JSON.stringify(readMigrations())).digest('hex').slice(0, 16);
const cached = join(tmpdir(), `trident-pglite-template-${key}.tar.gz`);

async function template(): Promise<Blob> {
  if (existsSync(cached)) return new Blob([readFileSync(cached)]);
  const cluster = clusterTar();
  const pglite = await PGlite.create(cluster !== undefined ? { loadDataDir: cluster } : {});
  await migrate(pgliteDatabase(pglite));
  const dump = await pglite.dumpDataDir('gzip');
  await pglite.close();
  // Written aside and renamed: parallel test files never read half a file.
  const temp = `${cached}.${randomBytes(6).toString('hex')}`;
  writeFileSync(temp, Buffer.from(await dump.arrayBuffer()));
  renameSync(temp, cached);
  return dump;
}

/** A fresh in-memory PGlite holding the migrated, empty schema. */
export async function migratedPglite(): Promise<Database> {
  return pgliteDatabase(await PGlite.create({ loadDataDir: await template() }));
}
