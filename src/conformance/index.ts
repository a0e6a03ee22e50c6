/**
 * Conformance: checks a running implementation of the contracts, operation by operation and
 * protocol by protocol, and the three protocols against each other.
 */
export { runConformance, builtinFlows, type RunOptions } from './run.ts';
export { connect, type ConnectOptions, type Target } from './target.ts';
export { startSelf, type SelfServers, type SelfOptions } from './self.ts';
export { mintingTokens, givenTokens, type TokenSource } from './tokens.ts';
export { consoleReport, type RunSummary } from './report/console.ts';
export { junitReport } from './report/junit.ts';
export { readFlow, type ExplicitFlow } from './explicit-flows.ts';
export type { Area, CheckResult, CheckStatus } from './model.ts';
