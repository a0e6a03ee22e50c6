import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diagnosticRegistry } from '../../src/compiler/diagnostics.ts';
import { errorCatalog } from '../../src/runtime/errors.ts';
import { generate } from '../../tools/generate.ts';
import { readCase } from '../golden/fixtures.ts';
import { copyContracts, repoRoot } from './workspace.ts';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((match) => ({ lang: match[1] ?? '', body: match[2] ?? '' }));
const trimLines = (text: string): string => text.split('\n').map((line) => line.trim()).join('\n').trim();

// `npm install`, `npm start` and `npm test` are run by .ci/run itself; the commands a team types in
// its own repository are run by the tests named below; every other command is run here.
const ciCommands = ['npm install && npm start', 'npm test'];
const shellLines = (text: string): string[] =>
  [...text.matchAll(/```sh\n([\s\S]*?)```/g)]
    .flatMap((match) => (match[1] ?? '').split('\n'))
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '');
const sectionOf = (heading: string, next: RegExp): string => {
  const start = readme.indexOf(heading);
  const rest = readme.slice(start + heading.length);
  return start < 0 ? '' : rest.slice(0, rest.search(next) < 0 ? undefined : rest.search(next));
};
const elsewhere = [...shellLines(sectionOf('## Use Trident in your repository', /^### /m)), ...shellLines(sectionOf('### Deploy: a production install', /^##/m)), ...shellLines(sectionOf('### Publish a client package', /^##/m))];
// Each command of those sections, the test that runs it, and what that test passes to run it.
const runByTests: Record<string, [file: string, evidence: string]> = {
  'npx trident init my-apis': ['test/e2e/outside.test.ts', "'trident', 'init'"],
  'cd my-apis': ['test/e2e/outside.test.ts', 'cwd: project'],
  'npm install': ['test/e2e/outside.test.ts', "['install', '--no-audit', '--no-fund', tarball]"],
  'npm install --omit=dev': ['test/e2e/outside.test.ts', "['install', '--omit=dev'"],
  'npx trident generate': ['test/e2e/outside.test.ts', "npx(['generate'])"],
  'npx trident serve': ['test/e2e/outside.test.ts', "'trident', 'serve'"],
  'npx trident conformance --self': ['test/e2e/outside.test.ts', "npx(['conformance', '--self'"],
  'npx trident breaking --base origin/main': ['test/e2e/outside.test.ts', "npx(['breaking', '--base'"],
  'npx trident package study/v2': ['test/e2e/client-package.test.ts', "'package', 'study/v2', '--out'"],
  'npx trident package study/v2 --since HEAD': ['test/e2e/project.test.ts', "'package', 'notes/v1', '--since', 'HEAD'"],
};
const commands = shellLines(readme).filter((line) => !elsewhere.includes(line));

describe('README', () => {
  it('the quick start is the one .ci/run runs', () => {
    const ci = readFileSync(join(repoRoot, '.ci/run'), 'utf8');
    for (const command of ciCommands) {
      expect(commands).toContain(command);
      expect(ci).toContain(command);
    }
  });

  it('every command a team types in its own repository is run by a test', () => {
    expect(elsewhere.length).toBeGreaterThan(5);
    expect(Object.keys(runByTests).sort()).toEqual([...new Set(elsewhere)].sort());
    for (const [command, [file, evidence]] of Object.entries(runByTests)) {
      expect(readFileSync(join(repoRoot, file), 'utf8'), `${command} in ${file}`).toContain(evidence);
    }
  });

  describe('every other command runs and succeeds in a scratch copy of the repository', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'trident-readme-'));
    for (const entry of ['package.json', 'tsconfig.json', 'buf.yaml', 'src', 'tools', 'test', 'contracts', 'generated']) {
      cpSync(join(repoRoot, entry), join(scratch, entry), { recursive: true });
    }
    symlinkSync(join(repoRoot, 'node_modules'), join(scratch, 'node_modules'));
    afterAll(() => rmSync(scratch, { recursive: true, force: true }));
    for (const command of commands.filter((line) => !ciCommands.includes(line))) {
      it(command, () => {
        const output = execFileSync('bash', ['-c', command], { cwd: scratch, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
        expect(output.length).toBeGreaterThan(0);
      });
    }
  });

  it('the example is the readme-example golden fixture', () => {
    const example = readCase('readme-example');
    const input = readFileSync(join(repoRoot, 'test/fixtures/readme-example/input/openapi.yaml'), 'utf8');
    const sources = [input, ...example.values()].map(trimLines);
    const section = readme.slice(readme.indexOf('## Example'), readme.indexOf('## Quick start'));
    const exampleBlocks = [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((match) => ({ lang: match[1] ?? '', body: match[2] ?? '' }));
    expect(exampleBlocks.length).toBe(4);
    for (const block of exampleBlocks) expect(sources.some((source) => source.includes(trimLines(block.body))), block.body).toBe(true);
  });

  it('the diagnostics example is what generate prints', async () => {
    const root = copyContracts();
    const contract = join(root, 'contracts/study/v2/openapi.yaml');
    writeFileSync(contract, readFileSync(contract, 'utf8').replace("$ref: '#/components/schemas/Study'", "$ref: '#/components/schemas/Stduy'"));
    const lines: string[] = [];
    await generate({ root, log: (line) => lines.push(line) });
    rmSync(root, { recursive: true, force: true });
    const shown = blocks.find((block) => block.lang === 'text' && block.body.startsWith('contracts/study/v2/openapi.yaml') && block.body.includes('nothing was written'));
    expect(`${lines.join('\n')}\n`).toBe(shown?.body);
  });

  it('the error catalog table is the runtime\'s catalog', () => {
    const rows = Object.entries(errorCatalog).map(([code, entry]) => `| \`${code}\` | ${entry.http} | ${entry.grpcName} (${entry.grpc}) | \`${entry.graphql}\` | ${entry.retryable ? 'yes' : 'no'} |`);
    for (const row of rows) expect(readme).toContain(row);
    expect(readme.match(/^\| `[a-z_]+` \| \d{3} \| [A-Z_]+ \(\d+\) \|/gm)).toHaveLength(rows.length);
  });

  it('lists every diagnostic code and every contract extension the compiler reads', () => {
    for (const code of Object.keys(diagnosticRegistry)) expect(readme).toContain(`| \`${code}\` |`);
    const compiler = execFileSync('grep', ['-rhoE', "'x-[a-z-]+'", join(repoRoot, 'src/compiler')], { encoding: 'utf8' });
    const extensions = new Set(compiler.split('\n').filter(Boolean).map((quoted) => quoted.slice(1, -1)));
    expect(extensions.size).toBeGreaterThan(5);
    for (const extension of extensions) expect(readme).toContain(`| \`${extension}\` |`);
  });
});
