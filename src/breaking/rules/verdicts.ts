import type { Target, Verdict } from '../model.ts';

/** Verdict shorthands for the rule tables. */
export const B = 'breaking' as const satisfies Verdict;
export const D = 'dangerous' as const satisfies Verdict;
export const S = 'safe' as const satisfies Verdict;

/** The five verdicts of a rule, written with short keys so each rule fits on one line. */
export function on(verdicts: { rest: Verdict; graphql: Verdict; wire: Verdict; json: Verdict; ts: Verdict }): Record<Target, Verdict> {
  return {
    'rest-json': verdicts.rest,
    graphql: verdicts.graphql,
    'grpc-wire': verdicts.wire,
    'grpc-json': verdicts.json,
    typescript: verdicts.ts,
  };
}

/** The same verdict for every target. */
export function everywhere(verdict: Verdict): Record<Target, Verdict> {
  return on({ rest: verdict, graphql: verdict, wire: verdict, json: verdict, ts: verdict });
}
