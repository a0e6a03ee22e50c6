import { beforeAll, describe, expect, it } from 'vitest';
import { compileContract } from '../../src/compiler/compile.ts';
import type { Api } from '../../src/compiler/ir.ts';
import { loadApis, type LoadedApi } from '../../src/runtime/load.ts';
import { findCreators, nounOf, planSeed, type Creator } from '../../src/conformance/seed-plan.ts';
import { builtinFlows, flowApplies } from '../../src/conformance/run.ts';
import { flowNames } from '../../src/conformance/explicit-flows.ts';
import { sampleContract } from '../../tools/init/contract.ts';
import { repoRoot } from '../e2e/workspace.ts';

// The seed data is planned from the contracts alone: which operations create which resources,
// and which of them the API versions under test need, in an order where each comes after what it needs.

let ours: LoadedApi[];
beforeAll(async () => {
  ours = await loadApis(repoRoot);
}, 60_000);
const our = (key: string): Api => ours.find((loaded) => loaded.key === key)!.api;

/** Compiles a notes contract whose paths are `paths` (the sample's components), failing on any error. */
async function notesContract(paths?: string, name = 'notes'): Promise<Api> {
  const text = paths === undefined ? sampleContract : sampleContract.replace(/\npaths:\n[\s\S]*?\ncomponents:\n/, `\npaths:\n${paths}components:\n`);
  const path = `contracts/${name}/v1/openapi.yaml`;
  const compiled = await compileContract(path, (file) => (file === path ? text : undefined), { name, version: 1 }, { outputs: [] });
  expect(compiled.diagnostics.filter((diagnostic) => diagnostic.severity === 'error')).toEqual([]);
  return compiled.api!;
}

// One operation in the shape the sample's are written.
const operation = (method: string, id: string, result: string, security = 'writer', body = false): string => `    ${method}:
      operationId: ${id}
      summary: ${id}
      security: [{ bearerAuth: [${security}] }]
${body ? "      requestBody:\n        required: true\n        content:\n          application/json:\n            schema: { $ref: '#/components/schemas/NoteCreate' }\n" : ''}      responses:
        '${result === 'empty' ? '204' : method === 'post' ? '201' : '200'}':
          description: ${id}
${result === 'empty' ? '' : `          content:\n            application/json:\n              schema: { $ref: '#/components/schemas/Note' }\n`}        '401': { $ref: '#/components/responses/Problem' }
`;
const idParameter = (name: string) => `    parameters:\n      - name: ${name}\n        in: path\n        required: true\n        schema: { type: string }\n`;

const summary = (creators: Creator[]) => creators.map((creator) => `${creator.api} ${creator.operation.id} -> ${creator.parameter}${creator.item ? ` at ${creator.item}` : ''} (${creator.noun})`);

describe('the operations that create resources', () => {
  it('the scaffold: POST /notes fills {noteId} of /notes/{noteId}', async () => {
    expect(summary(findCreators(await notesContract()))).toEqual(['notes/v1 createNote -> noteId at /notes/{noteId} (a note)']);
  });

  it("ours: one creator per resource; an operation on an existing one (its path has the parameter) creates none", () => {
    expect(summary(['study/v1', 'study/v2', 'image/v1', 'review/v1'].flatMap((key) => findCreators(our(key))))).toEqual([
      'study/v1 registerStudy -> studyId at /studies/{studyId} (a study)',
      'study/v2 registerStudy -> studyId at /studies/{studyId} (a study)',
      'image/v1 createImage -> imageId at /images/{imageId} (an image)',
      'review/v1 recordAssessment -> assessmentId at /assessments/{assessmentId} (an assessment)',
      'review/v1 createReview -> reviewId at /reviews/{reviewId} (a review)',
    ]);
  });

  it('{id} of two collections are two resources; a nested collection creates below its parent', async () => {
    const api = await notesContract(
      `  /notes:\n${operation('post', 'createNote', 'json', 'writer', true)}  /notes/{id}:\n${idParameter('id')}${operation('get', 'getNote', 'json')}` +
        `  /tasks:\n${operation('post', 'createTask', 'json', 'writer', true)}  /tasks/{id}:\n${idParameter('id')}${operation('get', 'getTask', 'json')}` +
        `  /notes/{id}/comments:\n${idParameter('id')}${operation('post', 'addComment', 'json', 'writer', true)}  /notes/{id}/comments/{commentId}:\n${idParameter('id')}      - name: commentId\n        in: path\n        required: true\n        schema: { type: string }\n${operation('get', 'getComment', 'json')}`,
    );
    expect(summary(findCreators(api))).toEqual([
      'notes/v1 createNote -> id at /notes/{id} (a note)',
      'notes/v1 createTask -> id at /tasks/{id} (a task)',
      'notes/v1 addComment -> commentId at /notes/{id}/comments/{commentId} (a comment)',
    ]);
    const { providers, steps } = planSeed([api], new Set(['notes/v1']));
    const at = (id: string) => api.operations.find((candidate) => candidate.id === id)!;
    expect(providers.of('notes/v1', 'id', at('getTask'))?.operation.id).toBe('createTask');
    expect(providers.of('notes/v1', 'id', at('getComment'))?.operation.id).toBe('createNote');
    // The comment is created below the note that the other checks read.
    const order = steps.map((step) => `${step.creator.operation.id} after [${step.needs.map((need) => need.operation.id).join(', ')}]`);
    expect([...order].sort()).toEqual(['addComment after [createNote]', 'createNote after []', 'createTask after []']);
    expect(order.indexOf('createNote after []')).toBeLessThan(order.indexOf('addComment after [createNote]'));
  });

  it('a POST that answers no id, or answers nothing, creates nothing', async () => {
    const api = await notesContract(`  /notes/{noteId}:\n${idParameter('noteId')}${operation('get', 'getNote', 'json')}  /exports:\n${operation('post', 'exportNotes', 'empty')}`);
    expect(findCreators(api)).toEqual([]);
    expect(planSeed([api], new Set(['notes/v1'])).steps).toEqual([]);
  });
});

describe('the seed data of the API versions under test', () => {
  const plan = (underTest: string[], declared?: (creator: Creator) => string[] | undefined, wanted?: string[]) =>
    planSeed(ours.map((loaded) => loaded.api), new Set(underTest), declared, wanted).steps.map((step) => `${step.creator.api} ${step.creator.operation.id}`);

  it('what their operations name, and what that needs, from any API version; nothing for the others', () => {
    expect(plan(['study/v2'])).toEqual(['study/v2 registerStudy']);
    expect(plan(['study/v1'])).toEqual(['study/v1 registerStudy']);
    // An image's body names its study: a study of the latest major version is made first.
    expect(plan(['image/v1'])).toEqual(['study/v2 registerStudy', 'image/v1 createImage']);
    expect(plan(['review/v1'])).toEqual(['study/v2 registerStudy', 'review/v1 recordAssessment', 'review/v1 createReview']);
    // A seed written down says what it needs beyond its body's required ids (the review's image).
    const declared = (creator: Creator) => (creator.api === 'review/v1' ? ['studyId', 'imageId'] : undefined);
    expect(plan(['review/v1'], declared)).toEqual(['study/v2 registerStudy', 'image/v1 createImage', 'review/v1 recordAssessment', 'review/v1 createReview']);
    // A flow written down may name a resource none of them does.
    expect(plan(['study/v1'], undefined, ['imageId'])).toEqual(['study/v1 registerStudy', 'image/v1 createImage']);
  });

  it('the scaffold: a note', async () => {
    const notes = await notesContract();
    expect(planSeed([notes, ...ours.map((loaded) => loaded.api)], new Set(['notes/v1'])).steps.map((step) => step.creator.operation.id)).toEqual(['createNote']);
  });
});

describe('built-in flows', () => {
  it('the review workflow runs where its API versions and operations are, and nowhere else', async () => {
    const [review] = builtinFlows();
    expect(flowApplies(review!, ours)).toBe(true);
    expect(flowApplies(review!, ours.filter((loaded) => loaded.key !== 'review/v1'))).toBe(false);
    const notes = await notesContract();
    expect(flowApplies(review!, [{ ...ours[0]!, key: 'notes/v1', api: notes }])).toBe(false);
    // Another team's API that is also named review/v1 is not ours.
    const theirs = await notesContract(undefined, 'review');
    expect(flowApplies(review!, [...ours.filter((loaded) => loaded.key !== 'review/v1'), { ...ours[0]!, key: 'review/v1', api: theirs }])).toBe(false);
    // What it substitutes without saving it first is what the seed data must hold.
    expect(flowNames(review!)).toEqual(['studyId', 'doctorId']);
  });
});

describe('nouns', () => {
  it.each([
    ['noteId', undefined, 'a note'],
    ['assessmentId', undefined, 'an assessment'],
    ['userId', undefined, 'a user'],
    ['uploadId', undefined, 'an upload'],
    ['subjectIdentityId', undefined, 'a subject identity'],
    ['id', '/notes/{id}', 'a note'],
    ['id', '/statuses/{id}', 'a status'],
    ['id', '/analysis/{id}', 'an analysis'],
    ['id', undefined, 'a resource'],
  ])('%s at %s is %s', (parameter, item, noun) => {
    expect(nounOf(parameter, item)).toBe(noun);
  });
});
