import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { list } from 'tar';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/store/index.ts';
import { clusterMismatch, installedPglite, largeWindow, readClusterManifest, type ClusterManifest } from '../../src/store/pglite-cluster.ts';
import { openPglite } from '../../src/store/pglite.ts';
import type { Database } from '../../src/store/db.ts';

const manifest = readClusterManifest()!;
const scratch = mkdtempSync(join(tmpdir(), 'pglite-cluster-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** initdb draws a new system identifier for every cluster; one unpacked from the archive keeps the archive's. */
async function systemIdentifier(db: Database): Promise<string> {
  const [row] = await db.query<{ id: string }>('SELECT system_identifier::text AS id FROM pg_control_system()');
  return row!.id;
}

describe('the stored empty PGlite cluster', () => {
  let archived = '';
  it('was made by the installed PGlite (after an upgrade: npm run pglite-cluster)', () => {
    expect(clusterMismatch(manifest)).toBeUndefined();
    expect(manifest.pglite).toBe(installedPglite());
  });

  it('is what a new data directory starts from, and the database keeps what is written to it', async () => {
    const memory = await openPglite();
    archived = await systemIdentifier(memory);
    await memory.close();

    const dir = join(scratch, 'new');
    const first = await openPglite(dir);
    expect(await systemIdentifier(first)).toBe(archived);
    expect(readFileSync(join(dir, 'PG_VERSION'), 'utf8')).toBe(`${manifest.postgres}\n`);
    await migrate(first);
    await first.exec(`CREATE TABLE kept (note text); INSERT INTO kept VALUES ('written before the restart')`);
    await first.close();

    const again = await openPglite(dir);
    expect(await again.query('SELECT note FROM kept')).toEqual([{ note: 'written before the restart' }]);
    await again.close();
  });

  it('is unpacked again over a directory that an interrupted first start left without PG_VERSION', async () => {
    const dir = join(scratch, 'interrupted');
    await (await openPglite(dir)).close();
    unlinkSync(join(dir, 'PG_VERSION'));
    writeFileSync(join(dir, 'global', 'pg_control'), 'cut short');
    const db = await openPglite(dir);
    expect(await systemIdentifier(db)).toBe(archived);
    expect(await db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    await db.close();
  });

  it('is not used when another PGlite made it, or when the archive is not the recorded one', () => {
    expect(clusterMismatch({ ...manifest, pglite: '0.0.1' }, '0.5.16')).toMatch(/made by PGlite 0\.0\.1, 0\.5\.16 is installed \(npm run pglite-cluster makes it again\)/);
    expect(clusterMismatch({ ...manifest, sha256: '0'.repeat(64) }, manifest.pglite)).toMatch(/does not have the recorded SHA-256/);
    expect(clusterMismatch(undefined)).toMatch(/pglite-cluster\.json is missing/);
  });
});

describe('npm run pglite-cluster', () => {
  it('makes the archive with the installed PGlite: relative paths, no postmaster.pid, the recorded digest and size', async () => {
    const out = join(scratch, 'made');
    mkdirSync(out);
    const printed = execFileSync(process.execPath, [join(import.meta.dirname, '../../tools/pglite-cluster.ts'), '--out', out], { encoding: 'utf8' });
    const made = JSON.parse(readFileSync(join(out, 'pglite-cluster.json'), 'utf8')) as ClusterManifest;
    expect(printed).toContain(`for PGlite ${installedPglite()}, PostgreSQL ${made.postgres}`);
    expect(made.pglite).toBe(installedPglite());
    const archive = readFileSync(join(out, 'pglite-cluster.tar.br'));
    expect(createHash('sha256').update(archive).digest('hex')).toBe(made.sha256);
    const tar = brotliDecompressSync(archive, { params: largeWindow });
    expect(tar.length).toBe(made.tarBytes);
    const paths: string[] = [];
    await list({ input: tar, onEntry: (entry) => void paths.push(entry.path) });
    expect(paths).toContain('PG_VERSION');
    expect(paths).toContain('global/pg_control');
    expect(paths).not.toContain('postmaster.pid');
    expect(paths.filter((path) => path.startsWith('/') || path.includes('..'))).toEqual([]);
    // Compressing the cluster at brotli's best quality is the slow part; a bound for a busy machine.
  }, 180_000);
});
