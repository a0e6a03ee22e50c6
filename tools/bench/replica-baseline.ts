/**
 * One replica of the hand-written baseline of `npm run bench:replicas`, started by the replica set
 * in place of `trident serve` (`node tools/bench/replica-baseline.ts serve`, with HOST, PORT,
 * GRPC_PORT, DATABASE_URL and TRIDENT_BLOB_DIR): the baseline servers of `npm run bench` (Fastify,
 * graphql-yoga, grpc-js) calling the study service itself on the PostgreSQL server, so that the
 * queries, the transaction and the connection pool are those of a Trident replica and only what
 * sits in front of the service differs. It verifies dev tokens, as `trident serve` in dev mode
 * does, is ready by the same checks (the database and the blob folder), and stops on SIGTERM.
 */
import { resolve } from 'node:path';
import { devSecret, tokenAudience, tokenIssuer } from '../../src/runtime/auth.ts';
import type { OperationContext, Principal } from '../../src/runtime/handler.ts';
import { createServices, secretsFromMasterKey } from '../../src/services/index.ts';
import { openBlobStore, openDatabase, storeReadiness } from '../../src/store/index.ts';
import { startBaseline } from './runtime-baseline.ts';
import type { StudyUpdate } from './runtime-handlers.ts';

const env = process.env;
if (!env.DATABASE_URL) throw new Error('the baseline replica needs DATABASE_URL');
const root = resolve(import.meta.dirname, '../..');
const db = await openDatabase({ databaseUrl: env.DATABASE_URL });
const blobs = await openBlobStore(env.TRIDENT_BLOB_DIR ?? resolve(root, '.trident/blobs'));
const study = createServices({ db, blobs, secrets: secretsFromMasterKey(env.TRIDENT_PSEUDONYM_KEY ?? 'bench') })['study/v2'];

// What the runtime would hand the service: only the principal is read by these two operations.
const context = (principal: Principal, operationId: string): OperationContext => ({
  principal,
  api: { name: 'study', version: 2 },
  operationId,
  protocol: 'rest',
  signal: new AbortController().signal,
  requestId: 'baseline',
});

const servers = await startBaseline(
  root,
  {
    get: (principal, studyId) => study.getStudy({ path: { studyId } }, context(principal, 'getStudy')),
    update: (principal, studyId, ifMatch, changes: StudyUpdate) => study.updateStudy({ path: { studyId }, header: { 'If-Match': ifMatch }, body: changes }, context(principal, 'updateStudy')),
  },
  { secret: devSecret, issuer: tokenIssuer, audience: tokenAudience },
  // Ready as a Trident replica is: the database answers (storeReadiness also checks the blob folder).
  { host: env.HOST ?? '127.0.0.1', httpPort: Number(env.PORT ?? 0), grpcPort: Number(env.GRPC_PORT ?? 0), ready: async () => (await storeReadiness({ db, blobs })).every((check) => check.ok) },
);
// The ports in the words `trident serve` prints them, which tools/replicas reads.
console.log(`baseline: REST ${servers.httpUrl}/ (and GraphQL), gRPC ${servers.grpcAddress} (grpc-js)`);

process.once('SIGTERM', () => {
  void servers.close().then(() => db.close()).finally(() => process.exit(0));
});
