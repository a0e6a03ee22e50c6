import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { identityOf } from '../compiler/compile.ts';
import type { ApiIdentity } from '../compiler/build-ir.ts';

/** Finds `<contracts>/<api>/v<major>/openapi.yaml` under the root, in a stable order. */
export function discoverContracts(root: string, contracts = 'contracts'): string[] {
  const base = join(root, contracts);
  if (!existsSync(base)) return [];
  const found: string[] = [];
  for (const api of readdirSync(base).sort()) {
    const apiDir = join(base, api);
    if (!statSync(apiDir).isDirectory()) continue;
    for (const version of readdirSync(apiDir).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))) {
      const candidate = join(contracts, api, version, 'openapi.yaml');
      if (/^v\d+$/.test(version) && existsSync(join(root, candidate))) found.push(candidate.split(sep).join('/'));
    }
  }
  return found;
}

/** The API name and major version of a contract path, given the project's contracts folder. */
export function contractIdentity(path: string, contracts = 'contracts'): ApiIdentity | undefined {
  return identityOf(path, contracts);
}
