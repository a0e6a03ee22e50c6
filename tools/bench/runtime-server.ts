import { resolve } from 'node:path';
import { authenticatorFromEnv, tokenAudience, tokenIssuer } from '../../src/runtime/auth.ts';
import type { Principal } from '../../src/runtime/handler.ts';
import { loadApis } from '../../src/runtime/load.ts';
import { startServers } from '../../src/runtime/server.ts';
import { startBaseline } from './runtime-baseline.ts';
import { BenchStudies, benchStudyV2Handlers, type StudyUpdate } from './runtime-handlers.ts';

/**
 * One benchmark server process: `trident` (study v2 through Trident's runtime) or `baseline` (the
 * hand-written servers), both over the same in-memory handler and both verifying HS256 tokens
 * signed with `BENCH_JWT_SECRET`. Talks to the parent over IPC: `ready` with its addresses, then
 * answers `memory` (after a full GC) and `stop`.
 */
async function main(): Promise<void> {
  const kind = process.argv[2];
  const secret = process.env.BENCH_JWT_SECRET ?? '';
  const root = resolve(import.meta.dirname, '../..');
  const studies = new BenchStudies();
  let addresses: { httpUrl: string; grpcAddress: string; close(): Promise<void> };
  if (kind === 'trident') {
    const apis = (await loadApis(root)).filter((api) => api.key === 'study/v2');
    const authenticator = await authenticatorFromEnv({ TRIDENT_JWT_SECRET: secret });
    const servers = await startServers({ apis, implementations: { 'study/v2': benchStudyV2Handlers(studies) }, authenticator });
    addresses = { httpUrl: servers.httpUrl, grpcAddress: servers.grpcAddress, close: () => servers.close(1000) };
  } else if (kind === 'baseline') {
    const source = { get: (principal: Principal, studyId: string) => studies.get(principal.orgId, studyId), update: (principal: Principal, studyId: string, ifMatch: string, changes: StudyUpdate) => studies.update(principal.orgId, studyId, ifMatch, changes) };
    addresses = await startBaseline(root, source, { secret, issuer: tokenIssuer, audience: tokenAudience });
  } else {
    throw new Error('usage: runtime-server.ts trident|baseline');
  }
  process.on('message', (message: { type?: string }) => {
    if (message.type === 'memory') {
      (globalThis as { gc?: () => void }).gc?.();
      process.send?.({ type: 'memory', rss: process.memoryUsage().rss });
    } else if (message.type === 'stop') {
      void addresses.close().finally(() => process.exit(0));
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send?.({ type: 'ready', httpUrl: addresses.httpUrl, grpcAddress: addresses.grpcAddress });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
