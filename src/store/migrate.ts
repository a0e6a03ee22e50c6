import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Database } from './db.ts';

/** Where the versioned SQL files live: `001_initial.sql`, `002_….sql`, applied in order. */
export const migrationsDir = fileURLToPath(new URL('./migrations/', import.meta.url));

/** One versioned SQL file. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const fileName = /^(\d{3})_[0-9a-z_]+\.sql$/;
// Any fixed number: every process migrating the same database takes the same lock.
const migrationLock = 7_262_301;

/** The migrations in `dir`, ordered by version; a repeated version is a mistake and throws. */
export function readMigrations(dir = migrationsDir): Migration[] {
  const migrations = readdirSync(dir)
    .filter((name) => fileName.test(name))
    .sort()
    .map((name) => ({ version: Number(name.slice(0, 3)), name, sql: readFileSync(`${dir}/${name}`, 'utf8') }));
  migrations.forEach((migration, index) => {
    if (index > 0 && migrations[index - 1]?.version === migration.version) throw new Error(`two migrations have version ${migration.version}`);
  });
  return migrations;
}

/**
 * Brings the schema up to date: each migration not yet recorded in `schema_migrations` runs in its
 * own transaction together with its record, under an advisory lock so that two processes starting
 * at once do not both apply it. Returns the names applied now.
 */
export async function migrate(db: Database, migrations = readMigrations()): Promise<string[]> {
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [migrationLock]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
  });
  const applied: string[] = [];
  for (const migration of migrations) {
    const ran = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [migrationLock]);
      const done = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [migration.version]);
      if (done.length > 0) return false;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      return true;
    });
    if (ran) applied.push(migration.name);
  }
  return applied;
}
