import { createHash } from 'node:crypto';
import { ApiError, errorCatalog, type ErrorCode } from '../../src/runtime/errors.ts';
import type { GetNoteOutput, NotesV1Handlers, WatchNotesOutput } from './generated/notes/v1/server.ts';

// A stored note: what the contract returns, plus what it must never return (the write-only secret
// and fields it does not declare), which the runtime's projection has to drop.
type Note = GetNoteOutput & { secret?: string; author?: string; internal: string };

/** An in-memory implementation of the test Notes API, typed by its generated interface; `notes` is its store. */
export function notesService(): NotesV1Handlers & { notes: Map<string, Note> } {
  const notes = new Map<string, Note>();
  const attachments = new Map<string, { bytes: Buffer; contentType: string }>();
  const events: WatchNotesOutput[] = [];
  const listeners = new Set<() => void>();
  let counter = 0;
  const publish = (event: WatchNotesOutput): void => {
    events.push(event);
    for (const listener of listeners) listener();
  };
  const find = (id: string): Note => {
    const note = notes.get(id);
    if (!note) throw new ApiError('not_found', `note ${id} does not exist`);
    return note;
  };
  return {
    notes,
    async createNote({ body }, context) {
      counter += 1;
      const note: Note = {
        id: `note_${counter}`,
        title: body.title,
        status: body.status ?? 'draft',
        ...(body.tags ? { tags: body.tags } : {}),
        ...(body.priority ? { priority: body.priority } : {}),
        ...(body.tone ? { tone: body.tone } : {}),
        ...(body.wordLimit !== undefined ? { wordLimit: body.wordLimit } : {}),
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
    async listNotes({ query }) {
      return { items: [...notes.values()].filter((note) => query.status === undefined || note.status === query.status).slice(0, query.limit ?? 20) };
    },
    async getNote({ path }) {
      return find(path.noteId);
    },
    async updateNote({ path, header, body }) {
      const note = find(path.noteId);
      const expected = header['If-Match'].replace(/^W\//, '').replaceAll('"', '');
      if (expected !== String(note.version)) throw new ApiError('precondition_failed', `note is at version ${note.version}`);
      Object.assign(note, body, { version: note.version + 1 });
      return note;
    },
    async deleteNote({ path }) {
      const note = find(path.noteId);
      notes.delete(note.id);
      publish({ type: 'note.deleted', sequence: events.length + 1, noteId: note.id });
    },
    async failNote({ query }) {
      const code = query.code;
      if (code === 'crash') throw new Error('a secret stack detail');
      if (!(code in errorCatalog)) throw new ApiError('invalid_argument', `unknown code ${code}`);
      throw new ApiError(code as ErrorCode, `failed with ${code}`, code === 'invalid_argument' ? [{ pointer: '/query/code', message: 'chosen to fail' }] : []);
    },
    async uploadAttachment({ path, body: upload }) {
      const parts: Buffer[] = [];
      for await (const chunk of upload.chunks) parts.push(Buffer.from(chunk));
      const bytes = Buffer.concat(parts);
      attachments.set(path.noteId, { bytes, contentType: upload.contentType || 'application/octet-stream' });
      return { size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), contentType: upload.contentType };
    },
    async downloadAttachment({ path }) {
      const stored = attachments.get(path.noteId);
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
    async renderNote({ path, query }) {
      const note = find(path.noteId);
      const rule = '—'.repeat(query.width ?? 10);
      const bytes = Buffer.from(`${note.title}\n${rule}\n${(note.tags ?? []).join(', ')}`);
      return { contentType: 'text/plain; charset=utf-8', size: bytes.length, etag: String(note.version), async *read() {
        // Chunks that split the rule's three-byte characters, as a stream may.
        for (let offset = 0; offset < bytes.length; offset += 4) yield bytes.subarray(offset, offset + 4);
      } };
    },
    // Replays the events after `after`, then follows new ones until the caller goes away.
    async *watchNotes({ query }, context) {
      let next = query.after ?? 0;
      while (!context.signal.aborted) {
        while (next < events.length) {
          yield events[next]!;
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
