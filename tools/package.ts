/**
 * `trident package <api>/v<major> [--out DIR] [--since REF]`: the typed clients of one API version
 * as a publishable npm package (default folder `<output>/packages/<api>-v<major>/`): ES module
 * JavaScript with declarations, the small client runtime inside it, and a package.json whose only
 * dependencies are what a client needs. With --since, the version is derived from the
 * breaking-change gate between REF and the working tree.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { clientPackageName, discoverContracts, loadConfig } from '../src/config/index.ts';
import { loadApis } from '../src/runtime/load.ts';
import { generate } from './generate.ts';
import { ownPackage } from './own-package.ts';
import { compileStaged } from './package/compile.ts';
import { clientManifest, clientReadme } from './package/manifest.ts';
import { stageClientSources } from './package/stage.ts';
import { deriveVersion } from './package/version.ts';
import { UsageError } from './usage-error.ts';

/** What `writeClientPackage` is asked to do. */
export interface ClientPackageOptions {
  root: string;
  /** `study/v2` */
  key: string;
  /** The package folder (absolute, or relative to the root); `<output>/packages/<api>-v<major>` by default. */
  out?: string;
  /** A git revision or folder to derive the version from with the breaking-change gate. */
  since?: string;
  log?: (line: string) => void;
}

/** Writes the client package of one API version; resolves to its name, version and folder, or undefined when refused. */
export async function writeClientPackage(options: ClientPackageOptions): Promise<{ name: string; version: string; dir: string } | undefined> {
  const log = options.log ?? ((line: string) => console.log(line));
  const { root, key } = options;
  const config = loadConfig(root);
  const known = discoverContracts(root, config.contracts).map((path) => path.split('/').slice(-3, -1).join('/'));
  if (!known.includes(key)) throw new UsageError(`no API version '${key}' under ${config.contracts}/; the known ones are ${known.join(', ') || 'none'}`);
  const [api = '', major = ''] = key.split('/');

  const fresh = await generate({ root, config, check: true, log: () => {} });
  if (!fresh.ok) {
    log(`${config.output}/ is out of date with the contracts; run \`trident generate\` first.`);
    return undefined;
  }
  const loaded = (await loadApis(root, config)).find((candidate) => candidate.key === key);
  if (!loaded) throw new Error(`${key} did not load`);

  let version = loaded.api.infoVersion;
  if (options.since !== undefined) {
    const derived = await deriveVersion({ root, key, since: options.since, contracts: config.contracts, current: loaded.api.infoVersion });
    for (const line of derived.explanation) log(line);
    if (derived.version === undefined) return undefined;
    version = derived.version;
  }

  const own = ownPackage();
  const runtimeDir = join(own.root, 'src', 'client');
  const runtime = new Map(['errors.ts', 'options.ts', 'rest.ts', 'graphql.ts', 'grpc.ts'].map((name) => [name, readFileSync(join(runtimeDir, name), 'utf8')]));
  runtime.set('catalog.ts', readFileSync(join(own.root, 'src', 'runtime', 'errors.ts'), 'utf8'));
  const tsRoot = join(root, config.output, 'ts');
  const { files, protocols } = stageClientSources({
    key,
    runtime,
    readGenerated: (path) => (existsSync(join(tsRoot, path)) ? readFileSync(join(tsRoot, path), 'utf8') : undefined),
  });
  const built = compileStaged(files);

  const name = clientPackageName(config, api, Number(major.slice(1)));
  const out = resolve(root, options.out ?? join(config.output, 'packages', `${api}-${major}`));
  const prefix = /export function create(\w+)RestClient/.exec(files.get('rest.ts') ?? '')?.[1] ?? /export function create(\w+)GraphqlClient/.exec(files.get('graphql.ts') ?? '')?.[1] ?? '';
  const manifestOptions = { name, version, api: loaded.api, protocols, ranges: own.dependencies };
  rmSync(out, { recursive: true, force: true });
  for (const [path, text] of built) {
    mkdirSync(dirname(join(out, 'dist', path)), { recursive: true });
    writeFileSync(join(out, 'dist', path), text);
  }
  writeFileSync(join(out, 'package.json'), `${JSON.stringify(clientManifest(manifestOptions), null, 2)}\n`);
  writeFileSync(join(out, 'README.md'), clientReadme({ ...manifestOptions, prefix }));
  log(`wrote ${name}@${version} (${protocols.join(', ')}) to ${relative(root, out) || '.'}/; \`npm pack\` or \`npm publish\` it from there.`);
  return { name, version, dir: out };
}

/** `trident package ...`; a wrong argument throws a `UsageError`. */
export async function main(argv: string[], log: (line: string) => void = (line) => console.log(line)): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { out: { type: 'string' }, since: { type: 'string' } } });
  const [key] = positionals;
  if (key === undefined || positionals.length > 1) throw new UsageError('name one API version, e.g. notes/v1');
  const written = await writeClientPackage({ root: process.cwd(), key, log, ...(values.out !== undefined ? { out: values.out } : {}), ...(values.since !== undefined ? { since: values.since } : {}) });
  return written ? 0 : 1;
}
