import { defineConfig } from 'vitest/config';

export default defineConfig({
  // One copy of graphql-js, as under Node: Vite would give our sources its ESM build while
  // graphql-yoga loads the CommonJS one, and an error made by one copy is foreign to the other.
  resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Type-level tests (`*.test-d.ts`) are checked by tsc within the same run.
    typecheck: {
      enabled: true,
      include: ['test/**/*.test-d.ts'],
      tsconfig: './test/clients/tsconfig.typecheck.json',
    },
  },
});
