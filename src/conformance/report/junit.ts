import type { RunSummary } from './console.ts';

const escapeXml = (text: string): string =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[char] ?? char).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

/** JUnit XML: a test suite per area and API version, a test case per check, the seed as a property. */
export function junitReport(summary: RunSummary): string {
  const suites = new Map<string, RunSummary['results']>();
  for (const result of summary.results) {
    const name = `${result.area} ${result.api}`;
    suites.set(name, [...(suites.get(name) ?? []), result]);
  }
  const count = (results: RunSummary['results'], status: string) => results.filter((result) => result.status === status).length;
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="trident conformance" tests="${summary.results.length}" failures="${count(summary.results, 'fail')}" skipped="${count(summary.results, 'skip')}" time="${seconds(summary.ms)}">`,
  ];
  for (const [name, results] of suites) {
    lines.push(`  <testsuite name="${escapeXml(name)}" tests="${results.length}" failures="${count(results, 'fail')}" skipped="${count(results, 'skip')}" time="${seconds(results.reduce((sum, result) => sum + result.ms, 0))}">`);
    lines.push(`    <properties><property name="seed" value="${summary.seed}"/></properties>`);
    for (const result of results) {
      const head = `    <testcase classname="${escapeXml(name.replace(' ', '.'))}" name="${escapeXml(`${result.subject}: ${result.name}`)}" time="${seconds(result.ms)}"`;
      if (result.status === 'pass') lines.push(`${head}/>`);
      else if (result.status === 'skip') lines.push(`${head}><skipped message="${escapeXml(result.detail ?? '')}"/></testcase>`);
      else lines.push(`${head}><failure message="${escapeXml((result.detail ?? '').split('\n')[0] ?? '')}">${escapeXml(result.detail ?? '')}</failure></testcase>`);
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}
