-- The imaging-review schema. Every resource row carries org_id, and every read and write filters
-- on it; version starts at 1 and grows by one on each change (it is the ETag).

CREATE TABLE organisations (
  id text PRIMARY KEY,
  name text NOT NULL,
  created_at timestamptz NOT NULL
);

-- Who works for which clinic, in which roles: assignments are checked against it.
CREATE TABLE members (
  org_id text NOT NULL REFERENCES organisations (id),
  user_id text NOT NULL,
  name text NOT NULL,
  roles jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (org_id, user_id)
);

-- One row per study, served by study v1 and v2 alike. The FHIR status and the review state are
-- stored apart; v1's single status is derived from the pair.
CREATE TABLE studies (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  study_instance_uid text NOT NULL,
  description text,
  modalities jsonb NOT NULL,
  started_at timestamptz,
  number_of_images integer NOT NULL DEFAULT 0,
  status text NOT NULL CHECK (status IN ('registered', 'available', 'cancelled', 'entered_in_error')),
  review_state text NOT NULL CHECK (review_state IN ('not_started', 'ai_processing', 'awaiting_review', 'in_review', 'reviewed')),
  cancellation_reason text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  version integer NOT NULL,
  CONSTRAINT studies_instance_uid_unique UNIQUE (org_id, study_instance_uid)
);
CREATE INDEX studies_by_start ON studies (org_id, (coalesce(started_at, '-infinity'::timestamptz)) DESC, id DESC);

-- The raw patient identity, kept apart from the study so that only the pseudonym travels with it.
CREATE TABLE study_subjects (
  study_id text PRIMARY KEY REFERENCES studies (id),
  org_id text NOT NULL,
  issuer text NOT NULL,
  patient_id text NOT NULL,
  patient_name text NOT NULL,
  birth_date text,
  sex text NOT NULL,
  accession_number text,
  pseudonym_id text NOT NULL
);
CREATE INDEX study_subjects_by_pseudonym ON study_subjects (org_id, pseudonym_id);

CREATE TABLE images (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  study_id text NOT NULL REFERENCES studies (id),
  sop_instance_uid text NOT NULL,
  series_instance_uid text NOT NULL,
  instance_number integer NOT NULL,
  status text NOT NULL CHECK (status IN ('pending_upload', 'available', 'rejected', 'entered_in_error')),
  content_type text NOT NULL,
  size_bytes bigint NOT NULL,
  sha256 text NOT NULL,
  width_px integer,
  height_px integer,
  capture jsonb NOT NULL,
  rejection jsonb,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  version integer NOT NULL,
  CONSTRAINT images_sop_instance_uid_unique UNIQUE (org_id, sop_instance_uid)
);
CREATE INDEX images_by_creation ON images (org_id, created_at DESC, id DESC);
CREATE INDEX images_by_study ON images (study_id);

CREATE TABLE assessments (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  study_id text NOT NULL REFERENCES studies (id),
  algorithm_name text NOT NULL,
  algorithm_version text NOT NULL,
  status text NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed')),
  findings jsonb NOT NULL,
  quality jsonb,
  failure_reason text,
  completed_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  version integer NOT NULL
);
CREATE INDEX assessments_by_creation ON assessments (org_id, created_at DESC, id DESC);
CREATE INDEX assessments_by_study ON assessments (study_id);

CREATE TABLE reviews (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  study_id text NOT NULL REFERENCES studies (id),
  kind text NOT NULL CHECK (kind IN ('DIAGNOSTIC', 'QUALITY')),
  image_id text REFERENCES images (id),
  assessment_id text REFERENCES assessments (id),
  second_read_of text REFERENCES reviews (id),
  assignee_id text,
  priority text NOT NULL,
  -- stat > asap > urgent > routine, as a number so that lists can sort and page on it.
  priority_rank smallint NOT NULL,
  due_at timestamptz,
  status text NOT NULL CHECK (status IN ('requested', 'assigned', 'in_progress', 'on_hold', 'completed', 'cancelled')),
  verdict text,
  finding_verdicts jsonb NOT NULL,
  quality_issues jsonb NOT NULL,
  comments text,
  submitted_by text,
  submitted_at timestamptz,
  cancellation_reason text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  version integer NOT NULL
);
CREATE INDEX reviews_by_urgency ON reviews (org_id, priority_rank DESC, created_at, id);
CREATE INDEX reviews_by_study ON reviews (study_id);

-- The review progress stream. Events are appended in the transaction of the change they report,
-- while that transaction holds the study's row lock, so per study they commit in sequence order.
CREATE TABLE events (
  sequence bigserial PRIMARY KEY,
  id text NOT NULL UNIQUE,
  org_id text NOT NULL,
  study_id text NOT NULL REFERENCES studies (id),
  type text NOT NULL,
  occurred_at timestamptz NOT NULL,
  payload jsonb NOT NULL
);
CREATE INDEX events_by_study ON events (study_id, sequence);
