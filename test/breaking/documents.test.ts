import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { breakingDocuments } from '../../tools/breaking.ts';
import { repoRoot } from '../e2e/workspace.ts';

// A small pet shop, written out as each test needs it: two reads, and a pet with a status.
interface Shop {
  openapi?: '3.0.3' | '3.1.0';
  listPets?: boolean;
  adoptPet?: boolean;
  statuses?: string[];
  /** Drop the `name` property of Pet (the first of its three). */
  withoutName?: boolean;
}

function shop(options: Shop = {}): Record<string, unknown> {
  const nullable = options.openapi === '3.0.3' ? { type: 'string', nullable: true } : { type: ['string', 'null'] };
  const paths: Record<string, unknown> = {
    '/pets/{petId}': {
      get: {
        operationId: 'getPet',
        parameters: [{ name: 'petId', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '200': { description: 'The pet', content: { 'application/json': { schema: { $ref: '#/components/schemas/Pet' } } } } },
      },
    },
  };
  if (options.listPets !== false) {
    paths['/pets'] = {
      get: {
        operationId: 'listPets',
        responses: { '200': { description: 'Every pet', content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/Pet' } } } } } },
      },
    };
  }
  if (options.adoptPet) {
    paths['/pets/{petId}/adoption'] = {
      post: {
        operationId: 'adoptPet',
        parameters: [{ name: 'petId', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '200': { description: 'Adopted', content: { 'application/json': { schema: { $ref: '#/components/schemas/Pet' } } } } },
      },
    };
  }
  const properties: Record<string, unknown> = {
    ...(options.withoutName ? {} : { name: { type: 'string' } }),
    status: { type: 'string', enum: options.statuses ?? ['available', 'adopted'] },
    nickname: nullable,
  };
  return {
    openapi: options.openapi ?? '3.1.0',
    info: { title: 'Pet shop', version: '1.0.0' },
    paths,
    components: { schemas: { Pet: { type: 'object', required: ['status'], properties } } },
  };
}

describe('trident breaking OLD NEW: two documents', () => {
  const folder = mkdtempSync(join(tmpdir(), 'trident-documents-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const write = (name: string, document: Record<string, unknown>): string => {
    writeFileSync(join(folder, name), name.endsWith('.json') ? JSON.stringify(document, null, 2) : stringify(document));
    return name;
  };
  const compare = async (before: string, after: string, failOn?: 'breaking' | 'dangerous') => {
    const output: string[] = [];
    const result = await breakingDocuments({ cwd: folder, before, after, today: '2026-06-01', ...(failOn ? { failOn } : {}), log: (text) => output.push(text) });
    const findings = result.report?.versions.flatMap((version) => version.findings) ?? [];
    return { ...result, text: output.join(''), findings: findings.map((finding) => `${finding.status} ${finding.rule} ${finding.subject}`) };
  };

  it('fails on a removed operation and names it, with no changelog advice', async () => {
    const before = write('old.yaml', shop());
    const after = write('new.yaml', shop({ listPets: false }));
    const { exitCode, findings, text } = await compare(before, after);
    expect(exitCode).toBe(1);
    expect(findings).toContain('fail operation-removed listPets');
    expect(text).toContain('Breaking-change gate: new.yaml against old.yaml');
    expect(text).toMatch(/FAIL old\.yaml:\d+:\d+ \(in old\.yaml\)\s+operation-removed/);
    expect(text).not.toContain('CHANGELOG.yaml');
    expect(text).toContain('Result: FAILED: 1 breaking change is not allowed; exit code 1.');
  });

  it('passes an added operation', async () => {
    const { exitCode, findings } = await compare(write('old.yaml', shop()), write('added.yaml', shop({ adoptPet: true })));
    expect(exitCode).toBe(0);
    expect(findings).toEqual(['info operation-added adoptPet']);
  });

  it('reads OpenAPI 3.0 JSON beside OpenAPI 3.1 YAML: the same API in both dialects has no change', async () => {
    const { exitCode, findings, report } = await compare(write('old-3.0.json', shop({ openapi: '3.0.3' })), write('new.yaml', shop()));
    expect(exitCode).toBe(0);
    expect(findings).toEqual([]);
    expect(report?.versions.map((version) => `${version.api} v${version.version} ${version.change}`)).toEqual(['pet_shop v1 changed']);
  });

  it('fails on dangerous changes only with --fail-on dangerous', async () => {
    const before = write('old.yaml', shop());
    const after = write('status.yaml', shop({ statuses: ['available', 'adopted', 'reserved'] }));
    const lenient = await compare(before, after);
    expect(lenient.exitCode).toBe(0);
    expect(lenient.findings).toEqual(['warning response-enum-value-added PetStatus.reserved']);
    const strict = await compare(before, after, 'dangerous');
    expect(strict.exitCode).toBe(1);
    expect(strict.findings).toEqual(['fail response-enum-value-added PetStatus.reserved']);
    expect(strict.text).toContain('Result: FAILED: 1 dangerous change is not allowed (--fail-on dangerous); exit code 1.');
  });

  it('numbers the second document by the first one\'s lock: a removed property moves no other number', async () => {
    const { exitCode, findings } = await compare(write('old.yaml', shop()), write('unnamed.yaml', shop({ withoutName: true })));
    expect(exitCode).toBe(1);
    expect(findings.filter((finding) => finding.startsWith('fail'))).toEqual(['fail response-optional-property-removed Pet.name']);
    expect(findings.some((finding) => finding.includes('proto-number'))).toBe(false);
  });

  it('cannot judge a missing file or a document that does not compile (exit 2), and says which', async () => {
    const missing = await compare('old.yaml', 'nowhere.yaml');
    expect(missing.exitCode).toBe(2);
    expect(missing.text).toContain('nowhere.yaml: no such file');
    writeFileSync(join(folder, 'broken.yaml'), 'openapi: 3.1.0\ninfo: {title: Broken, version: "1"}\npaths:\n  /pets:\n    get:\n      responses: 12\n');
    const broken = await compare('old.yaml', 'broken.yaml');
    expect(broken.exitCode).toBe(2);
    expect(broken.text).toContain('broken.yaml does not compile in broken.yaml');
    expect(broken.text).toContain('Result: ERROR');
  });

  it('places findings as the file has them when a JSON document has characters beyond ASCII, read ahead by the command line too', async () => {
    // One line each, with accents, dashes and a character outside the Basic Multilingual Plane
    // before the places the findings point at.
    const described = (document: Record<string, unknown>): Record<string, unknown> => ({ ...document, info: { ...(document.info as object), description: 'Café — the “shop” 🚢' } });
    writeFileSync(join(folder, 'old-one-line.json'), JSON.stringify(described(shop())));
    writeFileSync(join(folder, 'new-one-line.json'), JSON.stringify(described(shop({ listPets: false, statuses: ['available', 'adopted', 'reserved'] }))));
    const output: string[] = [];
    const inProcess = await breakingDocuments({ cwd: folder, before: 'old-one-line.json', after: 'new-one-line.json', today: '2026-06-01', format: 'json', log: (text) => output.push(text) });
    const cli = spawnSync(process.execPath, [join(repoRoot, 'tools/trident.ts'), 'breaking', 'old-one-line.json', 'new-one-line.json', '--today', '2026-06-01', '--format', 'json'], { cwd: folder, encoding: 'utf8' });
    expect(cli.status).toBe(inProcess.exitCode);
    expect(JSON.parse(cli.stdout)).toEqual(JSON.parse(output.join('')));
    const places = (inProcess.report?.versions.flatMap((version) => version.findings) ?? []).map((finding) => `${finding.rule} ${finding.location.side} ${finding.location.line}:${finding.location.col}`);
    // Columns in UTF-16 units of the file's own text: past the 🚢, whose escape is twelve bytes long.
    const text = JSON.stringify(described(shop()));
    expect(places).toContain(`operation-removed base 1:${text.indexOf('"get"', text.indexOf('"/pets":')) + 1}`);
    expect(places.some((place) => place.startsWith('response-enum-value-added revision 1:'))).toBe(true);
  });

  it('runs from the command line, and refuses a third document or --base beside two', () => {
    write('old.yaml', shop());
    write('new.yaml', shop({ listPets: false }));
    const cli = (...args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'tools/trident.ts'), 'breaking', ...args], { cwd: folder, encoding: 'utf8' });
    const removed = cli('old.yaml', 'new.yaml', '--format', 'json');
    expect(removed.status).toBe(1);
    expect(JSON.parse(removed.stdout).outcome).toBe('fail');
    expect(cli('new.yaml', 'old.yaml').status).toBe(0);
    const three = cli('old.yaml', 'new.yaml', 'added.yaml');
    expect(three.status).toBe(2);
    expect(three.stderr).toContain('two documents are compared');
    expect(cli('old.yaml', 'new.yaml', '--base', 'HEAD').stderr).toContain('--base compares the contracts/ tree');
    expect(cli('old.yaml', 'new.yaml', '--fail-on', 'warnings').stderr).toContain("--fail-on takes breaking or dangerous, not 'warnings'");
  });
});
