import type { BlobStore } from '../store/blobs.ts';
import type { Database } from '../store/db.ts';
import type { ProgressHub } from './progress/hub.ts';

/** Where the per-organisation secret of subject pseudonyms comes from. */
export interface PseudonymSecrets {
  /** The HMAC key of `orgId`'s pseudonyms; it must stay the same for the pseudonyms to. */
  keyFor(orgId: string): string | Uint8Array;
}

/** What every service is built from. */
export interface ServiceDeps {
  db: Database;
  blobs: BlobStore;
  clock: () => Date;
  secrets: PseudonymSecrets;
  progress: ProgressHub;
}
