import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { migrate, readMigrations, type Database } from '../../src/store/index.ts';
import { pgliteDatabase } from '../../src/store/pglite.ts';

// Creating a PGlite cluster (initdb) takes seconds; loading a dump of a migrated one a fraction.
// The dump is cached in the temp directory, keyed by the PGlite version and the migrations.
const version = (JSON.parse(readFileSync(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url), 'utf8')) as { version: string }).version;
const key = createHash('sha256').update(version).update(JSON.stringify(readMigrations())).digest('hex').slice(0, 16);
const cached = join(tmpdir(), `trident-pglite-template-${key}.tar.gz`);

async function template(): Promise<Blob> {
  if (existsSync(cached)) return new Blob([readFileSync(cached)]);
  const pglite = await PGlite.create();
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
