import type { ImageV1Handlers } from '../../generated/ts/image/v1/server.ts';
import type { ReviewV1Handlers } from '../../generated/ts/review/v1/server.ts';
import type { StudyV1Handlers } from '../../generated/ts/study/v1/server.ts';
import type { StudyV2Handlers } from '../../generated/ts/study/v2/server.ts';
import type { BlobStore } from '../store/blobs.ts';
import type { Database } from '../store/db.ts';
import type { PseudonymSecrets } from './deps.ts';
import { demoOrgId, demoUsers } from './demo/seed.ts';
import { imageV1Handlers } from './image/v1.ts';
import { progressHubFor } from './progress/hub.ts';
import { reviewV1Handlers } from './review/v1.ts';
import { studyV1Handlers } from './study/v1.ts';
import { studyV2Handlers } from './study/v2.ts';

export { demoOrgId, demoUsers, seedDemo, type DemoSeed } from './demo/seed.ts';
export type { PseudonymSecrets } from './deps.ts';
export { addMember, addOrganisation, roles, type Role } from './members.ts';
export { secretsFromMasterKey } from './study/pseudonym.ts';

/** What the services are built from. */
export interface ServicesOptions {
  /** A migrated database (see `openStore` in src/store). */
  db: Database;
  blobs: BlobStore;
  /** The time of every change; the system clock by default (tests pass their own). */
  clock?: () => Date;
  /** The per-organisation keys of subject pseudonyms (e.g. `secretsFromMasterKey(key)`). */
  secrets: PseudonymSecrets;
}

/** One implementation per API version, keyed `<api>/v<major>` as the contracts are. */
export interface Services {
  'image/v1': ImageV1Handlers;
  'review/v1': ReviewV1Handlers;
  'study/v1': StudyV1Handlers;
  'study/v2': StudyV2Handlers;
}

/**
 * The implementations of every operation of every API version over one store. Study v1 and v2
 * serve the same studies. Services built on the same database share one progress notifier, so
 * a watcher sees events committed through any of them.
 */
export function createServices(options: ServicesOptions): Services {
  const deps = { db: options.db, blobs: options.blobs, clock: options.clock ?? (() => new Date()), secrets: options.secrets, progress: progressHubFor(options.db) };
  return {
    'image/v1': imageV1Handlers(deps),
    'review/v1': reviewV1Handlers(deps),
    'study/v1': studyV1Handlers(deps),
    'study/v2': studyV2Handlers(deps),
  };
}

export { imagingReview as default } from './app.ts';

/** The organisation and users of dev tokens: the demo organisation and its users. */
export const identities = { orgId: demoOrgId, users: Object.fromEntries(Object.entries(demoUsers).map(([role, user]) => [role, user.id])) };
