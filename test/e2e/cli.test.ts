import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { reportFormats } from '../../src/breaking/report/index.ts';
import { roles as serviceRoles } from '../../src/services/members.ts';
import { repoRoot } from './workspace.ts';

// The command as a user types it: Node 24 of the dev dependencies running tools/trident.ts.
const node = join(repoRoot, 'node_modules', '.bin', 'node');
const cli = join(repoRoot, 'tools', 'trident.ts');
// Dev mode, whatever the environment of the test run says.
const { TRIDENT_JWT_PUBLIC_KEY: _publicKey, TRIDENT_JWT_SECRET: _secret, ...devEnv } = process.env;

function trident(args: string[], cwd = repoRoot, env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(node, [cli, ...args], { cwd, env: { ...devEnv, ...env }, encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

const commands = ['generate', 'diagnostics', 'breaking', 'changelog', 'serve', 'token', 'conformance', 'init', 'package'];
const scratch = mkdtempSync(join(tmpdir(), 'trident-cli-'));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('trident --version', () => {
  const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };

  it.each(['--version', '-v'])('%s prints the version of package.json, from any directory', async (flag) => {
    // Run from outside the repository: the version is read beside the command, not in the working directory.
    const { code, stdout } = await trident([flag], scratch);
    expect(stdout).toBe(`${version}\n`);
    expect(code).toBe(0);
  });
});

describe('trident <command> --help', () => {
  it.each(commands.flatMap((command) => [[command, '--help'], [command, '-h']]))('%s %s prints that usage and exits 0', async (command, flag) => {
    const { code, stdout, stderr } = await trident([command, flag]);
    expect(stdout).toMatch(new RegExp(`^usage:\\n  trident ${command}\\b`));
    // Only that command's usage: no other command is listed.
    for (const other of commands.filter((name) => name !== command)) expect(stdout).not.toMatch(new RegExp(`trident ${other}\\b`));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('trident --help lists every command', async () => {
    const { code, stdout } = await trident(['--help']);
    for (const command of commands) expect(stdout).toContain(`\n  trident ${command}`);
    expect(code).toBe(0);
  });

  it("breaking's usage names every report format", async () => {
    const { stdout } = await trident(['breaking', '--help']);
    for (const format of reportFormats) expect(stdout).toContain(format);
  });
});

describe('wrong commands and options', () => {
  it('an unknown command is named, with the list of commands; exit 2', async () => {
    const { code, stdout, stderr } = await trident(['genrate']);
    expect(stderr).toBe(`trident: unknown command 'genrate'; the commands are ${commands.join(', ')} ('trident --help' shows their usage)\n`);
    expect(stdout).toBe('');
    expect(code).toBe(2);
  });

  it.each([
    [['generate', '--frobnicate'], "trident generate: Unknown option '--frobnicate'"],
    [['diagnostics', '--all'], "trident diagnostics: Unknown option '--all'"],
    [['breaking', '--base'], "trident breaking: Option '--base <value>' argument missing"],
    [['serve', '--port', '9000'], "trident serve: Unknown option '--port'"],
    [['serve', '--self-check=yes'], "trident serve: Option '--self-check' does not take an argument"],
    [['token', '--role', 'doctor', '--scope', 'all'], "trident token: Unknown option '--scope'"],
    [['token', '--role'], "trident token: Option '--role <value>' argument missing"],
    [['conformance', '--selff'], "trident conformance: Unknown option '--selff'"],
  ])('%j: one line naming the option, then the usage; exit 2', async (args, line) => {
    const { code, stdout, stderr } = await trident(args);
    const [first, ...usage] = stderr.split('\n');
    expect(first).toContain(line);
    expect(usage.join('\n')).toMatch(new RegExp(`^usage:\\n  trident ${args[0]}\\b`));
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(stdout).toBe('');
    expect(code).toBe(2);
  });

  it.each([
    [['generate', '--report', 'xml'], "trident generate: --report takes text or json, not 'xml'"],
    [['generate', '--only', 'graphql,grapql'], "not 'grapql'"],
    [['generate', '--api-version', 'two'], "trident generate: --api-version takes a whole number, not 'two'"],
    [['breaking', '--base', 'HEAD', '--format', 'yaml'], "trident breaking: --format takes text, json, markdown, github, junit, not 'yaml'"],
    [['breaking', '--base', 'HEAD', '--today', 'tomorrow'], "trident breaking: --today takes a date as YYYY-MM-DD, not 'tomorrow'"],
    [['breaking'], 'trident breaking: --base is missing'],
    [['token', '--role', 'doctor', '--ttl', '0'], "trident token: --ttl takes a positive whole number of seconds, not '0'"],
    [['token', '--role', 'doctor', '--ttl', '1.5'], "trident token: --ttl takes a positive whole number of seconds, not '1.5'"],
    [['token', '--role', 'doctor', '--ttl', '1h'], "trident token: --ttl takes a positive whole number of seconds, not '1h'"],
    [['token'], 'trident token: --role is missing'],
    [['token', '--role', 'doctor', '--ttl', '86401'], 'trident token: --ttl 86401 is above the maximum token lifetime of 86400 seconds, which servers refuse; ask for at most 86400 (or raise TRIDENT_JWT_MAX_LIFETIME on the servers and here)'],
    [['conformance', '--runs', 'many'], "trident conformance: --runs takes a positive whole number, not 'many'"],
    [['conformance', '--area', 'soap'], "not 'soap'"],
  ])('%j: a bad value is named with its option; exit 2', async (args, text) => {
    const { code, stderr } = await trident(args);
    expect(stderr.split('\n')[0]).toContain(text);
    expect(stderr).toContain(`usage:\n  trident ${args[0]} `);
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(code).toBe(2);
  });
});

describe('trident token', () => {
  const payload = (token: string): Record<string, unknown> => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

  it('issues a dev token for a role of the contracts, as the README shows', async () => {
    const { code, stdout } = await trident(['token', '--role', 'doctor', '--ttl', '600']);
    expect(code).toBe(0);
    const claims = payload(stdout.trim());
    expect(claims.roles).toEqual(['doctor']);
    expect(Number(claims.exp) - Number(claims.iat)).toBe(600);
  });

  it('issues tokens no longer than TRIDENT_JWT_MAX_LIFETIME, and refuses a longer --ttl', async () => {
    const shorter = await trident(['token', '--role', 'doctor'], repoRoot, { TRIDENT_JWT_MAX_LIFETIME: '1800' });
    expect(shorter.code).toBe(0);
    const claims = payload(shorter.stdout.trim());
    expect(Number(claims.exp) - Number(claims.iat)).toBe(1800);
    const refused = await trident(['token', '--role', 'doctor', '--ttl', '3600'], repoRoot, { TRIDENT_JWT_MAX_LIFETIME: '1800' });
    expect(refused.stderr.split('\n')[0]).toBe('trident token: --ttl 3600 is above the maximum token lifetime of 1800 seconds, which servers refuse; ask for at most 1800 (or raise TRIDENT_JWT_MAX_LIFETIME on the servers and here)');
    expect(refused.code).toBe(2);
  });

  it('refuses a token limit it cannot use, in one line; exit 1', async () => {
    const { code, stdout, stderr } = await trident(['token', '--role', 'doctor'], repoRoot, { TRIDENT_JWT_CLOCK_SKEW: '3600' });
    expect(stderr.trim()).toBe('trident token: TRIDENT_JWT_CLOCK_SKEW=3600 is not a whole number of seconds from 0 to 300 (e.g. 60)');
    expect(stdout).toBe('');
    expect(code).toBe(1);
  });

  it("refuses a role no contract names, listing the contracts' roles; exit 2", async () => {
    const { code, stdout, stderr } = await trident(['token', '--role', 'doctor', '--role', 'nurse']);
    expect(stderr.split('\n')[0]).toBe(`trident token: no contract names the role 'nurse'; the roles are ${[...serviceRoles].sort().join(', ')}`);
    expect(stdout).toBe('');
    expect(code).toBe(2);
  });

  it("takes the roles from the contracts of the project it runs in", async () => {
    const project = join(scratch, 'project');
    mkdirSync(join(project, 'contracts', 'ward', 'v1'), { recursive: true });
    writeFileSync(
      join(project, 'contracts', 'ward', 'v1', 'openapi.yaml'),
      `openapi: 3.1.0
info: { title: Ward, version: 1.0.0 }
paths:
  /beds:
    get:
      operationId: listBeds
      security:
        - bearerAuth: [nurse]
        - bearerAuth: [ward_admin]
      responses:
        '200': { description: The beds. }
components:
  securitySchemes:
    bearerAuth: { type: http, scheme: bearer }
`,
    );
    const { code, stderr } = await trident(['token', '--role', 'doctor'], project);
    expect(stderr.split('\n')[0]).toBe("trident token: no contract names the role 'doctor'; the roles are nurse, ward_admin");
    expect(code).toBe(2);
  });
});
