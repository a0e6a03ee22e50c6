import type { StudyV2Handlers } from '../../../generated/ts/study/v2/server.ts';
import type { ServiceDeps } from '../deps.ts';
import { pageSize } from '../paging.ts';
import { normaliseTime } from '../time.ts';
import { cancelStudy, getStudyRow, registerStudy, updateStudy } from './commands.ts';
import { requireIdentityReader } from './identity-access.ts';
import { listStudyPage } from './listing.ts';
import { toStudyV2, toSubjectIdentity } from './mapping.ts';
import { modalityPattern, normaliseCodings } from './modalities.ts';
import type { StudyChanges } from './repository.ts';

/**
 * Study API v2: the same studies as v1, with the subject pseudonymised (raw identity behind
 * `getStudySubjectIdentity`), the FHIR status split from the review state, coded modalities and
 * page tokens.
 */
export function studyV2Handlers(deps: ServiceDeps): StudyV2Handlers {
  return {
    async registerStudy({ body }, context) {
      const identity = body.subjectIdentity;
      const row = await registerStudy(deps, context, {
        studyInstanceUid: body.studyInstanceUid,
        description: body.description ?? null,
        modalities: normaliseCodings(body.modalities ?? []),
        startedAt: normaliseTime(body.startedAt),
        subject: {
          issuer: identity.issuer,
          patientId: identity.patientId,
          patientName: identity.patientName,
          birthDate: identity.birthDate ?? null,
          sex: identity.sex,
          accessionNumber: identity.accessionNumber ?? null,
        },
      });
      return toStudyV2(row);
    },

    async listStudies({ query }, context) {
      const page = await listStudyPage(deps, context, {
        scope: 'studies/v2',
        given: { status: query.status, reviewState: query.reviewState, modality: query.modality, startedAfter: query.startedAfter, startedBefore: query.startedBefore },
        filters: {
          ...(query.status === undefined ? {} : { status: query.status }),
          ...(query.reviewState === undefined ? {} : { reviewState: query.reviewState }),
          ...(query.modality === undefined ? {} : { modality: modalityPattern(query.modality) }),
          ...(query.startedAfter === undefined ? {} : { startedAfter: normaliseTime(query.startedAfter) }),
          ...(query.startedBefore === undefined ? {} : { startedBefore: normaliseTime(query.startedBefore) }),
        },
        size: pageSize(query.pageSize, '/query/pageSize'),
        token: query.pageToken,
        tokenPointer: '/query/pageToken',
      }, toStudyV2);
      return { items: page.items, nextPageToken: page.next };
    },

    async getStudy({ path }, context) {
      return toStudyV2(await getStudyRow(deps, context, path.studyId));
    },

    async updateStudy({ path, header, body }, context) {
      const row = await updateStudy(deps, context, path.studyId, header['If-Match'], () => {
        const changes: StudyChanges = {};
        if (body.description !== undefined) changes.description = body.description;
        if (body.startedAt !== undefined) changes.started_at = normaliseTime(body.startedAt);
        if (body.modalities !== undefined) changes.modalities = normaliseCodings(body.modalities);
        return { changes };
      });
      return toStudyV2(row);
    },

    async cancelStudy({ path, header, body }, context) {
      return toStudyV2(await cancelStudy(deps, context, path.studyId, header['If-Match'], body.reason));
    },

    async getStudySubjectIdentity({ path }, context) {
      requireIdentityReader(context);
      return toSubjectIdentity(await getStudyRow(deps, context, path.studyId));
    },
  };
}
