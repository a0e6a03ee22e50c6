import type { OperationContext } from '../../runtime/handler.ts';
import { orgOf } from '../access.ts';
import type { ServiceDeps } from '../deps.ts';
import { decodeCursor, encodeCursor, toPage } from '../paging.ts';
import { listStudyRows, studyKey, type StudyFilters, type StudyRow } from './repository.ts';

/** How one API version pages its study list. */
export interface StudyListRequest {
  /** The filters as the caller gave them: a cursor is valid only with the same ones. */
  given: Record<string, unknown>;
  filters: StudyFilters;
  size: number;
  token: string | undefined;
  /** Where the token sits in the input, for the error that refuses it. */
  tokenPointer: string;
}

/** One page of the caller's studies, most recently started first, shown by `toItem`. */
export async function listStudyPage<Item>(deps: ServiceDeps, context: OperationContext, request: StudyListRequest, toItem: (row: StudyRow) => Item): Promise<{ items: Item[]; next: string | null }> {
  const after = decodeCursor(request.token, 'studies', request.given, ['time', 'text'], request.tokenPointer);
  const rows = await listStudyRows(deps.db, orgOf(context), request.filters, after, request.size + 1);
  return toPage(rows, request.size, toItem, studyKey, (key) => encodeCursor('studies', request.given, key));
}
