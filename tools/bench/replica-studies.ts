import pg from 'pg';

/** The Study Instance UIDs of the benchmark's studies: fixed, so a later run on the same database finds them. */
function benchUid(index: number): string {
  return `2.25.9182736450${String(index + 1).padStart(6, '0')}`;
}

/** One study a writer holds while its update is in flight. */
export interface HeldStudy {
  id: string;
  version: number;
}

/**
 * The studies `updateStudy` writes to, and the version each one is at. A call takes a study no
 * other call holds, sends `If-Match` with its version, and gives it back with the version of the
 * answer: so every update is a real write that succeeds unless something else changed the study.
 * Such a precondition failure is counted apart (it cannot happen while only this benchmark writes).
 * Before each run the versions are read again from PostgreSQL, since a run cut off at its end
 * leaves answers unread.
 */
export class StudyVersions {
  readonly ids: readonly string[];
  private free: HeldStudy[] = [];
  private readonly client: pg.Client;
  private total = 0;
  /** Answers of a run: writes (the version moved by one), precondition failures, and successes whose version did not move by one. */
  written = 0;
  stale = 0;
  wrong = 0;

  private constructor(client: pg.Client, ids: string[]) {
    this.client = client;
    this.ids = ids;
  }

  /**
   * Finds the benchmark's `count` studies in the organisation of `token`, registering the missing
   * ones through the REST API at `url` (`registerStudy`, as a clinic would).
   */
  static async open(databaseUrl: string, url: string, token: string, orgId: string, count: number): Promise<StudyVersions> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const uids = Array.from({ length: count }, (_, index) => benchUid(index));
    const found = async () => (await client.query<{ id: string; study_instance_uid: string }>('SELECT id, study_instance_uid FROM studies WHERE org_id = $1 AND study_instance_uid = ANY($2)', [orgId, uids])).rows;
    const known = new Set((await found()).map((row) => row.study_instance_uid));
    for (const uid of uids.filter((candidate) => !known.has(candidate))) {
      const response = await fetch(`${url}/study/v2/studies`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          studyInstanceUid: uid,
          subjectIdentity: { issuer: 'urn:oid:2.999.1', patientId: `BENCH-${uid.slice(-6)}`, patientName: 'Bench^Patient', sex: 'other' },
          description: 'Benchmark study',
          modalities: [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: 'XC' }],
        }),
      });
      if (response.status !== 201 && response.status !== 200) throw new Error(`registering a benchmark study answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
    }
    const rows = await found();
    if (rows.length !== count) throw new Error(`found ${rows.length} of the ${count} benchmark studies after registering them`);
    const studies = new StudyVersions(client, rows.map((row) => row.id).sort());
    await studies.refresh();
    return studies;
  }

  /**
   * Reads every study's version from PostgreSQL and clears the counts of the last run. A run's
   * last updates may still be committing after its client went away, so the versions are read
   * until two reads 300 ms apart agree (at most 10 s).
   */
  async refresh(): Promise<void> {
    const read = async () => (await this.client.query<{ id: string; version: number }>('SELECT id, version FROM studies WHERE id = ANY($1) ORDER BY id', [this.ids])).rows.map((row) => ({ id: row.id, version: Number(row.version) }));
    let rows = await read();
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const again = await read();
      const settled = again.every((row, index) => row.version === rows[index]?.version);
      rows = again;
      if (settled) break;
    }
    this.free = rows;
    this.total = rows.reduce((sum, study) => sum + study.version, 0);
    this.written = this.stale = this.wrong = 0;
  }

  /** How many versions the studies gained in PostgreSQL since the last refresh (committed writes). */
  async committed(): Promise<number> {
    const rows = (await this.client.query<{ total: string }>('SELECT coalesce(sum(version), 0) AS total FROM studies WHERE id = ANY($1)', [this.ids])).rows;
    return Number(rows[0]?.total ?? 0) - this.total;
  }

  /** A study no call holds (there are more studies than calls in flight). */
  take(): HeldStudy {
    const study = this.free.pop();
    if (study === undefined) throw new Error(`more updates in flight than the ${this.ids.length} benchmark studies`);
    return study;
  }

  /**
   * Gives a study back with the answer to its update: the version the answer carries (a write
   * must move it by exactly one), `'stale'` for a precondition failure, or `'failed'` for any
   * other error (the loaders count those).
   */
  give(study: HeldStudy, answer: number | 'stale' | 'failed'): void {
    if (answer === study.version + 1) {
      this.written += 1;
      this.free.push({ id: study.id, version: answer });
      return;
    }
    if (answer === 'stale') this.stale += 1;
    else if (answer !== 'failed') this.wrong += 1;
    this.free.push(study);
  }

  close(): Promise<void> {
    return this.client.end();
  }
}
