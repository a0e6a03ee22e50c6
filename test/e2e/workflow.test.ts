import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api } from '../../src/compiler/ir.ts';
import { devAuthenticator } from '../../src/runtime/auth.ts';
import type { OperationInput } from '../../src/runtime/handler.ts';
import { loadApis, type LoadedApi } from '../../src/runtime/load.ts';
import { startServers, type RunningServers } from '../../src/runtime/server.ts';
import { createServices, secretsFromMasterKey, seedDemo, type DemoSeed } from '../../src/services/index.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import type { Caller, Outcome } from '../../src/conformance/callers/caller.ts';
import { graphqlCaller } from '../../src/conformance/callers/graphql.ts';
import { grpcCaller } from '../../src/conformance/callers/grpc.ts';
import { restCaller } from '../../src/conformance/callers/rest.ts';
import { repoRoot } from './workspace.ts';

// The real services on an in-memory PGlite, served over the three protocols on loopback.
let store: Store;
let servers: RunningServers;
let apis: LoadedApi[];
let seed: DemoSeed;
let blobDir = '';
const authenticator = devAuthenticator();
const callers: Record<'rest' | 'graphql' | 'grpc', Caller> = {} as never;
const api = (key: string): Api => {
  const found = apis.find((loaded) => loaded.key === key);
  if (!found) throw new Error(key);
  return found.api;
};
const tokenFor = (role: keyof DemoSeed['users']) => authenticator.issue!({ userId: seed.users[role], orgId: seed.orgId, roles: [role] });

beforeAll(async () => {
  blobDir = mkdtempSync(join(tmpdir(), 'trident-e2e-blobs-'));
  store = await openStore({ blobDir });
  const services = createServices({ db: store.db, blobs: store.blobs, secrets: secretsFromMasterKey('e2e') });
  seed = await seedDemo(store.db, services);
  apis = await loadApis(repoRoot);
  servers = await startServers({ apis, implementations: services as unknown as Record<string, object>, authenticator });
  const byApi = new Map(servers.served.map((served) => [served.api, served]));
  callers.rest = restCaller(servers.httpUrl, new Map([...byApi].map(([key, served]) => [key, served.basePath])));
  callers.graphql = graphqlCaller(servers.httpUrl, new Map([...byApi].map(([key, served]) => [key, served.graphql])));
  callers.grpc = grpcCaller(servers.grpcAddress, apis);
}, 120_000);

afterAll(async () => {
  await servers?.close();
  await store?.close();
  rmSync(blobDir, { recursive: true, force: true });
});

function value<T = Record<string, unknown>>(outcome: Outcome): T {
  if (!outcome.ok) throw new Error(`${outcome.code}: ${outcome.message}`);
  return outcome.value as T;
}

const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000002000000020806000000f478d4fa0000001549444154789c63f8cfc0f09f81e1ff7f06860e00003e1e07f9b4d3ec6f0000000049454e44ae426082', 'hex');

/**
 * The whole review workflow of DOMAIN.md. Each step names the protocol it goes through, so the
 * same steps run through one protocol alone or mixed.
 */
async function workflow(via: (step: number) => Caller): Promise<{ studyId: string; imageId: string }> {
  let step = 0;
  const call = async (key: string, operationId: string, input: OperationInput, role: keyof DemoSeed['users']) => value(await via(step++).call(api(key), operationId, input, await tokenFor(role)));
  const study = await call('study/v2', 'registerStudy', {
    body: { subjectIdentity: { issuer: 'urn:oid:2.999.7', patientId: `E2E-${Math.random().toString(36).slice(2, 8)}`, patientName: 'Test^Patient', birthDate: '1990-05-04', sex: 'female' }, description: 'E2E study', modalities: [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: 'XC' }] },
  }, 'clinic_uploader');
  const studyId = study.id as string;
  const digest = createHash('sha256').update(png).digest();
  const image = await call('image/v1', 'createImage', {
    body: { studyId, contentType: 'image/png', sizeBytes: png.length, checksum: { algorithm: 'sha256', value: digest.toString('hex') }, capture: { capturedAt: '2026-11-20T10:00:00Z', modality: 'XC', deviceId: 'cam-1' } },
  }, 'clinic_uploader');
  const imageId = image.id as string;
  expect(image.status).toBe('pending_upload');
  const uploaded = await call('image/v1', 'uploadImageContent', { path: { imageId }, header: { 'Content-Digest': `sha-256=:${digest.toString('base64')}:` }, body: { contentType: 'image/png', bytes: png } }, 'clinic_uploader');
  expect(uploaded.status).toBe('available');
  const assessment = await call('review/v1', 'recordAssessment', {
    body: { studyId, algorithm: { name: 'e2e-model', version: '1' }, status: 'completed', findings: [{ id: 'f1', code: { system: 'http://snomed.info/sct', code: '43116000', display: 'Eczema' }, confidence: 0.5, imageId }], quality: { gradable: true, issues: [] } },
  }, 'ai_service');
  const quality = await call('review/v1', 'createReview', { body: { studyId, kind: 'QUALITY', imageId, assigneeId: seed.users.technician, priority: 'routine' } }, 'org_admin');
  const diagnostic = await call('review/v1', 'createReview', { body: { studyId, kind: 'DIAGNOSTIC', assessmentId: assessment.id, assigneeId: seed.users.doctor, priority: 'urgent' } }, 'org_admin');
  const startedQuality = await call('review/v1', 'startReview', { path: { reviewId: quality.id }, header: { 'If-Match': `"${quality.version}"` } }, 'technician');
  await call('review/v1', 'submitReview', { path: { reviewId: quality.id }, header: { 'If-Match': `"${startedQuality.version}"` }, body: { qualityIssues: [], comments: 'fine' } }, 'technician');
  const midway = await call('study/v2', 'getStudy', { path: { studyId } }, 'doctor');
  expect(midway.reviewState).not.toBe('reviewed');
  const startedDiagnostic = await call('review/v1', 'startReview', { path: { reviewId: diagnostic.id }, header: { 'If-Match': `"${diagnostic.version}"` } }, 'doctor');
  await call('review/v1', 'submitReview', { path: { reviewId: diagnostic.id }, header: { 'If-Match': `"${startedDiagnostic.version}"` }, body: { verdict: 'agree' } }, 'doctor');
  return { studyId, imageId };
}

describe('the review workflow, end to end, against the real servers', () => {
  for (const protocol of ['rest', 'graphql', 'grpc'] as const) {
    it(`through ${protocol} alone`, async () => {
      const caller = callers[protocol];
      const { studyId } = await workflow(() => caller);
      const v2 = value(await caller.call(api('study/v2'), 'getStudy', { path: { studyId } }, await tokenFor('doctor')));
      expect(v2.reviewState).toBe('reviewed');
      const v1 = value(await callers.rest.call(api('study/v1'), 'getStudy', { path: { studyId } }, await tokenFor('doctor')));
      expect(v1.status).toBe('reviewed');
    });
  }

  it('mixed: each step through the next protocol, and the bytes back through each', async () => {
    const order = [callers.grpc, callers.graphql, callers.rest];
    const { studyId, imageId } = await workflow((step) => order[step % 3] as Caller);
    const reads = await Promise.all(Object.values(callers).map(async (caller) => value(await caller.call(api('study/v2'), 'getStudy', { path: { studyId } }, await tokenFor('doctor')))));
    for (const read of reads) expect(read).toEqual(reads[0]);
    expect(reads[0]?.reviewState).toBe('reviewed');
    for (const caller of [callers.rest, callers.grpc]) {
      expect(value<Buffer>(await caller.call(api('image/v1'), 'downloadImageContent', { path: { imageId } }, await tokenFor('doctor')))).toEqual(png);
    }
  });

  it('a write through gRPC is streamed over SSE', async () => {
    const studies = value<{ items: Array<{ id: string }> }>(await callers.rest.call(api('study/v2'), 'listStudies', { query: {} }, await tokenFor('doctor')));
    const studyId = studies.items[0]?.id ?? seed.studyId;
    const aborter = new AbortController();
    const response = await fetch(`${servers.httpUrl}/review/v1/studies/${studyId}/events`, { headers: { authorization: `Bearer ${await tokenFor('doctor')}` }, signal: aborter.signal });
    const reader = response.body!.getReader();
    const { studyId: fresh } = await workflow(() => callers.grpc);
    void fresh;
    const recorded = await callers.grpc.call(api('review/v1'), 'recordAssessment', {
      body: { studyId, algorithm: { name: 'late-model', version: '2' }, status: 'completed', findings: [], quality: { gradable: true, issues: [] } },
    }, await tokenFor('ai_service'));
    expect(recorded.ok).toBe(true);
    let text = '';
    const deadline = Date.now() + 10_000;
    while (!text.includes('"late-model"') && !text.includes('assessment.completed') && Date.now() < deadline) text += new TextDecoder().decode((await reader.read()).value);
    aborter.abort();
    expect(text).toContain('event: assessment.completed');
  });

  it('another organisation\'s study answers not found through every protocol', async () => {
    const outsider = await authenticator.issue!({ userId: 'usr_outsider000000001', orgId: 'org_otherClinic00001', roles: ['doctor'] });
    for (const caller of Object.values(callers)) {
      const outcome = await caller.call(api('study/v2'), 'getStudy', { path: { studyId: seed.studyId } }, outsider);
      expect(outcome).toMatchObject({ ok: false, code: 'not_found' });
    }
    // The stream of another organisation's study fails before it starts.
    const events = await fetch(`${servers.httpUrl}/review/v1/studies/${seed.studyId}/events`, { headers: { authorization: `Bearer ${outsider}` } });
    expect(events.status).toBe(404);
    expect(events.headers.get('content-type')).toContain('application/problem+json');
  });
});
