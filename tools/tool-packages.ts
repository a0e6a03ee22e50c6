import { ownPackage } from './own-package.ts';

/**
 * What `generate`, `breaking`, `conformance`, `package` and `token` load besides the runtime: the
 * contract parser and the code generators, the gate's GraphQL differ, the suite's input generator
 * and GraphQL audits. They are dev dependencies of a project (`trident init` lists them), not
 * dependencies of trident, so `npm install --omit=dev` installs what `serve` runs and nothing more.
 */
export const toolPackages = ['@graphql-inspector/core', '@readme/openapi-parser', 'case-anything', 'fast-check', 'graphql-http', 'openapi-typescript', 'ts-proto', 'typescript', 'yaml'] as const;

/** The tool packages this installation cannot load. */
export function missingToolPackages(): string[] {
  return toolPackages.filter((name) => {
    try {
      import.meta.resolve(name);
      return false;
    } catch {
      return true;
    }
  });
}

/** Each tool package with the range trident is built and tested with, for a project's devDependencies. */
export function toolDependencies(): Record<string, string> {
  const own = ownPackage();
  return Object.fromEntries(toolPackages.map((name) => [name, own.devDependencies[name] ?? '*']));
}

/** One line saying what is missing and the command that installs it. */
export function missingToolsMessage(command: string, missing: readonly string[]): string {
  const ranges = toolDependencies();
  return `trident ${command} needs ${missing.join(', ')}, which this installation lacks (a production install leaves dev dependencies out): npm install --save-dev ${missing.map((name) => `${name}@${ranges[name]}`).join(' ')}`;
}
