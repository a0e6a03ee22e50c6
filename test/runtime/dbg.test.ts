import { it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { notesRoot, startHarness } from '/work/main/test/runtime/harness.ts';
import { notesService } from '/work/main/test/runtime/notes-service.ts';
it('dbg', async () => {
  const h = await startHarness(notesRoot, { 'notes/v1': notesService() });
  const url = `http://${h.servers.grpcAddress}`;
  const run = (...a: string[]) => { try { return execFileSync('node_modules/.bin/buf', ['curl','--protocol','grpc','--http2-prior-knowledge',...a], {encoding:'utf8', stdio: ['ignore','pipe','pipe']}); } catch (e) { return String((e as {stderr:string}).stderr); } };
  console.log(run('--list-services', url));
  console.log(run('--list-methods', url));
  console.log(run('--reflect-protocol', 'grpc-v1', '--list-methods', url));
  await h.servers.close();
});
