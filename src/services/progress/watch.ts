import { ApiError } from '../../runtime/errors.ts';
import type { ServiceDeps } from '../deps.ts';
import { eventsAfter, type ProgressEvent } from './events.ts';

const batch = 100;

/** Where a watcher resumes: `after` wins over `Last-Event-ID`; 0 replays everything. */
export function resumePoint(after: number | undefined, lastEventId: string | undefined): number {
  if (after !== undefined) return after;
  if (lastEventId === undefined || lastEventId.trim() === '') return 0;
  const parsed = Number(lastEventId);
  if (!Number.isSafeInteger(parsed) || parsed < 0) throw new ApiError('invalid_argument', 'Last-Event-ID must be an event sequence.', [{ pointer: '/header/Last-Event-ID', message: 'must be a sequence number' }]);
  return parsed;
}

/**
 * The events of a study after `after`: first those stored, then new ones as they are committed,
 * until `signal` aborts. The watcher subscribes before its first read and reads again after
 * every wake-up from where it stopped, so an event committed between the replay and the live
 * part is read exactly once.
 */
export async function* watchStudyEvents(deps: ServiceDeps, orgId: string, studyId: string, after: number, signal: AbortSignal): AsyncGenerator<ProgressEvent> {
  let woken = true;
  let wake = () => {};
  const unsubscribe = await deps.progress.subscribe(studyId, () => {
    woken = true;
    wake();
  });
  // Unsubscribing on abort too: a consumer may drop the stream without ever calling return().
  const onAbort = () => {
    unsubscribe();
    wake();
  };
  signal.addEventListener('abort', onAbort);
  try {
    let last = after;
    while (!signal.aborted) {
      woken = false;
      const events = await eventsAfter(deps.db, orgId, studyId, last, batch);
      for (const event of events) {
        if (signal.aborted) return;
        yield event;
        last = event.sequence;
      }
      // A full batch means more are stored already; otherwise sleep unless woken meanwhile.
      if (events.length === batch || woken) continue;
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (woken || signal.aborted) resolve();
      });
      wake = () => {};
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    unsubscribe();
  }
}
