/**
 * The configuration of a Trident project, in one place: `trident.config.json` at the project root,
 * or a `trident` key in its package.json. Every key is optional; the defaults are the layout of a
 * repository made by `trident init`:
 *
 *     {
 *       "contracts": "contracts",                 // <contracts>/<api>/v<major>/openapi.yaml
 *       "output": "generated",                    // generated OpenAPI, GraphQL, proto, TypeScript
 *       "protoPackage": "trident",                // proto packages <protoPackage>.<api>.v<major>
 *       "clients": { "scope": "@acme", "name": "{api}-v{major}-client" },
 *       "serve": { "handlers": "src/services/index.ts" }
 *     }
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export { contractIdentity, discoverContracts } from './contracts.ts';

export interface TridentConfig {
  /** The folder of the contracts, relative to the root. */
  contracts: string;
  /** The folder of the generated code, relative to the root. */
  output: string;
  /** The first segments of every proto package: `<protoPackage>.<api>.v<major>`. */
  protoPackage: string;
  clients: {
    /** The npm scope of the client packages (`@acme`), if any. */
    scope?: string;
    /** The package name, with `{api}` and `{major}` filled in: `{api}-v{major}-client` by default. */
    name: string;
  };
  serve: {
    /** The module whose default export gives the implementations `trident serve` serves. */
    handlers: string;
  };
  /** The file the configuration came from, relative to the root; absent when every value is a default. */
  source?: string;
}

export const configFileName = 'trident.config.json';

export const defaultConfig: TridentConfig = {
  contracts: 'contracts',
  output: 'generated',
  protoPackage: 'trident',
  clients: { name: '{api}-v{major}-client' },
  serve: { handlers: 'src/services/index.ts' },
};

/** A configuration that cannot be used: where it is, which key, and what would be accepted. */
export class ConfigError extends Error {
  readonly code = 'config-invalid';
  readonly file: string;
  readonly key: string;
  readonly hint: string;

  constructor(file: string, key: string, message: string, hint: string) {
    super(`${file}: ${key ? `"${key}" ` : ''}${message}\n  hint: ${hint}`);
    this.name = 'ConfigError';
    this.file = file;
    this.key = key;
    this.hint = hint;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

// A folder inside the project: relative, forward slashes, no way out of the root.
const projectFolder = /^(?!\/)(?!.*(?:^|\/)\.\.(?:\/|$))[A-Za-z0-9._\-/]+$/;
const protoPackagePattern = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;
const scopePattern = /^@[a-z0-9][a-z0-9._-]*$/;
const namePattern = /^[a-z0-9{][a-z0-9._{}-]*$/;

interface KeySpec {
  check(value: unknown): boolean;
  expected: string;
}

const keys: Record<string, KeySpec> = {
  contracts: { check: (value) => typeof value === 'string' && projectFolder.test(value), expected: 'a folder inside the project, such as "contracts"' },
  output: { check: (value) => typeof value === 'string' && projectFolder.test(value), expected: 'a folder inside the project, such as "generated"' },
  protoPackage: { check: (value) => typeof value === 'string' && protoPackagePattern.test(value), expected: 'lower-case proto package segments joined by dots, such as "acme" or "acme.imaging"' },
  'clients.scope': { check: (value) => typeof value === 'string' && scopePattern.test(value), expected: 'an npm scope such as "@acme"' },
  'clients.name': {
    check: (value) => typeof value === 'string' && namePattern.test(value) && value.includes('{api}') && value.includes('{major}'),
    expected: 'a lower-case npm package name with {api} and {major} in it, such as "{api}-v{major}-client"',
  },
  'serve.handlers': { check: (value) => typeof value === 'string' && value.length > 0 && !value.startsWith('/'), expected: 'a module path relative to the project root, such as "src/services/index.ts"' },
};

/**
 * Reads the configuration of the project at `root`. Unknown keys and wrong values are refused
 * with a `ConfigError` naming the file, the key and what is expected: a typo must not silently
 * fall back to a default.
 */
export function loadConfig(root: string): TridentConfig {
  const found = readRaw(root);
  if (!found) return structuredClone(defaultConfig);
  const { file, raw } = found;
  if (!isRecord(raw)) throw new ConfigError(file, '', 'must be a JSON object', `see the keys in the README's "Configuration" table`);
  const flat: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'clients' || key === 'serve') {
      if (!isRecord(value)) throw new ConfigError(file, key, 'must be an object', `for example "${key}": ${key === 'clients' ? '{ "scope": "@acme" }' : '{ "handlers": "src/services/index.ts" }'}`);
      for (const [inner, innerValue] of Object.entries(value)) flat[`${key}.${inner}`] = innerValue;
    } else {
      flat[key] = value;
    }
  }
  for (const [key, value] of Object.entries(flat)) {
    const spec = keys[key];
    if (!spec) throw new ConfigError(file, key, 'is not a configuration key', `the keys are ${Object.keys(keys).join(', ')}`);
    if (!spec.check(value)) throw new ConfigError(file, key, `is ${JSON.stringify(value)}`, `expected ${spec.expected}`);
  }
  const config = structuredClone(defaultConfig);
  config.source = file;
  if (typeof flat.contracts === 'string') config.contracts = trimSlashes(flat.contracts);
  if (typeof flat.output === 'string') config.output = trimSlashes(flat.output);
  if (typeof flat.protoPackage === 'string') config.protoPackage = flat.protoPackage;
  if (typeof flat['clients.scope'] === 'string') config.clients.scope = flat['clients.scope'];
  if (typeof flat['clients.name'] === 'string') config.clients.name = flat['clients.name'];
  if (typeof flat['serve.handlers'] === 'string') config.serve.handlers = flat['serve.handlers'];
  if (config.contracts === config.output) throw new ConfigError(file, 'output', `is the contracts folder too`, 'give the generated code a folder of its own, such as "generated"');
  return config;
}

/** The npm name of the client package of one API version. */
export function clientPackageName(config: Pick<TridentConfig, 'clients'>, api: string, major: number): string {
  const name = config.clients.name.replaceAll('{api}', api).replaceAll('{major}', String(major));
  return config.clients.scope ? `${config.clients.scope}/${name}` : name;
}

function trimSlashes(path: string): string {
  return path.replace(/^\.\//, '').replace(/\/+$/, '');
}

function readRaw(root: string): { file: string; raw: unknown } | undefined {
  const own = join(root, configFileName);
  if (existsSync(own)) return { file: configFileName, raw: parseJson(own, configFileName) };
  const manifest = join(root, 'package.json');
  if (!existsSync(manifest)) return undefined;
  const parsed = parseJson(manifest, 'package.json');
  if (!isRecord(parsed) || parsed.trident === undefined) return undefined;
  return { file: 'package.json#trident', raw: parsed.trident };
}

function parseJson(path: string, file: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(file, '', `is not valid JSON: ${(error as Error).message}`, 'fix the JSON syntax (trailing commas and comments are not allowed)');
  }
}
