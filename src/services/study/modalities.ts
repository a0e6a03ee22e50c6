import type { components as V1 } from '../../../generated/ts/study/v1/types.ts';
import type { components as V2 } from '../../../generated/ts/study/v2/types.ts';

/** A coded concept (FHIR Coding), how modalities are stored and how v2 shows them. */
export type Coding = V2['schemas']['Coding'];
/** A bare DICOM modality code, how v1 shows them. */
export type ModalityCode = V1['schemas']['Modality'];

/** The DICOM controlled terminology, the code system of v1's modality codes. */
export const dicomSystem = 'http://dicom.nema.org/resources/ontology/DCM';

const displays: Record<ModalityCode, string> = {
  XC: 'External-camera Photography',
  OP: 'Ophthalmic Photography',
  DX: 'Digital Radiography',
  ES: 'Endoscopy',
  GM: 'General Microscopy',
  SM: 'Slide Microscopy',
  IO: 'Intra-oral Radiography',
  OT: 'Other',
};

function isModalityCode(code: string): code is ModalityCode {
  return Object.hasOwn(displays, code);
}

/** v1 codes as codings of the DICOM system. */
export function codingsFromV1(codes: readonly ModalityCode[]): Coding[] {
  return [...new Set(codes)].map((code) => ({ system: dicomSystem, code, display: displays[code] }));
}

/** v2 codings as stored: duplicates dropped, a known DICOM code given its display if it has none. */
export function normaliseCodings(codings: readonly Coding[]): Coding[] {
  const seen = new Set<string>();
  const result: Coding[] = [];
  for (const coding of codings) {
    const key = `${coding.system}|${coding.code}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const display = coding.display ?? (coding.system === dicomSystem && isModalityCode(coding.code) ? displays[coding.code] : undefined);
    result.push(display === undefined ? { system: coding.system, code: coding.code } : { system: coding.system, code: coding.code, display });
  }
  return result;
}

/** What v1 can show of stored codings: the DICOM codes it knows, in order. */
export function codesForV1(codings: readonly Coding[]): ModalityCode[] {
  const codes: ModalityCode[] = [];
  for (const coding of codings) {
    if (coding.system === dicomSystem && isModalityCode(coding.code) && !codes.includes(coding.code)) codes.push(coding.code);
  }
  return codes;
}

/**
 * A v1 update of the modalities: the given codes replace the DICOM codings v1 can show, and the
 * codings it cannot show (other systems, set through v2) are kept.
 */
export function replaceV1Codes(current: readonly Coding[], codes: readonly ModalityCode[]): Coding[] {
  const hidden = current.filter((coding) => !(coding.system === dicomSystem && isModalityCode(coding.code)));
  return [...codingsFromV1(codes), ...hidden];
}

/** The jsonb containment pattern of a modality filter: `code` (any system) or `system|code`. */
export function modalityPattern(filter: string): Partial<Coding>[] {
  const bar = filter.lastIndexOf('|');
  return bar < 0 ? [{ code: filter }] : [{ system: filter.slice(0, bar), code: filter.slice(bar + 1) }];
}
