import { targetLabels, targets, type Target } from '../model.ts';
import { areaOrder, listRules, type Rule } from '../rules.ts';

// A rule the TypeScript compiler judges: breaking where the probes fail, else its agreeing verdict.
function verdictCell(rule: Rule, target: Target, form: 'markdown' | 'text'): string {
  if ((target === 'grpc-wire' || target === 'grpc-json') && rule.zeroValueValid !== undefined) {
    return form === 'markdown' ? `${rule.verdicts[target]}; ${rule.zeroValueValid} if its zero value is valid` : `${rule.verdicts[target]}/0:${rule.zeroValueValid}`;
  }
  if (target !== 'typescript' || rule.typesAgree === undefined) return rule.verdicts[target];
  return form === 'markdown' ? `by tsc, else ${rule.typesAgree}` : `tsc/${rule.typesAgree}`;
}

/**
 * The rule table, as `trident breaking --rules` prints it: text for a terminal, Markdown for the
 * README (which a test keeps in step), JSON for tools.
 */
export function writeRuleTable(format: 'text' | 'json' | 'markdown' | 'github' | 'junit'): string {
  const rules = listRules();
  if (format === 'json') return `${JSON.stringify(rules.map(({ id, area, purpose, verdicts, typesAgree, zeroValueValid, explanation }) => ({ id, area, purpose, verdicts, ...(typesAgree ? { typesAgree } : {}), ...(zeroValueValid ? { zeroValueValid } : {}), explanation })), null, 2)}\n`;
  if (format === 'markdown') {
    const header = `| Rule | ${targets.map((target) => targetLabels[target]).join(' | ')} | Detects |`;
    const rows = rules.map((rule) => `| \`${rule.id}\` | ${targets.map((target) => verdictCell(rule, target, 'markdown')).join(' | ')} | ${rule.purpose} |`);
    return `${[header, `|---|${targets.map(() => '---|').join('')}---|`, ...rows].join('\n')}\n`;
  }
  const width = Math.max(...rules.map((rule) => rule.id.length));
  const column = (text: string): string => text.padEnd(14);
  const lines = [`${'rule'.padEnd(width)}  ${targets.map((target) => column(targetLabels[target])).join('')}`];
  for (const area of areaOrder) {
    lines.push('', `${area}:`);
    for (const rule of rules.filter((entry) => entry.area === area)) {
      lines.push(`${rule.id.padEnd(width)}  ${targets.map((target) => column(verdictCell(rule, target, 'text'))).join('')}${rule.purpose}`);
    }
  }
  return `${lines.join('\n')}\n\n${rules.length} rules. Verdicts: breaking (existing clients fail), dangerous (they may misbehave), safe; tsc/V: breaking where code written against the base's TypeScript types no longer compiles, V where it does; B/0:V: V where the proto zero value an old gRPC client sends passes the validation.\n`;
}
