/**
 * `trident init [DIR] [--name NAME] [--force]`: a new contract-first repository (see
 * tools/init/templates.ts for what it holds). A folder that is not empty is refused, and nothing is
 * written, unless --force; then the scaffold's files replace those of the same name, except
 * package.json, which gains the scaffold's scripts and dev dependency and keeps the rest.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { toolDependencies } from './tool-packages.ts';
import { ownPackage } from './own-package.ts';
import { scaffoldFiles } from './init/templates.ts';
import { UsageError } from './usage-error.ts';

export async function main(argv: string[], log: (line: string) => void = (line) => console.log(line)): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { name: { type: 'string' }, force: { type: 'boolean', default: false } } });
  if (positionals.length > 1) throw new UsageError(`init takes one folder, got ${positionals.length}: ${positionals.join(' ')}`);
  const dir = resolve(positionals[0] ?? '.');
  const name = values.name ?? npmName(basename(dir));
  if (!/^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/.test(name)) throw new UsageError(`--name ${name} is not an npm package name (lower case letters, digits, '-', '.', '_')`);
  if (existsSync(dir) && readdirSync(dir).filter((entry) => entry !== '.git').length > 0 && !values.force) {
    log(`${dir} is not empty; nothing was written. Choose an empty folder, or pass --force to add the scaffold to this one.`);
    return 1;
  }
  const own = ownPackage();
  // The generated clients and gRPC code import these; the project depends on them itself.
  const runtimeDependencies = Object.fromEntries(['@bufbuild/protobuf', '@grpc/grpc-js', 'openapi-fetch'].map((name) => [name, own.dependencies[name] ?? '*']));
  const files = scaffoldFiles({ name, tridentRange: `^${own.version}`, protoPackage: protoPackageOf(name), runtimeDependencies, toolDependencies: toolDependencies() });
  for (const [path, text] of files) {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, path === 'package.json' && existsSync(target) ? mergePackageJson(readFileSync(target, 'utf8'), text) : text);
  }
  log(`Wrote ${files.size} files to ${dir}:`);
  for (const path of files.keys()) log(`  ${path}`);
  for (const line of ['', 'Next:', `  cd ${positionals[0] ?? '.'}`, '  npm install', '  npx trident generate', '  npx trident serve']) log(line);
  return 0;
}

function npmName(folder: string): string {
  const name = folder.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[-._]+|[-._]+$/g, '');
  return name === '' ? 'my-apis' : name;
}

function protoPackageOf(name: string): string {
  const segment = name.replace(/^@[^/]+\//, '').replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  return /^[a-z]/.test(segment) ? segment : `api_${segment || 'project'}`;
}

// An existing package.json keeps everything; the scaffold adds its scripts and dev dependency.
function mergePackageJson(existing: string, scaffold: string): string {
  const theirs = JSON.parse(existing) as Record<string, unknown>;
  const ours = JSON.parse(scaffold) as Record<string, Record<string, string>>;
  const merged: Record<string, unknown> = { ...theirs };
  merged.type ??= 'module';
  merged.scripts = { ...ours.scripts, ...(theirs.scripts as Record<string, string> | undefined) };
  merged.dependencies = { ...(theirs.dependencies as Record<string, string> | undefined), ...ours.dependencies };
  merged.devDependencies = { ...(theirs.devDependencies as Record<string, string> | undefined), ...ours.devDependencies };
  return `${JSON.stringify(merged, null, 2)}\n`;
}
