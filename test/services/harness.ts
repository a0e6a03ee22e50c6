import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { expect } from 'vitest';
import type { OperationContext } from '../../src/runtime/handler.ts';
import { addMember, addOrganisation, createServices, secretsFromMasterKey, type Role, type Services } from '../../src/services/index.ts';
import { migratedPglite } from './pglite-template.ts';
import { openBlobStore, openDatabase, migrate, type BlobStore, type Database } from '../../src/store/index.ts';

/** The databases every service suite runs against: PGlite always, PostgreSQL with DATABASE_URL. */
export const databases: { name: 'pglite' | 'postgres' }[] = [{ name: 'pglite' }, ...(process.env.DATABASE_URL ? [{ name: 'postgres' as const }] : [])];

/** The master key the worlds derive their pseudonym secrets from. */
export const testMasterKey = 'test master key';

/**
 * A fresh database: PGlite in memory with the schema already migrated (from a cached template)
 * unless `empty`, or a new, empty database on the PostgreSQL server.
 */
export async function openWorldDatabase(name: 'pglite' | 'postgres', options: { empty?: boolean } = {}): Promise<{ db: Database; url?: string; drop: () => Promise<void> }> {
  if (name === 'pglite') return { db: options.empty === true ? await openDatabase({}) : await migratedPglite(), drop: async () => {} };
  const admin = new URL(process.env.DATABASE_URL ?? '');
  const database = `trident_${randomBytes(6).toString('hex')}`;
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    await client.query(sql).finally(() => client.end());
  };
  await run(`CREATE DATABASE ${database}`);
  const url = new URL(admin);
  url.pathname = `/${database}`;
  const db = await openDatabase({ databaseUrl: url.toString() });
  return { db, url: url.toString(), drop: () => run(`DROP DATABASE ${database} WITH (FORCE)`) };
}

/** One organisation's users: a user id per role, plus a second doctor for second reads. */
export interface Org {
  id: string;
  users: Record<Role | 'doctor2', string>;
}

/** A database, a blob store in a temp directory, the services and two organisations. */
export interface World {
  db: Database;
  /** The PostgreSQL database, to connect a second time as another process would. */
  url?: string;
  blobs: BlobStore;
  blobDir: string;
  services: Services;
  orgA: Org;
  orgB: Org;
  close(): Promise<void>;
}

/** An organisation's ids (its members are recorded by `openWorld` for A and B only). */
export function orgUsers(tag: string): Org {
  const id = (role: string) => `usr_${tag}${role}`.padEnd(24, '0').slice(0, 24);
  return {
    id: `org_${tag}Clinic`.padEnd(24, '0'),
    users: { clinic_uploader: id('Upl'), ai_service: id('Ai'), doctor: id('Doc'), doctor2: id('DocTwo'), technician: id('Tech'), org_admin: id('Admin') },
  };
}

/** Opens a world on `name`; `close` removes everything it made. */
export async function openWorld(name: 'pglite' | 'postgres'): Promise<World> {
  const { db, url, drop } = await openWorldDatabase(name);
  await migrate(db);
  const blobDir = mkdtempSync(join(tmpdir(), 'trident-blobs-'));
  const blobs = await openBlobStore(blobDir);
  // Strictly increasing: lists order by creation time, and two changes never share a millisecond.
  let last = 0;
  const clock = () => new Date((last = Math.max(Date.now(), last + 1)));
  const services = createServices({ db, blobs, clock, secrets: secretsFromMasterKey(testMasterKey) });
  const [orgA, orgB] = [orgUsers('A'), orgUsers('B')];
  const now = new Date();
  for (const org of [orgA, orgB]) {
    await addOrganisation(db, { id: org.id, name: org.id }, now);
    for (const [role, userId] of Object.entries(org.users)) {
      const roles: Role[] = role === 'doctor2' ? ['doctor'] : [role as Role];
      await addMember(db, { orgId: org.id, userId, name: role, roles }, now);
    }
  }
  return {
    db, blobs, blobDir, services, orgA, orgB,
    ...(url === undefined ? {} : { url }),
    close: async () => {
      await db.close();
      await drop();
      rmSync(blobDir, { recursive: true, force: true });
    },
  };
}

/** A hand-made context: the user of `role` in `org`, holding only that role. */
export function as(org: Org, role: Role | 'doctor2', signal = new AbortController().signal): OperationContext {
  return {
    principal: { userId: org.users[role], orgId: org.id, roles: [role === 'doctor2' ? 'doctor' : role] },
    api: { name: 'test', version: 1 },
    operationId: 'test',
    protocol: 'rest',
    signal,
    requestId: 'test',
  };
}

/** The bytes as a stream of chunks of at most `size` bytes. */
export async function* chunksOf(bytes: Uint8Array, size = 7): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
}

/** Hex SHA-256 and the RFC 9530 Content-Digest header of `bytes`. */
export function digestOf(bytes: Uint8Array): { hex: string; header: string } {
  const digest = createHash('sha256').update(bytes).digest();
  return { hex: digest.toString('hex'), header: `sha-256=:${digest.toString('base64')}:` };
}

/** Collects a byte stream. */
export async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Asserts that `promise` rejects with an ApiError of `code`. */
export async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  await expect(promise).rejects.toMatchObject({ name: 'ApiError', code });
}
