import { defaultClientConditions, defaultServerConditions } from 'vite';
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Inside this repository `trident/...` resolves to the TypeScript sources (the `trident-source`
// export condition); an installed package resolves to its built JavaScript.
const sourceCondition = 'trident-source';

export default defineConfig({
  // One copy of graphql-js, as under Node: Vite would give our sources its ESM build while
  // graphql-yoga loads the CommonJS one, and an error made by one copy is foreign to the other.
  resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }], conditions: [sourceCondition, ...defaultClientConditions] },
  // Without `module`: Node is given these conditions for `require` too, and the OpenTelemetry API's
  // `module` build (which prom-client would then require) imports its files without extensions.
  ssr: { resolve: { conditions: [sourceCondition, ...defaultServerConditions.filter((condition) => condition !== 'module')] } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Vitest's default (one file per core but one) runs the files one after the other on two cores;
    // most of them wait on the servers and child processes they start, so two run at once there.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // Type-level tests (`*.test-d.ts`) are checked by tsc within the same run.
    typecheck: {
      enabled: true,
      include: ['test/**/*.test-d.ts'],
      tsconfig: './test/clients/tsconfig.typecheck.json',
    },
  },
});
