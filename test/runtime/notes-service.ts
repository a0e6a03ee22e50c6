import { createHash } from 'node:crypto';
import { ApiError, errorCatalog, type ErrorCode } from '../../src/runtime/errors.ts';
import type { BinaryContent, BinaryUpload, OperationContext, OperationInput } from '../../src/runtime/handler.ts';

interface Note {
  id: string;
  title: string;
  status: string;
  tags?: string[];
  version: number;
  createdAt: string;
  secret?: string;
  author?: string;
  internal: string;
}

type Event = { type: 'note.created'; sequence: number; noteId: string; title: string } | { type: 'note.deleted'; sequence: number; noteId: string };

/** An in-memory implementation of the test Notes API, written against the JSON shapes only. */
export function notesService() {
  const notes = new Map<string, Note>();
  const attachments = new Map<string, { bytes: Buffer; contentType: string }>();
  const events: Event[] = [];
  const listeners = new Set<() => void>();
  let counter = 0;
  const publish = (event: Event): void => {
    events.push(event);
    for (const listener of listeners) listener();
  };
  const find = (id: unknown): Note => {
    const note = notes.get(String(id));
    if (!note) throw new ApiError('not_found', `note ${String(id)} does not exist`);
    return note;
  };
  return {
    notes,
    async createNote(input: OperationInput, context: OperationContext) {
      const body = input.body as { title: string; status?: string; tags?: string[]; secret?: string };
      counter += 1;
      const note: Note = {
        id: `note_${counter}`,
        title: body.title,
        status: body.status ?? 'draft',
        ...(body.tags ? { tags: body.tags } : {}),
        version: 1,
        createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, counter)).toISOString(),
        ...(body.secret ? { secret: body.secret } : {}),
        author: context.principal.userId,
        internal: 'never leaves the server',
      };
      notes.set(note.id, note);
      publish({ type: 'note.created', sequence: events.length + 1, noteId: note.id, title: note.title });
      return note;
    },
    async listNotes(input: OperationInput) {
      const status = input.query?.status;
      return { items: [...notes.values()].filter((note) => status === undefined || note.status === status).slice(0, Number(input.query?.limit ?? 20)) };
    },
    async getNote(input: OperationInput) {
      return find(input.path?.noteId);
    },
    async updateNote(input: OperationInput) {
      const note = find(input.path?.noteId);
      const expected = String(input.header?.['If-Match'] ?? '').replace(/^W\//, '').replaceAll('"', '');
      if (expected !== String(note.version)) throw new ApiError('precondition_failed', `note is at version ${note.version}`);
      Object.assign(note, input.body as object, { version: note.version + 1 });
      return note;
    },
    async deleteNote(input: OperationInput) {
      const note = find(input.path?.noteId);
      notes.delete(note.id);
      publish({ type: 'note.deleted', sequence: events.length + 1, noteId: note.id });
    },
    async failNote(input: OperationInput) {
      const code = String(input.query?.code);
      if (code === 'crash') throw new Error('a secret stack detail');
      if (!(code in errorCatalog)) throw new ApiError('invalid_argument', `unknown code ${code}`);
      throw new ApiError(code as ErrorCode, `failed with ${code}`, code === 'invalid_argument' ? [{ pointer: '/query/code', message: 'chosen to fail' }] : []);
    },
    async uploadAttachment(input: OperationInput) {
      const upload = input.body as BinaryUpload;
      const parts: Buffer[] = [];
      for await (const chunk of upload.chunks) parts.push(Buffer.from(chunk));
      const bytes = Buffer.concat(parts);
      attachments.set(String(input.path?.noteId), { bytes, contentType: upload.contentType || 'application/octet-stream' });
      return { size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), contentType: upload.contentType };
    },
    async downloadAttachment(input: OperationInput): Promise<BinaryContent> {
      const stored = attachments.get(String(input.path?.noteId));
      if (!stored) throw new ApiError('not_found', 'no attachment');
      const etag = createHash('sha256').update(stored.bytes).digest('hex').slice(0, 16);
      return {
        contentType: stored.contentType,
        size: stored.bytes.length,
        etag,
        async *read(range) {
          const slice = range ? stored.bytes.subarray(range.start, range.end + 1) : stored.bytes;
          for (let offset = 0; offset < slice.length; offset += 4) yield slice.subarray(offset, offset + 4);
        },
      };
    },
    // Replays the events after `after`, then follows new ones until the caller goes away.
    async *watchNotes(input: OperationInput, context: OperationContext) {
      let next = Number(input.query?.after ?? 0);
      while (!context.signal.aborted) {
        while (next < events.length) {
          yield events[next];
          next += 1;
        }
        await new Promise<void>((resolve) => {
          const wake = (): void => {
            listeners.delete(wake);
            resolve();
          };
          listeners.add(wake);
          context.signal.addEventListener('abort', wake, { once: true });
        });
      }
    },
  };
}
