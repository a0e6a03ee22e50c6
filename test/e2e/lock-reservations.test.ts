import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generate } from '../../tools/generate.ts';
import { watchGenerate } from '../../tools/generate/watch.ts';

// A small document whose `modalities` block, dedented by two spaces, is still valid YAML: it
// leaves `properties` and takes the properties after it along as its own keys.
const document = `openapi: 3.1.0
info:
  title: Study API
  version: 1.0.0
paths:
  /studies/{studyId}:
    get:
      operationId: getStudy
      parameters:
        - { name: studyId, in: path, required: true, schema: { type: string } }
      responses:
        '200':
          description: The study.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Study'
components:
  schemas:
    Study:
      type: object
      required: [id]
      properties:
        id:
          type: string
        description:
          type: string
        modalities:
          type: array
          items:
            type: string
        studyDate:
          type: string
          format: date
        version:
          type: integer
`;
const dedented = document.replace('        modalities:\n          type: array\n          items:\n            type: string\n', '      modalities:\n        type: array\n        items:\n          type: string\n');

describe('proto numbers through a mis-indented save', () => {
  let root = '';
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  const setUp = (): void => {
    root = mkdtempSync(join(tmpdir(), 'trident-lock-'));
    writeFileSync(join(root, 'study.yaml'), document);
  };
  const options = (log: string[]) => ({ root, contracts: ['study.yaml'], outDir: 'out', only: ['proto' as const], cache: false, log: (line: string) => log.push(line) });
  const studyLock = (): unknown => JSON.parse(readFileSync(join(root, 'out/locks/study/v1/proto.lock.json'), 'utf8')).messages.Study;

  it('generate warns, naming what it reserves, and the fix brings the same numbers back', async () => {
    expect(dedented).not.toBe(document);
    setUp();
    const log: string[] = [];
    expect((await generate(options(log))).ok).toBe(true);
    const before = studyLock();
    expect(before).toEqual({ numbers: { id: 1, description: 2, modalities: 3, study_date: 4, version: 5 }, reserved: {} });

    writeFileSync(join(root, 'study.yaml'), dedented);
    const broken = await generate(options(log));
    expect(broken.ok).toBe(true);
    expect(broken.diagnostics.map((entry) => [entry.code, entry.severity, entry.message])).toEqual([
      ['lock-numbers-reserved', 'warning', "3 names left Study; the lock now reserves 'modalities' (3), 'study_date' (4), 'version' (5)"],
    ]);
    expect(log.join('\n')).toContain('study.yaml:20:5 warning lock-numbers-reserved');

    writeFileSync(join(root, 'study.yaml'), document);
    expect((await generate(options(log))).ok).toBe(true);
    expect(studyLock()).toEqual(before);
    expect(readFileSync(join(root, 'out/proto/trident/study/v1/study.proto'), 'utf8')).toMatch(/repeated string modalities = 3;[^]*study_date = 4;[^]*version = 5;/);
  });

  it('--strict refuses to reserve numbers, even of a property removed on purpose, and writes nothing', async () => {
    setUp();
    expect((await generate(options([]))).ok).toBe(true);
    const before = studyLock();
    // Under --strict the dedented block is already an error of its own (a keyword no schema has).
    writeFileSync(join(root, 'study.yaml'), document.replace('        version:\n          type: integer\n', ''));
    const result = await generate({ ...options([]), strict: true });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((entry) => [entry.code, entry.severity, entry.message])).toEqual([
      ['lock-numbers-reserved', 'error', "one name left Study; the lock now reserves 'version' (5)"],
    ]);
    expect(studyLock()).toEqual(before);
  });

  it('--watch refuses to reserve them on a save, and the fixed save keeps every number', async () => {
    setUp();
    const log: string[] = [];
    const controller = new AbortController();
    const waitFor = async (pattern: RegExp, from: number): Promise<number> => {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const index = log.slice(from).findIndex((line) => pattern.test(line));
        if (index >= 0) return from + index + 1;
        if (Date.now() > deadline) throw new Error(`no ${pattern} in:\n${log.join('\n')}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    };
    const watching = watchGenerate(options(log), controller.signal);
    try {
      let at = await waitFor(/up to date in \d+ ms/, 0);
      const before = studyLock();
      writeFileSync(join(root, 'study.yaml'), dedented);
      at = await waitFor(/errors above; watching/, at);
      expect(log.join('\n')).toMatch(/study\.yaml:20:5 error lock-numbers-reserved: 3 names left Study; the lock now reserves 'modalities' \(3\), 'study_date' \(4\), 'version' \(5\)\n[^]*hint: --watch reserves no numbers/);
      expect(studyLock()).toEqual(before);
      writeFileSync(join(root, 'study.yaml'), document);
      await waitFor(/up to date in \d+ ms/, at);
      expect(studyLock()).toEqual(before);
    } finally {
      controller.abort();
      await watching;
    }
  });
});
