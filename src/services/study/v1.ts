import type { StudyV1Handlers } from '../../../generated/ts/study/v1/server.ts';
import type { OperationContext } from '../../runtime/handler.ts';
import { orgOf } from '../access.ts';
import type { ServiceDeps } from '../deps.ts';
import { pageSize } from '../paging.ts';
import { normaliseTime } from '../time.ts';
import { cancelStudy, getStudyRow, registerStudy, updateStudy, withPseudonym } from './commands.ts';
import { mayReadIdentity } from './identity-access.ts';
import { fromV1Status } from './lifecycle.ts';
import { listStudyPage } from './listing.ts';
import { toStudyV1 } from './mapping.ts';
import { codingsFromV1, dicomSystem, replaceV1Codes } from './modalities.ts';
import { clinicIssuer } from './pseudonym.ts';
import type { StudyChanges, StudyRow } from './repository.ts';

/** The v1 study as the caller may see it: with the patient's identity only for those who may read it. */
const studyFor = (context: OperationContext) => (row: StudyRow) => toStudyV1(row, mayReadIdentity(context));

/**
 * Study API v1: the raw subject in the body (for callers who may read it), one status, cursor
 * paging. Deprecated for v2.
 */
export function studyV1Handlers(deps: ServiceDeps): StudyV1Handlers {
  return {
    async registerStudy({ body }, context) {
      const row = await registerStudy(deps, context, {
        studyInstanceUid: body.studyInstanceUid,
        description: body.description ?? null,
        modalities: codingsFromV1(body.modalities ?? []),
        startedAt: normaliseTime(body.startedAt),
        subject: { ...body.subject, birthDate: body.subject.birthDate ?? null, issuer: clinicIssuer(orgOf(context)), accessionNumber: body.accessionNumber ?? null },
      });
      return studyFor(context)(row);
    },

    async listStudies({ query }, context) {
      const page = await listStudyPage(deps, context, {
        scope: 'studies/v1',
        given: { status: query.status, modality: query.modality, startedAfter: query.startedAfter, startedBefore: query.startedBefore },
        filters: {
          ...(query.status === undefined ? {} : fromV1Status(query.status)),
          ...(query.modality === undefined ? {} : { modality: [{ system: dicomSystem, code: query.modality }] }),
          ...(query.startedAfter === undefined ? {} : { startedAfter: normaliseTime(query.startedAfter) }),
          ...(query.startedBefore === undefined ? {} : { startedBefore: normaliseTime(query.startedBefore) }),
        },
        size: pageSize(query.limit, '/query/limit'),
        token: query.cursor,
        tokenPointer: '/query/cursor',
      }, studyFor(context));
      return { items: page.items, nextCursor: page.next };
    },

    async getStudy({ path }, context) {
      return studyFor(context)(await getStudyRow(deps, context, path.studyId));
    },

    async updateStudy({ path, header, body }, context) {
      const row = await updateStudy(deps, context, path.studyId, header['If-Match'], (current) => {
        const changes: StudyChanges = {};
        if (body.description !== undefined) changes.description = body.description;
        if (body.startedAt !== undefined) changes.started_at = normaliseTime(body.startedAt);
        if (body.modalities !== undefined) changes.modalities = replaceV1Codes(current.modalities, body.modalities);
        if (body.subject === undefined && body.accessionNumber === undefined) return { changes };
        const subject = body.subject ?? { patientId: current.patient_id, patientName: current.patient_name, birthDate: current.birth_date, sex: current.sex };
        const accessionNumber = body.accessionNumber === undefined ? current.accession_number : body.accessionNumber;
        return { changes, subject: withPseudonym(deps, current.org_id, { ...subject, birthDate: subject.birthDate ?? null, issuer: current.issuer, accessionNumber }) };
      });
      return studyFor(context)(row);
    },

    async cancelStudy({ path, header, body }, context) {
      return studyFor(context)(await cancelStudy(deps, context, path.studyId, header['If-Match'], body.reason));
    },
  };
}
