import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Trident's own package.json: found upward from this module, in a checkout (tools/) and when installed (dist/tools/). */
export function ownPackage(): { name: string; version: string; root: string; dependencies: Record<string, string>; devDependencies: Record<string, string> } {
  for (let dir = import.meta.dirname; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string; dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
      if (manifest.name === 'trident' && typeof manifest.version === 'string') return { name: manifest.name, version: manifest.version, root: dir, dependencies: manifest.dependencies ?? {}, devDependencies: manifest.devDependencies ?? {} };
    }
    if (dirname(dir) === dir) throw new Error(`trident's package.json is not above ${import.meta.dirname}`);
  }
}
