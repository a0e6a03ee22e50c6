import { breakingDocuments } from './tools/breaking.ts';
import { writeFileSync } from 'node:fs';
const G = '.cache/octokit/node_modules/@octokit/openapi/generated/';
const [a, b] = process.argv.slice(2);
const out: string[] = [];
for (const focus of [false, true]) {
  let text = '';
  const t = performance.now();
  const { exitCode } = await breakingDocuments({ cwd: '/work/main', before: G + a + '.json', after: G + b + '.json', format: 'json', verbose: true, today: '2026-12-07', focus, log: (c) => (text += c) });
  out.push(text);
  writeFileSync(`/tmp/fp-${a}-${b}-${focus}.json`, text);
  console.log(a, b, 'focus', focus, 'exit', exitCode, ((performance.now() - t) / 1000).toFixed(2), 's', text.length);
}
console.log(out[0] === out[1] ? 'IDENTICAL' : 'DIFFERENT');
