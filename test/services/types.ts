import type { GetReviewOutput } from '../../generated/ts/review/v1/server.ts';

/** A review as the handlers return it. */
export type Review = GetReviewOutput;
