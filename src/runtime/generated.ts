import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Api } from '../compiler/ir.ts';
import { projectReader, type LoadedApi } from './load.ts';

/**
 * What `trident generate` writes beside its other outputs for each contract, so a server starts
 * from `generated/` without compiling anything: the API version's IR, the generated files it
 * serves from, and the hash of every file the compilation read and wrote, by which a start finds
 * out that `generated/` no longer matches the contracts.
 */
export interface ServingManifest {
  /** The toolkit version that wrote it. */
  trident: string;
  /** Every file the compilation read, by path from the project root: the SHA-256 of its text, or null where it looked and found none. */
  inputs: Record<string, string | null>;
  /** The generated files a server reads, by path inside the output folder, with the SHA-256 of their text. */
  outputs: Record<string, string>;
  /** The IR, without the bundled document (that is `openapi/<api>/v<major>/openapi.json`). */
  api: Omit<Api, 'document'>;
}

/** Where the manifest of an API version is, inside the output folder. */
export const manifestPath = (name: string, version: number): string => `serve/${name}/v${version}.json`;

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The manifest's text for an API version; `outputs` are the generated files the server needs (OpenAPI, SDL, proto). */
export function writeManifest(trident: string, api: Api, inputs: ReadonlyMap<string, string | undefined>, outputs: ReadonlyMap<string, string>): string {
  const { document: _document, ...ir } = api;
  const manifest: ServingManifest = {
    trident,
    inputs: Object.fromEntries([...inputs].sort(([a], [b]) => a.localeCompare(b)).map(([path, text]) => [path, text === undefined ? null : sha256(text)])),
    outputs: Object.fromEntries([...outputs].sort(([a], [b]) => a.localeCompare(b)).map(([path, text]) => [path, sha256(text)])),
    api: ir,
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** `generated/` does not match the contracts (or this toolkit): each reason names a file. */
export class StaleOutputError extends Error {
  override name = 'StaleOutputError';
  readonly reasons: readonly string[];
  /** What is out of date, without the advice. */
  readonly summary: string;
  constructor(output: string, reasons: readonly string[]) {
    const summary = `${output}/ is out of date: ${reasons[0]}${reasons.length > 1 ? ` (and ${reasons.length - 1} more)` : ''}`;
    super(`${summary}; run \`trident generate\` and deploy what it writes.`);
    this.reasons = reasons;
    this.summary = summary;
  }
}

export interface GeneratedApisOptions {
  /** The output folder, relative to the root. */
  output: string;
  /** The contracts, relative to the root, with the API name and major version of each. */
  contracts: ReadonlyArray<{ path: string; name: string; version: number }>;
  /** The version of the toolkit that reads them: a manifest written by another one is stale. */
  trident: string;
}

/**
 * The API versions as `trident generate` wrote them, for a server to start from: no contract is
 * parsed and no compiler is loaded. Throws StaleOutputError when any contract (or file it reads)
 * changed since, a generated file was edited, a contract has no manifest, a manifest has no
 * contract, or another toolkit version wrote them.
 */
export function loadGeneratedApis(root: string, options: GeneratedApisOptions): LoadedApi[] {
  const reasons: string[] = [];
  const read = projectReader(root);
  const loaded: LoadedApi[] = [];
  for (const contract of options.contracts) {
    const at = `${options.output}/${manifestPath(contract.name, contract.version)}`;
    const text = read(at);
    if (text === undefined) {
      reasons.push(`${contract.path} has no ${at}`);
      continue;
    }
    let manifest: ServingManifest;
    try {
      manifest = JSON.parse(text) as ServingManifest;
    } catch (error) {
      reasons.push(`${at} is not JSON (${(error as Error).message})`);
      continue;
    }
    if (manifest.trident !== options.trident) {
      reasons.push(`${at} was written by trident ${manifest.trident}, this is ${options.trident}`);
      continue;
    }
    const changed = Object.entries(manifest.inputs)
      .map(([path, hash]) => ({ path, hash, text: read(path) }))
      .find(({ hash, text }) => (text === undefined ? null : sha256(text)) !== hash);
    if (changed) {
      reasons.push(`${changed.path} ${changed.hash === null ? 'appeared' : changed.text === undefined ? 'is gone' : 'changed'} since ${at} was written`);
      continue;
    }
    const outputs = new Map<string, string>();
    for (const [path, hash] of Object.entries(manifest.outputs)) {
      const output = read(`${options.output}/${path}`);
      if (output === undefined || sha256(output) !== hash) {
        reasons.push(`${options.output}/${path} ${output === undefined ? 'is missing' : 'was changed after `trident generate` wrote it'}`);
        break;
      }
      outputs.set(path, output);
    }
    if (outputs.size < Object.keys(manifest.outputs).length) continue;
    const protos = new Map<string, string>();
    let sdl = '';
    let openapi = '';
    for (const [path, output] of outputs) {
      if (path.startsWith('proto/')) protos.set(path.slice('proto/'.length), output);
      if (path.startsWith('graphql/')) sdl = output;
      if (path.startsWith('openapi/')) openapi = output;
    }
    const api = { ...manifest.api, document: JSON.parse(openapi) as Record<string, unknown> } as Api;
    loaded.push({ key: `${contract.name}/v${contract.version}`, api, sdl, protos, openapi });
  }
  // A manifest left behind by a contract that is gone would serve nothing, but says generate did not run.
  const served = new Set(options.contracts.map((contract) => manifestPath(contract.name, contract.version)));
  for (const extra of listManifests(join(root, options.output))) {
    if (!served.has(extra)) reasons.push(`${options.output}/${extra} belongs to no contract`);
  }
  if (reasons.length > 0) throw new StaleOutputError(options.output, reasons);
  return loaded;
}

function listManifests(output: string): string[] {
  const folder = join(output, 'serve');
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
    .map((entry) => `serve/${join(entry.parentPath, entry.name).slice(folder.length + 1).split('\\').join('/')}`)
    .sort();
}
