import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../e2e/workspace.ts';

// A team adds an ordinary GET to study v2 and implements it; conformance must check it and end.
// Its input has a study id (`^stu_[0-9A-Za-z]{16,32}$`, no maxLength), which once made the
// generator of valid inputs draw without end, silently, whatever the area. The run is a child
// process, so a run that never ends fails this test instead of stalling it.

const operation = `  /studies/{studyId}/image-counts:
    get:
      operationId: countStudyImages
      summary: Count a study's images per status
      description: Counts the images of one study in each status.
      tags:
        - Studies
      security:
        - bearerAuth: [doctor]
        - bearerAuth: [org_admin]
      parameters:
        - $ref: '#/components/parameters/StudyIdPath'
      responses:
        '200':
          description: The counts.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/StudyImageCounts'
        '400':
          $ref: '../../common/errors.yaml#/components/responses/BadRequest'
        '401':
          $ref: '../../common/errors.yaml#/components/responses/Unauthorized'
        '403':
          $ref: '../../common/errors.yaml#/components/responses/Forbidden'
        '404':
          $ref: '../../common/errors.yaml#/components/responses/NotFound'
        '429':
          $ref: '../../common/errors.yaml#/components/responses/TooManyRequests'
`;

const schemas = `    StudyImageCounts:
      type: object
      description: How many images of a study are in each status.
      required:
        - studyId
        - counts
      properties:
        studyId:
          $ref: '../../common/types.yaml#/components/schemas/StudyId'
        counts:
          type: array
          description: One entry per status that has images.
          maxItems: 4
          items:
            $ref: '#/components/schemas/ImageStatusCount'
    ImageStatusCount:
      type: object
      description: The number of images in one status.
      required:
        - status
        - count
      properties:
        status:
          type: string
          description: An image status.
          maxLength: 32
        count:
          type: integer
          format: int32
          minimum: 0
`;

const handler = `    async countStudyImages({ path }, context) {
      const study = await getStudyRow(deps, context, path.studyId);
      const rows = await deps.db.query<{ status: string; count: number }>('SELECT status, count(*)::int AS count FROM images WHERE study_id = $1 GROUP BY status ORDER BY status', [study.id]);
      return { studyId: study.id, counts: rows.map((row) => ({ status: row.status, count: Number(row.count) })) };
    },

`;

/** Inserts `text` before `anchor` in a file, failing when the anchor is gone. */
function insertBefore(file: string, anchor: string, text: string): void {
  const source = readFileSync(file, 'utf8');
  const at = source.indexOf(anchor);
  if (at < 0) throw new Error(`${file} has no '${anchor.trim()}' to insert before`);
  writeFileSync(file, source.slice(0, at) + text + source.slice(at));
}

/** Runs the trident command in `cwd`, killed after `limitMs`; its exit code (null when killed) and output. */
function trident(cwd: string, args: string[], limitMs: number): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['tools/trident.ts', ...args], { cwd, env: { ...process.env, DATABASE_URL: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

let scratch: string;

beforeAll(async () => {
  // The repository as a project has it (contracts, generated code, handler module, tools,
  // configuration), without its tests, dependencies and what git ignores.
  scratch = mkdtempSync(join(tmpdir(), 'trident-new-operation-'));
  const left = new Set(['.git', 'node_modules', 'test', '.tmp', 'test-results', '.trident', '.cache', 'dist']);
  for (const entry of readdirSync(repoRoot).filter((name) => !left.has(name))) cpSync(join(repoRoot, entry), join(scratch, entry), { recursive: true });
  symlinkSync(join(repoRoot, 'node_modules'), join(scratch, 'node_modules'), 'dir');
  const contract = join(scratch, 'contracts', 'study', 'v2', 'openapi.yaml');
  insertBefore(contract, '\ncomponents:\n', `\n${operation}`.replace(/\n$/, ''));
  insertBefore(contract, '    StudyPage:\n', schemas);
  insertBefore(join(scratch, 'src', 'services', 'study', 'v2.ts'), '    async getStudySubjectIdentity(', handler);
  const generated = await trident(scratch, ['generate'], 120_000);
  expect(generated.code, generated.stderr).toBe(0);
}, 150_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('conformance of a contract with an operation added', () => {
  it('ends, with the new operation checked through every area, and says how far it got as it goes', async () => {
    const run = await trident(scratch, ['conformance', '--self', '--api', 'study/v2', '--seed', '7', '--runs', '5'], 150_000);
    expect(run.code, `killed after ${run.ms} ms; progress so far:\n${run.stderr}`).not.toBeNull();
    const row = new RegExp(`^\\s+study/v2\\s+countStudyImages\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)$`, 'm').exec(run.stdout);
    expect(row, run.stdout).not.toBeNull();
    const [passed, failed] = [Number(row![1]), Number(row![2])];
    expect(failed, run.stdout).toBe(0);
    // The valid call, 401 without credentials, invalid inputs, auth in three protocols, the same read, not_found, gRPC decoding.
    expect(passed).toBeGreaterThanOrEqual(10);
    for (const area of ['rest', 'auth', 'graphql', 'grpc', 'cross', 'flow']) expect(run.stderr).toMatch(new RegExp(`^${area}\\s+study/v2\\s+\\d+ passed, \\d+ failed, \\d+ skipped in`, 'm'));
    expect(run.stdout).toMatch(/\d+ checks: \d+ passed, 0 failed/);
    expect(run.code).toBe(0);
  }, 200_000);
});
