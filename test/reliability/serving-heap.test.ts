import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useServerProcess } from './server-process.ts';

// `trident serve` started as a program gets the compile size of the young generation from the
// `#!` line. It replaces itself (same pid) with a process started without that size, so V8 sizes
// the young generation itself or takes the one NODE_OPTIONS gives (a command-line size would win
// over NODE_OPTIONS), and with --expose-gc, with which it gives back start-up's memory. Unless
// NODE_OPTIONS sizes the semi-spaces, it also keeps the young generation from shrinking below 16 MB.
const cases = [
  { given: 'NODE_OPTIONS=--max-semi-space-size=4', nodeOptions: '--max-semi-space-size=4', sizes: [] },
  { given: 'no NODE_OPTIONS', nodeOptions: '', sizes: ['--min-semi-space-size=16'] },
];

describe.skipIf(process.platform !== 'linux').each(cases)('trident serve started as a program with $given', ({ nodeOptions, sizes }) => {
  const server = useServerProcess({ asProgram: true, env: { NODE_OPTIONS: nodeOptions } });

  it(`serves from a process with --expose-gc, without the compile size, and with semi-space sizes [${sizes.join(', ')}]`, async () => {
    const { child, httpUrl } = server();
    const commandLine = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    expect(commandLine).toContain('--expose-gc');
    expect(commandLine.filter((arg) => /semi-space-size/.test(arg))).toEqual(sizes);
    expect(commandLine.slice(-2)).toEqual([expect.stringMatching(/tools\/trident\.ts$/), 'serve']);
    expect((await fetch(`${httpUrl}/healthz`)).status).toBe(200);
  });
});
