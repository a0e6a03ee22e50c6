import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Metadata, status as grpcStatus, type ClientReadableStream, type ClientWritableStream, type ServiceError } from '@grpc/grpc-js';
import { errorCatalog, type ErrorCode } from '../../src/runtime/errors.ts';
import { graphql, grpcUnary, notesRoot, startHarness, type Harness } from './harness.ts';
import { notesService } from './notes-service.ts';

const service = 'trident.notes.v1.NotesService';
let harness: Harness;
let notes: ReturnType<typeof notesService>;
let writer = '';
let reader = '';
const rest = (path: string, init: RequestInit & { token?: string } = {}) =>
  fetch(`${harness.servers.httpUrl}/notes/v1${path}`, {
    ...init,
    headers: { ...(init.body && typeof init.body === 'string' ? { 'content-type': 'application/json' } : {}), ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...(init.headers as Record<string, string>) },
  });
const gql = (query: string, variables: object = {}, token?: string) => graphql(`${harness.servers.httpUrl}/notes/v1/graphql`, query, variables, token);
const grpc = (method: string, request: object, token?: string, deadlineMs?: number) => grpcUnary(harness.grpcClient(service), method, request, token, deadlineMs);
const metadataWith = (token: string) => {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return metadata;
};

// The signal each call of these handlers was given, to see when the binding aborts it.
const signals: { getNote: AbortSignal[]; watchNotes: AbortSignal[] } = { getNote: [], watchNotes: [] };

beforeAll(async () => {
  notes = notesService();
  const { getNote, watchNotes } = notes;
  notes.getNote = (input, context) => {
    signals.getNote.push(context.signal);
    return getNote(input, context);
  };
  notes.watchNotes = (input, context) => {
    signals.watchNotes.push(context.signal);
    return watchNotes(input, context);
  };
  harness = await startHarness(notesRoot, { 'notes/v1': notes });
  writer = await harness.token(['writer']);
  reader = await harness.token(['reader']);
});
afterAll(async () => harness?.servers.close());

describe('one implementation, three protocols', () => {
  it('returns the same note through REST, GraphQL and gRPC (after the documented normalisation)', async () => {
    const created = await rest('/notes', { method: 'POST', token: writer, body: JSON.stringify({ title: 'Same everywhere', status: 'in_review', tags: ['x', 'y'] }) });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const viaRest = await (await rest(`/notes/${id}`, { token: reader })).json();
    const viaGraphql = (await gql('query($id: String!) { getNote(noteId: $id) { id title status tags version createdAt author } }', { id }, reader)).body.data?.getNote as Record<string, unknown>;
    const viaGrpc = (await grpc('GetNote', { note_id: id }, reader)).response?.body as Record<string, unknown>;
    expect(viaRest).toEqual({ id, title: 'Same everywhere', status: 'in_review', tags: ['x', 'y'], version: 1, createdAt: expect.any(String), author: 'usr_tester' });
    expect(viaGraphql).toEqual({ ...viaRest, status: 'IN_REVIEW', version: '1' });
    expect(viaGrpc).toMatchObject({ id, title: 'Same everywhere', status: 'NOTE_STATUS_IN_REVIEW', tags: ['x', 'y'], version: '1', author: 'usr_tester' });
    const timestamp = viaGrpc.created_at as { seconds: string; nanos: number };
    expect(new Date(Number(timestamp.seconds) * 1000).toISOString()).toBe((viaRest as { createdAt: string }).createdAt);
  });

  it('a write through gRPC is read through GraphQL and REST', async () => {
    const { response } = await grpc('CreateNote', { body: { title: 'From gRPC', status: 'NOTE_STATUS_PUBLISHED' } }, writer);
    const id = (response?.body as { id: string }).id;
    const viaGraphql = await gql('query($id: String!) { getNote(noteId: $id) { title status } }', { id }, reader);
    expect(viaGraphql.body.data?.getNote).toEqual({ title: 'From gRPC', status: 'PUBLISHED' });
    expect(await (await rest(`/notes/${id}`, { token: reader })).json()).toMatchObject({ title: 'From gRPC', status: 'published' });
  });

  it('never returns undeclared or write-only fields', async () => {
    const created = await (await rest('/notes', { method: 'POST', token: writer, body: JSON.stringify({ title: 'Secret', secret: 'hunter' }) })).json() as Record<string, unknown>;
    expect(notes.notes.get(created.id as string)?.secret).toBe('hunter');
    expect(created).not.toHaveProperty('secret');
    expect(created).not.toHaveProperty('internal');
    const viaGrpc = (await grpc('GetNote', { note_id: created.id }, reader)).response?.body as Record<string, unknown>;
    expect(viaGrpc).not.toHaveProperty('secret');
    expect(viaGrpc).not.toHaveProperty('internal');
  });
});

describe('names the contract chose, or the compiler chose for it, in every protocol', () => {
  // Priority: `low` and `-low` (LOW and LOW_2); Tone: `+1` and `-1` named by x-enum-varnames;
  // wordLimit: `maxWords` in GraphQL and `word_cap` in proto.
  it('a write through REST reads back through GraphQL and gRPC under the chosen names', async () => {
    const created = (await (await rest('/notes', { method: 'POST', token: writer, body: JSON.stringify({ title: 'Chosen', priority: '-low', tone: '-1', wordLimit: 50 }) })).json()) as { id: string };
    const viaGraphql = await gql('query($id: String!) { getNote(noteId: $id) { priority tone maxWords } }', { id: created.id }, reader);
    expect(viaGraphql.body.data?.getNote).toEqual({ priority: 'LOW_2', tone: 'DISAGREE', maxWords: '50' });
    const viaGrpc = (await grpc('GetNote', { note_id: created.id }, reader)).response?.body as Record<string, unknown>;
    expect(viaGrpc).toMatchObject({ priority: 'PRIORITY_LOW_2', tone: 'TONE_DISAGREE', word_cap: '50' });
  });

  it('writes through GraphQL and gRPC arrive as the JSON values', async () => {
    const viaGraphql = await gql('mutation($input: NoteCreateInput!) { createNote(input: $input) { id } }', { input: { title: 'Graph', priority: 'LOW', tone: 'AGREE', maxWords: '7' } }, writer);
    const graphqlId = (viaGraphql.body.data?.createNote as { id: string }).id;
    expect(await (await rest(`/notes/${graphqlId}`, { token: reader })).json()).toMatchObject({ priority: 'low', tone: '+1', wordLimit: 7 });
    const viaGrpc = await grpc('CreateNote', { body: { title: 'Wire', priority: 'PRIORITY_LOW_2', tone: 'TONE_DISAGREE', word_cap: '9' } }, writer);
    const grpcId = (viaGrpc.response?.body as { id: string }).id;
    expect(await (await rest(`/notes/${grpcId}`, { token: reader })).json()).toMatchObject({ priority: '-low', tone: '-1', wordLimit: 9 });
  });
});

describe('validation is the contract\'s, in every protocol', () => {
  const tooLong = 'A title far longer than twenty';
  it('rejects a length GraphQL and proto cannot express', async () => {
    const viaRest = await rest('/notes', { method: 'POST', token: writer, body: JSON.stringify({ title: tooLong }) });
    expect(viaRest.status).toBe(400);
    const problem = (await viaRest.json()) as { code: string; errors: Array<{ pointer: string }> };
    expect(problem.code).toBe('invalid_argument');
    expect(problem.errors.map((error) => error.pointer)).toContain('/body/title');
    const viaGraphql = await gql('mutation($input: NoteCreateInput!) { createNote(input: $input) { id } }', { input: { title: tooLong } }, writer);
    expect(viaGraphql.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', errorCode: 'invalid_argument', violations: [expect.objectContaining({ pointer: '/body/title' })] });
    const viaGrpc = await grpc('CreateNote', { body: { title: tooLong } }, writer);
    expect(viaGrpc.error?.code).toBe(grpcStatus.INVALID_ARGUMENT);
  });

  it('rejects a pattern on a path parameter and an item of an array', async () => {
    expect((await rest('/notes/not-a-note-id', { token: reader })).status).toBe(400);
    expect((await grpc('GetNote', { note_id: 'not a note id' }, reader)).error?.code).toBe(grpcStatus.INVALID_ARGUMENT);
    const viaGraphql = await gql('mutation { createNote(input: {title: "Fine", tags: ["UPPER"]}) { id } }', {}, writer);
    expect(viaGraphql.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('answers malformed JSON, unknown routes and undeclared methods with problem+json', async () => {
    const malformed = await rest('/notes', { method: 'POST', token: writer, body: '{"title": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toContain('application/problem+json');
    const unknown = await rest('/nothing-here', { token: reader });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { code: string }).code).toBe('not_found');
    const wrongMethod = await rest('/notes', { method: 'DELETE', token: writer });
    expect(wrongMethod.status).toBe(405);
    // HEAD is answered wherever GET is, so Allow lists it too.
    expect(wrongMethod.headers.get('allow')).toBe('POST, GET, HEAD');
  });
});

describe('the error catalog, row by row, through all three protocols', () => {
  for (const [code, entry] of Object.entries(errorCatalog) as Array<[ErrorCode, (typeof errorCatalog)[ErrorCode]]>) {
    it(`${code}: HTTP ${entry.http}, gRPC ${entry.grpcName}, GraphQL ${entry.graphql}`, async () => {
      const viaRest = await rest(`/notes/note_x/failure?code=${code}`, { method: 'POST', token: reader });
      expect(viaRest.status).toBe(entry.http);
      const problem = (await viaRest.json()) as { code: string; status: number; type: string; title: string };
      expect(problem).toMatchObject({ code, status: entry.http, title: entry.title });
      const viaGraphql = await gql('mutation($code: String!) { failNote(noteId: "note_x", code: $code) }', { code }, reader);
      expect(viaGraphql.body.errors?.[0]?.extensions).toMatchObject({ code: entry.graphql, errorCode: code, retryable: entry.retryable });
      const viaGrpc = await grpc('FailNote', { note_id: 'note_x', code }, reader);
      expect(viaGrpc.error?.code).toBe(entry.grpc);
      expect(viaGrpc.error?.metadata.get('trident-error-code')).toEqual([code]);
      expect(viaGrpc.error?.metadata.get('grpc-status-details-bin')).toHaveLength(1);
    });
  }

  it('an unexpected failure is internal everywhere and leaks nothing', async () => {
    const viaRest = await rest('/notes/note_x/failure?code=crash', { method: 'POST', token: reader });
    expect(viaRest.status).toBe(500);
    const text = await viaRest.text();
    expect(text).not.toContain('secret stack');
    const viaGraphql = await gql('mutation { failNote(noteId: "note_x", code: "crash") }', {}, reader);
    expect(JSON.stringify(viaGraphql.body)).not.toContain('secret stack');
    expect(viaGraphql.body.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    const viaGrpc = await grpc('FailNote', { note_id: 'note_x', code: 'crash' }, reader);
    expect(viaGrpc.error?.code).toBe(grpcStatus.INTERNAL);
    expect(viaGrpc.error?.details).not.toContain('secret stack');
  });
});

describe('auth is the contract\'s, in every protocol', () => {
  const cases: Array<{ name: string; token: () => Promise<string | undefined>; http: number; graphql: string; grpc: number }> = [
    { name: 'no token', token: async () => undefined, http: 401, graphql: 'UNAUTHENTICATED', grpc: grpcStatus.UNAUTHENTICATED },
    { name: 'a bad signature', token: async () => `${(await harness.token(['writer'])).slice(0, -4)}AAAA`, http: 401, graphql: 'UNAUTHENTICATED', grpc: grpcStatus.UNAUTHENTICATED },
    { name: 'not a token', token: async () => 'not.a.token', http: 401, graphql: 'UNAUTHENTICATED', grpc: grpcStatus.UNAUTHENTICATED },
    { name: 'the wrong role', token: () => harness.token(['auditor']), http: 403, graphql: 'FORBIDDEN', grpc: grpcStatus.PERMISSION_DENIED },
  ];
  for (const entry of cases) {
    it(`${entry.name}: ${entry.http} / ${entry.graphql} / ${entry.grpc}`, async () => {
      const token = await entry.token();
      expect((await rest('/notes', { token })).status).toBe(entry.http);
      expect((await gql('{ listNotes { items { id } } }', {}, token)).body.errors?.[0]?.extensions?.code).toBe(entry.graphql);
      expect((await grpc('ListNotes', {}, token)).error?.code).toBe(entry.grpc);
    });
  }

  // deleteNote: [{bearerAuth: [writer, moderator]}, {bearerAuth: [admin]}]. Within one requirement
  // every role is needed; the requirements are alternatives.
  const holders: Array<{ roles: string[]; allowed: boolean }> = [
    { roles: ['writer'], allowed: false },
    { roles: ['moderator'], allowed: false },
    { roles: ['writer', 'moderator'], allowed: true },
    { roles: ['admin'], allowed: true },
    { roles: ['reader', 'moderator'], allowed: false },
  ];
  for (const { roles, allowed } of holders) {
    it(`deleteNote as ${roles.join(' and ')}: ${allowed ? 'allowed' : 'denied'} in every protocol`, async () => {
      const token = await harness.token(roles);
      const fresh = async () => ((await (await rest('/notes', { method: 'POST', token: writer, body: JSON.stringify({ title: 'To delete' }) })).json()) as { id: string }).id;
      const viaRest = await rest(`/notes/${await fresh()}`, { method: 'DELETE', token });
      const viaGraphql = await gql('mutation($id: String!) { deleteNote(noteId: $id) }', { id: await fresh() }, token);
      const viaGrpc = await grpc('DeleteNote', { note_id: await fresh() }, token);
      if (allowed) {
        expect(viaRest.status).toBe(204);
        expect(viaGraphql.body.errors).toBeUndefined();
        expect(viaGrpc.error).toBeUndefined();
        return;
      }
      expect(viaRest.status).toBe(403);
      expect(((await viaRest.json()) as { detail: string }).detail).toBe('This operation needs the roles writer and moderator, or the role admin.');
      expect(viaGraphql.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(viaGrpc.error?.code).toBe(grpcStatus.PERMISSION_DENIED);
    });
  }

  it('a reader may read but not write', async () => {
    expect((await rest('/notes', { method: 'POST', token: reader, body: JSON.stringify({ title: 'No' }) })).status).toBe(403);
    expect((await rest('/notes', { token: reader })).status).toBe(200);
  });
});

describe('optimistic concurrency', () => {
  it('a stale If-Match fails as a precondition in every protocol', async () => {
    const created = (await (await rest('/notes', { method: 'POST', token: writer, body: JSON.stringify({ title: 'Versioned' }) })).json()) as { id: string };
    const first = await rest(`/notes/${created.id}`, { method: 'PATCH', token: writer, headers: { 'if-match': '"1"' }, body: JSON.stringify({ title: 'Second' }) });
    expect(first.status).toBe(200);
    expect(first.headers.get('etag')).toBe('"2"');
    expect((await rest(`/notes/${created.id}`, { method: 'PATCH', token: writer, headers: { 'if-match': '"1"' }, body: JSON.stringify({ title: 'Lost' }) })).status).toBe(412);
    const viaGraphql = await gql('mutation($id: String!) { updateNote(noteId: $id, ifMatch: "\\"1\\"", input: {title: "Lost"}) { version } }', { id: created.id }, writer);
    expect(viaGraphql.body.errors?.[0]?.extensions?.code).toBe('PRECONDITION_FAILED');
    expect((await grpc('UpdateNote', { note_id: created.id, if_match: '"1"', body: { title: 'Lost' } }, writer)).error?.code).toBe(grpcStatus.FAILED_PRECONDITION);
    expect(notes.notes.get(created.id)?.title).toBe('Second');
  });
});

describe('binary content', () => {
  const bytes = Buffer.from('0123456789abcdefghij');
  it('uploads over REST and downloads with ETag and Range', async () => {
    const put = await rest('/notes/note_bin/attachment', { method: 'PUT', token: writer, headers: { 'content-type': 'application/octet-stream' }, body: bytes });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ size: 20, contentType: 'application/octet-stream' });
    const whole = await rest('/notes/note_bin/attachment', { token: reader });
    expect(Buffer.from(await whole.arrayBuffer())).toEqual(bytes);
    const etag = whole.headers.get('etag') ?? '';
    expect((await rest('/notes/note_bin/attachment', { token: reader, headers: { 'if-none-match': etag } })).status).toBe(304);
    const part = await rest('/notes/note_bin/attachment', { token: reader, headers: { range: 'bytes=5-9' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 5-9/20');
    expect(await part.text()).toBe('56789');
    const beyond = await rest('/notes/note_bin/attachment', { token: reader, headers: { range: 'bytes=50-60' } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe('bytes */20');
  });

  it('refuses an undeclared content type with 415', async () => {
    const put = await rest('/notes/note_bin/attachment', { method: 'PUT', token: writer, headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect(put.status).toBe(415);
  });

  it('uploads through GraphQL multipart', async () => {
    const form = new FormData();
    form.append('operations', JSON.stringify({ query: 'mutation($file: Upload!) { uploadAttachment(noteId: "note_gql", file: $file) { size sha256 contentType } }', variables: { file: null } }));
    form.append('map', JSON.stringify({ 0: ['variables.file'] }));
    form.append('0', new Blob([bytes], { type: 'image/png' }), 'note.png');
    const response = await fetch(`${harness.servers.httpUrl}/notes/v1/graphql`, { method: 'POST', headers: { authorization: `Bearer ${writer}` }, body: form });
    const body = (await response.json()) as { data?: { uploadAttachment: Record<string, unknown> } };
    expect(body.data?.uploadAttachment).toMatchObject({ size: '20', contentType: 'image/png' });
  });

  it('GraphQL answers a download with the REST URL of the bytes, and text as a String', async () => {
    await rest('/notes/note_url/attachment', { method: 'PUT', token: writer, headers: { 'content-type': 'application/octet-stream' }, body: bytes });
    const download = await gql('query($id: String!) { downloadAttachment(noteId: $id) { url contentType size } }', { id: 'note_url' }, reader);
    expect(download.body.data?.downloadAttachment).toEqual({ url: '/notes/v1/notes/note_url/attachment', contentType: 'application/octet-stream', size: '20' });
    const fetched = await fetch(`${harness.servers.httpUrl}/notes/v1/notes/note_url/attachment`, { headers: { authorization: `Bearer ${reader}` } });
    expect(Buffer.from(await fetched.arrayBuffer())).toEqual(bytes);
    const missing = await gql('query { downloadAttachment(noteId: "note_none") { url } }', {}, reader);
    expect(missing.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await gql('query { downloadAttachment(noteId: "note_url") { url } }')).body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const created = (await (await rest('/notes', { method: 'POST', token: writer, body: JSON.stringify({ title: 'Plain', tags: ['a', 'b'] }) })).json()) as { id: string };
    const text = await gql('query($id: String!) { renderNote(noteId: $id, width: 12) }', { id: created.id }, reader);
    expect(text.body.errors).toBeUndefined();
    expect(text.body.data?.renderNote).toBe(`Plain\n${'—'.repeat(12)}\na, b`);
    expect(await (await rest(`/notes/${created.id}/text?width=12`, { token: reader })).text()).toBe(text.body.data?.renderNote);
    expect((await gql('query { renderNote(noteId: "note_none") }', {}, reader)).body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('uploads as a gRPC client stream and downloads as a server stream', async () => {
    const client = harness.grpcClient(service);
    const uploaded = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const call = client.UploadAttachment?.(metadataWith(writer), (error: ServiceError | null, response: Record<string, unknown>) => (error ? reject(error) : resolve(response))) as ClientWritableStream<object>;
      call.write({ note_id: 'note_grpc', content_type: 'application/octet-stream', chunk: bytes.subarray(0, 7) });
      call.write({ chunk: bytes.subarray(7) });
      call.end();
    });
    expect(uploaded.body).toMatchObject({ size: '20', content_type: 'application/octet-stream' });
    const chunks: Buffer[] = [];
    const first: Record<string, unknown>[] = [];
    await new Promise<void>((resolve, reject) => {
      const call = client.DownloadAttachment?.({ note_id: 'note_grpc' }, metadataWith(reader)) as ClientReadableStream<{ chunk?: Buffer; content_type?: string; size?: string }>;
      call.on('data', (message) => {
        if (first.length === 0) first.push(message);
        if (message.chunk) chunks.push(message.chunk);
      });
      call.on('end', resolve);
      call.on('error', reject);
    });
    expect(Buffer.concat(chunks)).toEqual(bytes);
    expect(first[0]).toMatchObject({ content_type: 'application/octet-stream', size: '20' });
  });
});

describe('streams', () => {
  it('server-sent events replay after a given sequence and carry ids to resume with', async () => {
    const aborter = new AbortController();
    const response = await fetch(`${harness.servers.httpUrl}/notes/v1/events?after=1`, { headers: { authorization: `Bearer ${reader}` }, signal: aborter.signal });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader$ = response.body!.getReader();
    let text = '';
    while (!text.includes('id: 3')) text += new TextDecoder().decode((await reader$.read()).value);
    aborter.abort();
    expect(text).toContain('id: 2\nevent: note.created\ndata: {"type":"note.created","sequence":2');
    expect(text).not.toContain('id: 1\n');
  });

  it('a GraphQL subscription streams over SSE', async () => {
    const aborter = new AbortController();
    const response = await fetch(`${harness.servers.httpUrl}/notes/v1/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${reader}` },
      body: JSON.stringify({ query: 'subscription { noteEvents(after: "0") { __typename ... on NoteCreated { sequence noteId title } } }' }),
      signal: aborter.signal,
    });
    const stream = response.body!.getReader();
    let text = '';
    while (!text.includes('"sequence":"2"')) text += new TextDecoder().decode((await stream.read()).value);
    aborter.abort();
    expect(text).toContain('"__typename":"NoteCreated","sequence":"1"');
  });

  it('gRPC server streaming delivers the events, and a deadline ends the call and the handler', async () => {
    const client = harness.grpcClient(service);
    const received: Array<Record<string, unknown>> = [];
    const code = await new Promise<number>((resolve) => {
      const call = client.WatchNotes?.({ after: '0' }, metadataWith(reader), { deadline: Date.now() + 400 }) as ClientReadableStream<{ body: Record<string, unknown> }>;
      call.on('data', (message) => received.push(message.body));
      call.on('error', (error: ServiceError) => resolve(error.code));
      call.on('end', () => resolve(grpcStatus.OK));
    });
    expect(code).toBe(grpcStatus.DEADLINE_EXCEEDED);
    expect(received[0]).toMatchObject({ note_created: { sequence: '1', note_id: expect.any(String) } });
  });
});

describe('the handler signal over gRPC', () => {
  it('stays unaborted once the server has answered, and aborts when the caller cancels a stream', async () => {
    const created = (await (await rest('/notes', { method: 'POST', token: writer, body: JSON.stringify({ title: 'Signal' }) })).json()) as { id: string };
    signals.getNote.length = 0;
    expect((await grpc('GetNote', { note_id: created.id }, reader)).response).toBeDefined();
    // grpc-js reports every ended call as cancelled, a turn after its status: give it that turn.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(signals.getNote.map((signal) => signal.aborted)).toEqual([false]);

    signals.watchNotes.length = 0;
    const call = harness.grpcClient(service).WatchNotes?.({ after: '0' }, metadataWith(reader)) as ClientReadableStream<{ body: Record<string, unknown> }>;
    call.on('error', () => {});
    await new Promise((resolve) => call.once('data', resolve));
    call.cancel();
    for (let waited = 0; waited < 2000 && !signals.watchNotes[0]?.aborted; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(signals.watchNotes.map((signal) => signal.aborted)).toEqual([true]);
  });
});

describe('protocol details', () => {
  it('a deprecated API version announces Deprecation and Sunset on every response', async () => {
    const response = await rest('/notes', { token: reader });
    expect(response.headers.get('deprecation')).toBe('@1767225600');
    expect(response.headers.get('sunset')).toBe('Fri, 01 Jan 2027 00:00:00 GMT');
  });

  it('gRPC answers UNIMPLEMENTED for an unknown method', async () => {
    const client = harness.grpcClient(service);
    const error = await new Promise<ServiceError>((resolve) => {
      client.makeUnaryRequest('/trident.notes.v1.NotesService/NoSuchMethod', (value: Buffer) => value, (value: Buffer) => value, Buffer.alloc(0), (failure) => resolve(failure as ServiceError));
    });
    expect(error.code).toBe(grpcStatus.UNIMPLEMENTED);
  });
});

describe('gRPC reflection and health, seen by buf curl', () => {
  const bufCurl = async (...args: string[]): Promise<string> => {
    const { execFile } = await import('node:child_process');
    const { bufBinary } = await import('../../tools/generate.ts');
    return new Promise((resolve, reject) =>
      execFile(bufBinary(), ['curl', '--protocol', 'grpc', '--http2-prior-knowledge', ...args], { timeout: 20_000 }, (error, stdout, stderr) => (error ? reject(new Error(stderr || error.message)) : resolve(stdout))),
    );
  };
  it('reflection lists the service, and buf curl calls it with the generated descriptors', async () => {
    const url = `http://${harness.servers.grpcAddress}`;
    const services = (await bufCurl('--list-services', url)).split('\n').filter(Boolean);
    expect(services).toEqual(expect.arrayContaining(['trident.notes.v1.NotesService', 'grpc.health.v1.Health', 'grpc.reflection.v1.ServerReflection']));
    const created = (await (await rest('/notes', { method: 'POST', token: writer, body: JSON.stringify({ title: 'Via buf' }) })).json()) as { id: string };
    const answer = JSON.parse(await bufCurl('-H', `authorization: Bearer ${reader}`, '-d', JSON.stringify({ noteId: created.id }), `${url}/trident.notes.v1.NotesService/GetNote`));
    expect(answer.body).toMatchObject({ id: created.id, title: 'Via buf', status: 'NOTE_STATUS_DRAFT' });
  });
  it('health answers per service', async () => {
    const url = `http://${harness.servers.grpcAddress}/grpc.health.v1.Health/Check`;
    expect(JSON.parse(await bufCurl('-d', '{"service":"trident.notes.v1.NotesService"}', url))).toEqual({ status: 'SERVING' });
    await expect(bufCurl('-d', '{"service":"trident.nothing.v1.NothingService"}', url)).rejects.toThrow(/not_found|NotFound|unknown service/i);
  });
});
