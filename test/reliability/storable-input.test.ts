import type { ServiceError } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeStatusDetails } from '../../src/client/grpc.ts';
import { devAuthenticator } from '../../src/runtime/auth.ts';
import { loadApis } from '../../src/runtime/load.ts';
import { startServers, type RunningServers } from '../../src/runtime/server.ts';
import { databases, openWorld, type World } from '../services/harness.ts';
import { call, grpcClient, unary } from './clients.ts';
import { repoRoot } from './server-process.ts';

// Text PostgreSQL cannot store, through the real study service over the three protocols, on each
// database: refused as invalid_argument naming the place, with nothing stored.
const nul = 'a\u0000b';
const loneSurrogate = 'a\ud800b';
const identity = { issuer: 'urn:oid:2.999.7', patientId: 'PID-TEXT-1', patientName: 'Text^Patient', birthDate: '1980-01-02', sex: 'female' };
const grpcIdentity = { issuer: identity.issuer, patient_id: identity.patientId, patient_name: identity.patientName, birth_date: identity.birthDate, sex: 'SEX_FEMALE' };
const registerMutation = 'mutation($input: StudyCreateInput!) { registerStudy(input: $input) { id } }';

interface GraphqlAnswer {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: { errorCode?: string; retryable?: boolean; violations?: Array<{ pointer: string; message: string }> } }>;
}

describe.each(databases)('text a database cannot store, on $name', ({ name }) => {
  let world: World;
  let servers: RunningServers;
  let uploader = '';
  let admin = '';
  const logLines: Array<Record<string, unknown>> = [];
  const authenticator = devAuthenticator();
  const rest = (path: string, init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {}) => call(`${servers.httpUrl}/study/v2${path}`, { token: uploader, ...init });
  const graphql = async (query: string, variables: object, token = uploader): Promise<GraphqlAnswer> =>
    (await call(`${servers.httpUrl}/study/v2/graphql`, { method: 'POST', token, body: { query, variables } })).body as GraphqlAnswer;
  const grpc = async (method: string, request: object, token = uploader) => {
    const client = grpcClient(servers.grpcAddress, 'trident.study.v2.StudyService');
    try {
      return await unary(client, method, request, token);
    } finally {
      client.close();
    }
  };
  const grpcDetails = (error: ServiceError | undefined) => decodeStatusDetails(error?.metadata.get('grpc-status-details-bin')[0]);
  const storedStudies = async () => ((await rest('/studies')).body.items as unknown[]).length;

  beforeAll(async () => {
    world = await openWorld(name);
    servers = await startServers({
      apis: await loadApis(repoRoot),
      implementations: world.services as unknown as Record<string, object>,
      authenticator,
      logStream: { write: (line) => void logLines.push(JSON.parse(line) as Record<string, unknown>) },
    });
    uploader = await authenticator.issue!({ userId: world.orgA.users.clinic_uploader, orgId: world.orgA.id, roles: ['clinic_uploader'] });
    admin = await authenticator.issue!({ userId: world.orgA.users.org_admin, orgId: world.orgA.id, roles: ['org_admin'] });
  }, 120_000);
  afterAll(async () => {
    await servers?.close();
    await world?.close().catch(() => {});
  });

  it('a NUL character in a body property answers invalid_argument naming it, in the three protocols', async () => {
    const viaRest = await rest('/studies', { method: 'POST', body: { subjectIdentity: identity, description: nul } });
    expect(viaRest.status).toBe(400);
    expect(viaRest.body).toMatchObject({ code: 'invalid_argument', retryable: false, errors: [{ pointer: '/body/description', message: 'must not contain a NUL character (U+0000)' }] });
    const viaGraphql = await graphql(registerMutation, { input: { subjectIdentity: { ...identity, sex: 'FEMALE' }, description: nul } });
    expect(viaGraphql.errors?.[0]?.extensions).toMatchObject({ errorCode: 'invalid_argument', retryable: false, violations: [{ pointer: '/body/description' }] });
    const viaGrpc = await grpc('RegisterStudy', { body: { subject_identity: grpcIdentity, description: nul } });
    expect(viaGrpc.error?.code).toBe(3);
    expect(grpcDetails(viaGrpc.error)).toMatchObject({ reason: 'invalid_argument', retryable: false, details: [{ pointer: '/body/description' }] });
    expect(await storedStudies()).toBe(0);
  });

  it('a NUL character in a nested property names the nested place', async () => {
    const viaRest = await rest('/studies', { method: 'POST', body: { subjectIdentity: { ...identity, patientName: nul } } });
    expect(viaRest.status).toBe(400);
    expect((viaRest.body.errors as Array<{ pointer: string }>).map((error) => error.pointer)).toEqual(['/body/subjectIdentity/patientName']);
    const viaGraphql = await graphql(registerMutation, { input: { subjectIdentity: { ...identity, sex: 'FEMALE', patientName: nul } } });
    expect(viaGraphql.errors?.[0]?.extensions?.violations?.map((violation) => violation.pointer)).toEqual(['/body/subjectIdentity/patientName']);
    const viaGrpc = await grpc('RegisterStudy', { body: { subject_identity: { ...grpcIdentity, patient_name: nul } } });
    expect(viaGrpc.error?.code).toBe(3);
    expect(grpcDetails(viaGrpc.error).details.map((detail) => detail.pointer)).toEqual(['/body/subjectIdentity/patientName']);
    expect(await storedStudies()).toBe(0);
  });

  it('a NUL character in a query parameter names the parameter', async () => {
    const viaRest = await rest('/studies?modality=X%00C');
    expect(viaRest.status).toBe(400);
    expect(viaRest.body).toMatchObject({ code: 'invalid_argument', errors: [{ pointer: '/query/modality', message: 'must not contain a NUL character (U+0000)' }] });
    const viaGraphql = await graphql('query($modality: String) { listStudies(modality: $modality) { items { id } } }', { modality: 'X\u0000C' });
    expect(viaGraphql.errors?.[0]?.extensions).toMatchObject({ errorCode: 'invalid_argument', violations: [{ pointer: '/query/modality' }] });
    const viaGrpc = await grpc('ListStudies', { modality: 'X\u0000C' });
    expect(viaGrpc.error?.code).toBe(3);
    expect(grpcDetails(viaGrpc.error).details.map((detail) => detail.pointer)).toEqual(['/query/modality']);
  });

  it('an unpaired surrogate answers invalid_argument naming the field (REST and GraphQL; gRPC strings are UTF-8)', async () => {
    // JSON.stringify writes a lone surrogate as the escape \ud800, as any client may send it.
    const viaRest = await rest('/studies', { method: 'POST', body: { subjectIdentity: identity, description: loneSurrogate } });
    expect(viaRest.status).toBe(400);
    expect(viaRest.body).toMatchObject({ code: 'invalid_argument', errors: [{ pointer: '/body/description', message: 'must not contain an unpaired UTF-16 surrogate' }] });
    const viaGraphql = await graphql(registerMutation, { input: { subjectIdentity: { ...identity, sex: 'FEMALE' }, description: loneSurrogate } });
    expect(viaGraphql.errors?.[0]?.extensions).toMatchObject({ errorCode: 'invalid_argument', violations: [{ pointer: '/body/description' }] });
    // A property name is text too (here of a JSON body, where the schema would otherwise reject it unnamed).
    const viaRestKey = await rest('/studies', { method: 'POST', body: { subjectIdentity: identity, [`x${nul}`]: 1 } });
    expect(viaRestKey.status).toBe(400);
    expect(viaRestKey.body.errors).toContainEqual({ pointer: '/body', message: 'has a property name that contains a NUL character (U+0000)' });
    expect(await storedStudies()).toBe(0);
  });

  it('a conflict no retry can resolve answers retryable false in the three protocols', async () => {
    const created = await rest('/studies', { method: 'POST', body: { subjectIdentity: identity, description: 'to cancel' } });
    expect(created.status).toBe(201);
    const studyId = created.body.id as string;
    const cancelled = await rest(`/studies/${studyId}/cancellation`, { method: 'POST', token: admin, headers: { 'if-match': '*' }, body: { reason: 'wrong patient' } });
    expect(cancelled.status).toBe(200);
    const again = await rest(`/studies/${studyId}/cancellation`, { method: 'POST', token: admin, headers: { 'if-match': '*' }, body: { reason: 'again' } });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'conflict', retryable: false });
    const viaGraphql = await graphql('mutation($id: String!) { cancelStudy(studyId: $id, ifMatch: "*", input: { reason: "again" }) { id } }', { id: studyId }, admin);
    expect(viaGraphql.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', errorCode: 'conflict', retryable: false });
    const viaGrpc = await grpc('CancelStudy', { study_id: studyId, if_match: '*', body: { reason: 'again' } }, admin);
    expect(viaGrpc.error?.code).toBe(10);
    expect(grpcDetails(viaGrpc.error)).toMatchObject({ reason: 'conflict', retryable: false });
  });

  it('no refused input left a log line; a server failure leaves one per call in every protocol, with its request id', async () => {
    expect(logLines).toEqual([]);
    // With the database gone every call fails on the server's side: 503, unavailable.
    await world.db.close();
    const viaRest = await rest('/studies');
    expect(viaRest.status).toBe(503);
    expect(viaRest.body).toMatchObject({ code: 'unavailable', retryable: true });
    const viaGraphql = await graphql('{ listStudies { items { id } } }', {});
    expect(viaGraphql.errors?.[0]?.extensions).toMatchObject({ errorCode: 'unavailable', retryable: true });
    const viaGrpc = await grpc('ListStudies', {});
    expect(viaGrpc.error?.code).toBe(14);
    const failures = logLines.filter((line) => line.msg === `${String(line.protocol)} request failed`);
    expect(failures.map((line) => [line.protocol, line.operation, line.code, line.level])).toEqual([
      ['rest', 'listStudies', 'unavailable', 50],
      ['graphql', 'listStudies', 'unavailable', 50],
      ['grpc', 'listStudies', 'unavailable', 50],
    ]);
    for (const line of failures) expect(line.reqId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
