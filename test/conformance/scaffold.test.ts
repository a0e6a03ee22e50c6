import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devSecret, tokenAudience, tokenIssuer } from '../../src/runtime/auth.ts';
import { connect } from '../../src/conformance/target.ts';
import { mintingTokens } from '../../src/conformance/tokens.ts';
import { runConformance } from '../../src/conformance/run.ts';
import { consoleReport, type RunSummary } from '../../src/conformance/report/console.ts';
import { startSelf, type SelfServers } from '../../src/conformance/self.ts';
import { generate } from '../../tools/generate.ts';
import { scaffoldFiles } from '../../tools/init/templates.ts';
import { repoRoot } from '../e2e/workspace.ts';

// A project as `trident init` makes it (the Notes contract and its in-memory handlers), generated
// and served here: its own contract must get the depth of checking ours gets. The seed data is
// derived from the contract (a note, created by createNote), so reads by id, reads through the
// three protocols, writes seen through all three and the flows run instead of being skipped.

// What `npm install` gives the project: trident itself, and what its generated code imports.
const installed = ['trident', '@bufbuild/protobuf', '@grpc/grpc-js', 'openapi-fetch'];

let scratch: string;
let servers: SelfServers | undefined;
let summary: RunSummary;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'trident-scaffold-'));
  const files = scaffoldFiles({ name: 'notes-team', tridentRange: '*', protoPackage: 'notes_team', runtimeDependencies: {} });
  for (const [path, text] of files) {
    mkdirSync(dirname(join(scratch, path)), { recursive: true });
    writeFileSync(join(scratch, path), text);
  }
  for (const name of installed) {
    mkdirSync(dirname(join(scratch, 'node_modules', name)), { recursive: true });
    symlinkSync(name === 'trident' ? repoRoot : join(repoRoot, 'node_modules', name), join(scratch, 'node_modules', name), 'dir');
  }
  const generated = await generate({ root: scratch, log: () => {} });
  expect(generated.ok, JSON.stringify(generated.diagnostics.slice(0, 3))).toBe(true);
  servers = await startSelf({ root: scratch, env: {} });
  const tokens = mintingTokens({ secret: devSecret, orgId: servers.identities.orgId, users: servers.identities.users, issuer: tokenIssuer, audience: tokenAudience });
  const target = connect({ httpUrl: servers.httpUrl, grpcAddress: servers.grpcAddress, apis: servers.apis, tokens, root: scratch });
  try {
    summary = await runConformance({ target, seed: 7, runs: 5 });
  } finally {
    target.close();
  }
}, 180_000);

afterAll(async () => {
  await servers?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('conformance of a project made by trident init', () => {
  it('seeds a note from the contract and runs every check that needs one: none fails, and only those that cannot apply are skipped', () => {
    const printed = consoleReport(summary);
    const count = (status: string) => summary.results.filter((result) => result.status === status).length;
    expect(count('fail'), printed).toBe(0);
    expect(summary.results.find((result) => result.subject === 'setup')).toMatchObject({ status: 'pass', detail: 'created a note' });
    // The checks that have nothing to check on this contract, each with its reason.
    const skipped = summary.results.filter((result) => result.status === 'skip').map((result) => `${result.area} ${result.subject}: ${result.name}: ${result.detail}`);
    expect(skipped.sort()).toEqual([
      'auth getNote: wrong_role: the same decision in every protocol: every role may call it',
      'auth listNotes: wrong_role: the same decision in every protocol: every role may call it',
      'cross deleteNote: GraphQL and gRPC accept the valid requests generated from the contract: the operation takes no query, header or body value to vary',
      'cross getNote: GraphQL and gRPC accept the valid requests generated from the contract: the operation takes no query, header or body value to vary',
      'rest *: errors carry Deprecation and Sunset too: this version is not deprecated',
      'rest deleteNote: valid requests generated from the contract are accepted, never 400/422: the operation takes no query, header or body value to vary',
      'rest getNote: valid requests generated from the contract are accepted, never 400/422: the operation takes no query, header or body value to vary',
    ]);
    expect(count('pass')).toBe(summary.results.length - 7);
    expect(count('pass')).toBeGreaterThanOrEqual(115);
  });

  it('the checks that need an existing note pass, through every protocol', () => {
    const status = (area: string, subject: string, name: string) => summary.results.find((result) => result.area === area && result.subject === subject && result.name === name)?.status;
    expect(status('rest', 'getNote', 'a valid request is accepted and answered as documented')).toBe('pass');
    expect(status('rest', 'deleteNote', 'a valid request is accepted and answered as documented')).toBe('pass');
    expect(status('cross', 'getNote', 'the same read gives the same result in every protocol')).toBe('pass');
    expect(status('grpc', 'getNote', 'the response decodes with proto-loader and with the generated code alike')).toBe('pass');
    expect(status('auth', 'getNote', 'other_org: the same decision in every protocol')).toBe('pass');
    for (const via of ['rest', 'graphql', 'grpc']) {
      expect(status('cross', 'createNote', `a write through ${via} is visible through all three`)).toBe('pass');
      expect(status('flow', '/notes', `a create that fails through ${via} leaves nothing to read`)).toBe('pass');
    }
    expect(summary.results.find((result) => result.area === 'flow' && result.subject === '/notes' && result.name.startsWith('create, get'))).toMatchObject({ status: 'pass', detail: 'create -> get -> delete -> get' });
    // The imaging product's review flow is not this project's.
    expect(summary.results.some((result) => result.name.startsWith('explicit flow'))).toBe(false);
  });
});
