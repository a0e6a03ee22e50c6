/**
 * The breaking-change gate: compare compiled contracts on the IR, judge each change for every
 * kind of client with the rule table, apply the version policy, and print a report.
 *
 *     const base = await readSide(path, readBaseFile, identity, 'base');
 *     const revision = await readSide(path, readWorkingFile, identity, 'revision');
 *     const findings = diffContracts(base, revision);            // what changed, by rule
 *     const report = runGate(baseTree, revisionTree, today);     // ... for every API version, judged
 *     process.stdout.write(writeReport(report, 'text'));
 *
 * `tools/breaking.ts` does the workspace side (git, files) for `trident breaking`.
 */
export { acknowledgementFor, changelogFileName, readChangelog, type Acknowledgement } from './changelog.ts';
export { crosscheckVersion, type CrosscheckOptions } from './crosscheck/run.ts';
export type { CrosscheckReport, Disagreement, ReferenceTool } from './crosscheck/model.ts';
export { diffContracts } from './diff.ts';
export { outcomeOf, runGate, type ContractTree, type GateReport, type VersionReport } from './gate.ts';
export { targetLabels, targets, type Finding, type RuleDefinition, type Target, type Verdict } from './model.ts';
export { judge, type JudgedFinding, type Status } from './policy.ts';
export { reportFormats, writeReport, writeRuleTable, type ReportFormat } from './report/index.ts';
export { getRule, listRules, ruleTable, type Rule, type RuleId } from './rules.ts';
export { isBroken, readSide, type BrokenSide, type ContractSide } from './side.ts';
