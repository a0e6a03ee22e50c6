import { describe, expect, it } from 'vitest';
import { compileContract } from '../../src/compiler/compile.ts';
import type { Api, Operation } from '../../src/compiler/ir.ts';
import { Fixtures, type World } from '../../src/conformance/fixtures.ts';
import { skip } from '../../src/conformance/model.ts';
import type { Target } from '../../src/conformance/target.ts';
import { sampleContract } from '../../tools/init/contract.ts';

// Inputs generated for a contract the fixtures have no recipes for (the scaffold's notes) read the
// seed data's ids only where the operation names a resource, and a write gets one of its own.

class RecordingFixtures extends Fixtures {
  readonly read: string[] = [];
  readonly fresh: string[] = [];
  private readonly ids: Record<string, string | Error>;
  constructor(ids: Record<string, string | Error>) {
    super({ tokens: { orgId: 'org_test', token: async (_variant: string, role: string) => (role === 'writer' ? 'token' : { skipped: `no token for ${role}` }) } } as unknown as Target, 5);
    this.ids = ids;
  }
  override get world(): World {
    return { technicianId: '', doctorId: '' };
  }
  override async setup(): Promise<World> {
    return this.world;
  }
  override creates(_api: string, operation: Operation): boolean {
    return operation.id === 'createNote';
  }
  override seededId(_api: string | undefined, parameter: string): string | undefined {
    this.read.push(parameter);
    const id = this.ids[parameter];
    return id instanceof Error ? skip(id.message) : id;
  }
  override async freshId(_api: string, parameter: string): Promise<string | undefined> {
    this.fresh.push(parameter);
    return `${String(this.ids[parameter])}-fresh`;
  }
}

async function notes(): Promise<Api> {
  const path = 'contracts/notes/v1/openapi.yaml';
  return (await compileContract(path, (file) => (file === path ? sampleContract : undefined), { name: 'notes', version: 1 }, { outputs: [] })).api!;
}

describe('generated inputs and the seed data', () => {
  it('read only the ids of their own path parameters: a list and a create need no note, even when none could be made', async () => {
    const api = await notes();
    const at = (id: string) => api.operations.find((operation) => operation.id === id)!;
    const fixtures = new RecordingFixtures({ noteId: new Error('needs a note: setup notes/v1 createNote as writer failed: http_500') });
    const list = await fixtures.prepare(api, at('listNotes'));
    expect(list).toMatchObject({ role: 'writer', refersToResource: false });
    // An optional number gets a valid value, for the checks of invalid inputs to break.
    expect(list.input.query?.limit).toEqual(expect.any(Number));
    expect((await fixtures.prepare(api, at('createNote'))).input.body).toEqual({ title: expect.any(String) });
    // A create body's required `title` is asked about (it could have been a created id), the note never.
    expect(fixtures.read).toEqual(['title']);
    await expect(fixtures.prepare(api, at('getNote'))).rejects.toThrow('needs a note: setup notes/v1 createNote as writer failed: http_500');
    expect(fixtures.read).toEqual(['title', 'noteId']);
  });

  it('a read gets the seed data\'s note; a delete a note of its own', async () => {
    const api = await notes();
    const at = (id: string) => api.operations.find((operation) => operation.id === id)!;
    const fixtures = new RecordingFixtures({ noteId: 'note_seeded1' });
    expect(await fixtures.prepare(api, at('getNote'))).toMatchObject({ input: { path: { noteId: 'note_seeded1' } }, role: 'writer', refersToResource: true });
    expect((await fixtures.prepare(api, at('deleteNote'))).input.path).toEqual({ noteId: 'note_seeded1-fresh' });
    expect(fixtures.fresh).toEqual(['noteId']);
  });
});
