import type { Queryable } from '../../store/db.ts';
import { SqlParams } from '../../store/sql.ts';
import type { FhirStatus, ReviewState } from './lifecycle.ts';
import type { Coding } from './modalities.ts';

/** The raw identity of a study's patient, stored apart from the study. */
export interface SubjectIdentity {
  issuer: string;
  patientId: string;
  patientName: string;
  birthDate: string | null;
  sex: 'female' | 'male' | 'other' | 'unknown';
  accessionNumber: string | null;
  pseudonymId: string;
}

/** A study row joined with its subject. */
export interface StudyRow {
  id: string;
  org_id: string;
  study_instance_uid: string;
  description: string | null;
  modalities: Coding[];
  started_at: Date | string | null;
  number_of_images: number;
  status: FhirStatus;
  review_state: ReviewState;
  created_at: Date | string;
  updated_at: Date | string;
  version: number;
  issuer: string;
  patient_id: string;
  patient_name: string;
  birth_date: string | null;
  sex: SubjectIdentity['sex'];
  accession_number: string | null;
  pseudonym_id: string;
}

/** The columns of a `StudyRow`, from `studies s JOIN study_subjects j`. */
export const studyColumns = `s.id, s.org_id, s.study_instance_uid, s.description, s.modalities, s.started_at, s.number_of_images,
  s.status, s.review_state, s.created_at, s.updated_at, s.version, j.issuer, j.patient_id, j.patient_name, j.birth_date,
  j.sex, j.accession_number, j.pseudonym_id`;

/** Reads a study of `orgId`; `lock` takes its row lock for the rest of the transaction. */
export async function findStudy(sql: Queryable, orgId: string, id: string, lock = false): Promise<StudyRow | undefined> {
  const rows = await sql.query<StudyRow>(
    `SELECT ${studyColumns} FROM studies s JOIN study_subjects j ON j.study_id = s.id WHERE s.id = $1 AND s.org_id = $2${lock ? ' FOR UPDATE OF s' : ''}`,
    [id, orgId],
  );
  return rows[0];
}

/** What a new study is made of. */
export interface NewStudy {
  id: string;
  orgId: string;
  studyInstanceUid: string;
  description: string | null;
  modalities: Coding[];
  startedAt: string | null;
  subject: SubjectIdentity;
  now: Date;
}

/** Inserts a registered study at version 1 and its subject. */
export async function insertStudy(sql: Queryable, study: NewStudy): Promise<void> {
  await sql.query(
    `INSERT INTO studies (id, org_id, study_instance_uid, description, modalities, started_at, status, review_state, created_at, updated_at, version)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6, 'registered', 'not_started', $7, $7, 1)`,
    [study.id, study.orgId, study.studyInstanceUid, study.description, JSON.stringify(study.modalities), study.startedAt, study.now],
  );
  const s = study.subject;
  await sql.query(
    `INSERT INTO study_subjects (study_id, org_id, issuer, patient_id, patient_name, birth_date, sex, accession_number, pseudonym_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [study.id, study.orgId, s.issuer, s.patientId, s.patientName, s.birthDate, s.sex, s.accessionNumber, s.pseudonymId],
  );
}

/** The columns of a study a change may set; the version and updatedAt move with any change. */
export interface StudyChanges {
  description?: string | null;
  modalities?: Coding[];
  started_at?: string | null;
  status?: FhirStatus;
  review_state?: ReviewState;
  number_of_images?: number;
  cancellation_reason?: string;
}

/** Applies `changes` to a study (locked by the caller) and moves it to the next version. */
export async function updateStudyRow(sql: Queryable, id: string, changes: StudyChanges, now: Date): Promise<void> {
  const params = new SqlParams();
  const sets = Object.entries(changes)
    .filter(([, value]) => value !== undefined)
    .map(([column, value]) => `${column} = ${column === 'modalities' ? params.json(value) : params.add(value)}`);
  sets.push(`updated_at = ${params.add(now)}`, 'version = version + 1');
  await sql.query(`UPDATE studies SET ${sets.join(', ')} WHERE id = ${params.add(id)}`, params.values);
}

/** Replaces a study's subject identity (v1 lets a clinic correct it). */
export async function updateSubject(sql: Queryable, studyId: string, subject: SubjectIdentity): Promise<void> {
  await sql.query(
    `UPDATE study_subjects SET issuer = $2, patient_id = $3, patient_name = $4, birth_date = $5, sex = $6, accession_number = $7, pseudonym_id = $8
     WHERE study_id = $1`,
    [studyId, subject.issuer, subject.patientId, subject.patientName, subject.birthDate, subject.sex, subject.accessionNumber, subject.pseudonymId],
  );
}
