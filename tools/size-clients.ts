#!/usr/bin/env node
/**
 * `npm run size:clients [-- --api study/v2 ...] [--json]`: the size of each browser client as a
 * frontend build ships it. Each entry is bundled by Vite (production mode, minified, tree-shaken)
 * from a scratch app that has the client packages (as `trident package` writes them) in its
 * node_modules, then gzipped (level 9); the same is done for `openapi-fetch` alone, the yardstick. With `--budget R` the run fails when a REST
 * client is over R times openapi-fetch's gzip size.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build, defaultClientConditions, type Rollup } from 'vite';
import { clientPackageName, defaultConfig } from '../src/config/index.ts';
import { writeClientPackage } from './package.ts';

const repoRoot = join(import.meta.dirname, '..');

export interface SizeRow {
  name: string;
  minified: number;
  gzip: number;
}

/** The API versions with generated clients: `study/v2`, ... */
function clientApis(root = repoRoot): string[] {
  const base = join(root, 'generated', 'ts');
  return readdirSync(base, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== 'grpc')
    .flatMap((api) => readdirSync(join(base, api.name)).filter((version) => /^v\d+$/.test(version)).map((version) => `${api.name}/${version}`))
    .sort();
}

function pascal(name: string): string {
  return name.split(/[^A-Za-z0-9]+/).filter(Boolean).map((word) => word[0]!.toUpperCase() + word.slice(1)).join('');
}

/** The npm name of an API version's client package (`study/v2` -> `study-v2-client`). */
function packageOf(api: string): string {
  const [name = '', version = ''] = api.split('/');
  return clientPackageName(defaultConfig, name, Number(version.slice(1)));
}

/** The entries measured: what an app imports, and uses, from each client. */
export function entries(apis: string[]): Array<{ name: string; source: string }> {
  const list = [
    { name: 'openapi-fetch alone', source: "export { default } from 'openapi-fetch';" },
    { name: 'TridentError alone', source: `export { TridentError } from '${packageOf(apis[0] ?? 'study/v2')}';` },
  ];
  for (const [index, api] of apis.entries()) {
    const [name = '', version = ''] = api.split('/');
    const prefix = `${pascal(name)}${version.toUpperCase()}`;
    const pkg = packageOf(api);
    list.push({ name: `${api} REST client`, source: `export { create${prefix}RestClient } from '${pkg}/rest';` });
    list.push({ name: `${api} GraphQL client, every operation`, source: `export { create${prefix}GraphqlClient } from '${pkg}/graphql';` });
    // The runner is the same for every API version: measured once, after the first one's clients.
    if (index === 0) list.push({ name: 'GraphQL runner, no documents', source: "export { createGraphqlClient } from 'trident/client/graphql';" });
  }
  return list;
}

export async function measure(apis: string[]): Promise<SizeRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'trident-size-'));
  try {
    mkdirSync(join(dir, 'node_modules'));
    // The GraphQL runner alone is measured from the toolkit's sources.
    symlinkSync(repoRoot, join(dir, 'node_modules', 'trident'), 'dir');
    for (const api of apis) await writeClientPackage({ root: repoRoot, key: api, out: join(dir, 'node_modules', packageOf(api)), log: () => {} });
    // The client packages' dependencies, and the yardstick, as an app that installed them has them.
    for (const dependency of ['openapi-fetch', 'openapi-typescript-helpers']) {
      mkdirSync(dirname(join(dir, 'node_modules', dependency)), { recursive: true });
      symlinkSync(join(repoRoot, 'node_modules', dependency), join(dir, 'node_modules', dependency), 'dir');
    }
    writeFileSync(join(dir, 'package.json'), '{"type":"module","private":true}\n');
    const rows: SizeRow[] = [];
    for (const [index, entry] of entries(apis).entries()) {
      const file = join(dir, `entry-${index}.ts`);
      writeFileSync(file, `${entry.source}\n`);
      const output = (await build({
        root: dir,
        configFile: false,
        logLevel: 'silent',
        mode: 'production',
        resolve: { conditions: ['trident-source', ...defaultClientConditions] },
        build: { write: false, minify: true, lib: { entry: file, formats: ['es'], fileName: 'entry' } },
      })) as Rollup.RollupOutput | Rollup.RollupOutput[];
      const chunks = (Array.isArray(output) ? output : [output]).flatMap((result) => result.output).filter((item): item is Rollup.OutputChunk => item.type === 'chunk');
      const code = chunks.map((chunk) => chunk.code).join('\n');
      rows.push({ name: entry.name, minified: Buffer.byteLength(code), gzip: gzipSync(code, { level: 9 }).length });
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function formatTable(rows: SizeRow[]): string[] {
  const yardstick = rows.find((row) => row.name === 'openapi-fetch alone')?.gzip ?? 1;
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
  const width = Math.max(...rows.map((row) => row.name.length));
  return [
    `${'entry'.padEnd(width)}  ${'minified'.padStart(9)}  ${'gzip'.padStart(8)}  vs openapi-fetch`,
    ...rows.map((row) => `${row.name.padEnd(width)}  ${kb(row.minified).padStart(9)}  ${kb(row.gzip).padStart(8)}  ${(row.gzip / yardstick).toFixed(2)}x`),
  ];
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { api: { type: 'string', multiple: true }, json: { type: 'boolean' }, budget: { type: 'string' } } });
  const known = clientApis();
  const apis = values.api ?? known;
  const unknown = apis.filter((api) => !known.includes(api));
  if (unknown.length > 0) {
    console.error(`no generated clients for ${unknown.join(', ')}; known: ${known.join(', ')}`);
    return 2;
  }
  const rows = await measure(apis);
  if (values.json) console.log(JSON.stringify(rows, null, 2));
  else for (const line of formatTable(rows)) console.log(line);
  if (values.budget !== undefined) {
    const ratio = Number(values.budget);
    const yardstick = rows.find((row) => row.name === 'openapi-fetch alone')?.gzip ?? 0;
    const over = rows.filter((row) => row.name.endsWith('REST client') && row.gzip > yardstick * ratio);
    for (const row of over) console.error(`${row.name}: ${row.gzip} bytes gzipped, over ${ratio}x openapi-fetch (${yardstick} bytes)`);
    if (over.length > 0) return 1;
  }
  return 0;
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
