import { ApiError } from '../../runtime/errors.ts';
import type { ServiceDeps } from '../deps.ts';
import { eventsAfter, type ProgressEvent } from './events.ts';

const batch = 100;

// The highest sequence PostgreSQL's bigint holds: resuming after it (or anything above) replays nothing.
const lastSequence = 2n ** 63n - 1n;

/**
 * Where a watcher resumes: `after` wins over `Last-Event-ID`; 0 replays everything. A bigint, as
 * the contract lets Last-Event-ID have 19 digits (above 2^53, where a number loses digits); one
 * above the highest sequence resumes after every event.
 */
export function resumePoint(after: number | undefined, lastEventId: string | undefined): bigint {
  const point = (value: bigint) => (value > lastSequence ? lastSequence : value);
  if (after !== undefined) return point(BigInt(after));
  if (lastEventId === undefined || lastEventId.trim() === '') return 0n;
  if (!/^[0-9]{1,19}$/.test(lastEventId.trim())) throw new ApiError('invalid_argument', 'Last-Event-ID must be an event sequence.', [{ pointer: '/header/Last-Event-ID', message: 'must be a sequence number' }]);
  return point(BigInt(lastEventId.trim()));
}

/**
 * The events of a study after `after`: first those stored, then new ones as they are committed,
 * until `signal` aborts. The watcher subscribes before its first read and reads again after
 * every wake-up from where it stopped, so an event committed between the replay and the live
 * part is read exactly once.
 */
export async function* watchStudyEvents(deps: ServiceDeps, orgId: string, studyId: string, after: bigint, signal: AbortSignal): AsyncGenerator<ProgressEvent> {
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
        last = BigInt(event.sequence);
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
