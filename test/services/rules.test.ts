import { describe, expect, it } from 'vitest';
import { assertVersion, parseIfMatch } from '../../src/services/concurrency.ts';
import { imageDimensions } from '../../src/services/image/dimensions.ts';
import { gradientPng } from '../../src/conformance/png.ts';
import { newDicomUid, newId } from '../../src/services/ids.ts';
import { decodeCursor, encodeCursor, pageSize } from '../../src/services/paging.ts';
import { deriveStudyState, fromV1Status, toV1Status, type StudyFacts, type StudyState } from '../../src/services/study/lifecycle.ts';
import { codesForV1, modalityPattern, normaliseCodings, replaceV1Codes } from '../../src/services/study/modalities.ts';
import { sha256OfContentDigest } from '../../src/services/image/content.ts';

const none: StudyFacts = { pendingImages: 0, availableImages: 0, finishedAssessments: 0, openReviews: 0, startedReviews: 0, imagesAwaitingQualityReview: 0, completedDiagnosticReviews: 0 };
const at = (status: StudyState['status'], reviewState: StudyState['reviewState']): StudyState => ({ status, reviewState });

describe('deriveStudyState', () => {
  const registered = at('registered', 'not_started');
  it.each([
    ['no image yet', none, 'registered'],
    ['some images in, more pending', { ...none, availableImages: 1, pendingImages: 1 }, 'available'],
    ['all images in, no assessment', { ...none, availableImages: 2 }, 'ai_processing'],
    ['assessed, nobody started', { ...none, availableImages: 2, finishedAssessments: 1, openReviews: 3, imagesAwaitingQualityReview: 2 }, 'awaiting_review'],
    ['a reviewer started', { ...none, availableImages: 2, finishedAssessments: 1, openReviews: 3, startedReviews: 1, imagesAwaitingQualityReview: 2 }, 'in_review'],
    ['an image lacks a quality review', { ...none, availableImages: 2, finishedAssessments: 1, startedReviews: 2, imagesAwaitingQualityReview: 1, completedDiagnosticReviews: 1 }, 'in_review'],
    ['no diagnostic review', { ...none, availableImages: 2, finishedAssessments: 1, startedReviews: 2 }, 'in_review'],
    ['a second read is open', { ...none, availableImages: 2, finishedAssessments: 1, startedReviews: 3, openReviews: 1, completedDiagnosticReviews: 1 }, 'in_review'],
    ['an image is still pending', { ...none, availableImages: 2, pendingImages: 1, finishedAssessments: 1, startedReviews: 3, completedDiagnosticReviews: 1 }, 'in_review'],
    ['everything reviewed', { ...none, availableImages: 2, finishedAssessments: 1, startedReviews: 3, completedDiagnosticReviews: 1 }, 'reviewed'],
  ] as const)('%s: %s', (_, facts, v1) => {
    expect(toV1Status(deriveStudyState(registered, facts))).toBe(v1);
  });

  it('leaves cancelled, entered-in-error and reviewed studies as they are', () => {
    const facts = { ...none, availableImages: 1 };
    for (const state of [at('cancelled', 'in_review'), at('entered_in_error', 'not_started'), at('available', 'reviewed')]) expect(deriveStudyState(state, facts)).toEqual(state);
  });

  it('maps every v1 status to a stored pair and back', () => {
    for (const v1 of ['registered', 'available', 'ai_processing', 'awaiting_review', 'in_review', 'reviewed', 'cancelled', 'entered_in_error'] as const) {
      const stored = fromV1Status(v1);
      expect(toV1Status({ status: stored.status, reviewState: stored.reviewState ?? 'not_started' })).toBe(v1);
    }
  });
});

describe('If-Match', () => {
  it.each([['"3"', 3], ['W/"3"', 3], ['3', 3], [' "12" ', 12], ['*', '*'], ['"3', undefined], ['abc', undefined], ['"0"', undefined]] as const)('%s names %s', (value, version) => {
    expect(parseIfMatch(value)).toBe(version);
  });
  it('throws precondition_failed on another version', () => {
    expect(() => assertVersion('"2"', 3)).toThrow(expect.objectContaining({ code: 'precondition_failed' }));
    expect(() => assertVersion('garbage', 3)).toThrow(expect.objectContaining({ code: 'precondition_failed' }));
    expect(() => assertVersion('W/"3"', 3)).not.toThrow();
    expect(() => assertVersion('"2", W/"3"', 3)).not.toThrow();
    expect(() => assertVersion('"1", "2"', 3)).toThrow(expect.objectContaining({ code: 'precondition_failed' }));
  });
});

describe('paging', () => {
  it('checks the page size', () => {
    expect(pageSize(undefined, '/q')).toBe(20);
    expect(pageSize(100, '/q')).toBe(100);
    for (const bad of [0, 101, 2.5]) expect(() => pageSize(bad, '/q')).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });
  it('round-trips a cursor and refuses it for other filters, lists or shapes', () => {
    const cursor = encodeCursor('images', { status: 'available', studyId: undefined }, ['2026-03-02T09:14:05.000Z', 'img_x']);
    expect(decodeCursor(cursor, 'images', { status: 'available' }, ['time', 'text'], '/c')).toEqual(['2026-03-02T09:14:05.000Z', 'img_x']);
    for (const [scope, filters] of [['images', { status: 'rejected' }], ['reviews', { status: 'available' }]] as const) {
      expect(() => decodeCursor(cursor, scope, filters, ['time', 'text'], '/c')).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    }
    expect(() => decodeCursor(cursor, 'images', { status: 'available' }, ['int', 'time', 'text'], '/c')).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(() => decodeCursor('not a cursor', 'images', {}, ['time', 'text'], '/c')).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });
});

describe('ids', () => {
  it('are prefixed and match the contract patterns', () => {
    const ids = new Set(Array.from({ length: 200 }, () => newId('stu')));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^stu_[0-9A-Za-z]{20}$/);
    expect(newDicomUid()).toMatch(/^2\.25\.[1-9][0-9]{0,38}$/);
  });
});

describe('modalities', () => {
  const dcm = 'http://dicom.nema.org/resources/ontology/DCM';
  it('shows v1 only the DICOM codes it knows, and a v1 update keeps the others', () => {
    const stored = normaliseCodings([{ system: dcm, code: 'XC' }, { system: 'http://loinc.org', code: '123' }, { system: dcm, code: 'XC' }]);
    expect(stored).toEqual([{ system: dcm, code: 'XC', display: 'External-camera Photography' }, { system: 'http://loinc.org', code: '123' }]);
    expect(codesForV1(stored)).toEqual(['XC']);
    expect(replaceV1Codes(stored, ['OP'])).toEqual([{ system: dcm, code: 'OP', display: 'Ophthalmic Photography' }, { system: 'http://loinc.org', code: '123' }]);
  });
  it('parses a filter as code or system|code', () => {
    expect(modalityPattern('XC')).toEqual([{ code: 'XC' }]);
    expect(modalityPattern(`${dcm}|XC`)).toEqual([{ system: dcm, code: 'XC' }]);
  });
});

describe('image content facts', () => {
  it('reads PNG and JPEG dimensions', () => {
    expect(imageDimensions('image/png', gradientPng(17, 5, [0, 0, 0], [255, 255, 255]))).toEqual({ width: 17, height: 5 });
    // SOI, an APP0 segment of 16 bytes, then SOF0 with height 480 and width 640.
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, ...Array(14).fill(0), 0xff, 0xc0, 0x00, 0x11, 0x08, 0x01, 0xe0, 0x02, 0x80, 0x03]);
    expect(imageDimensions('image/jpeg', jpeg)).toEqual({ width: 640, height: 480 });
    expect(imageDimensions('image/jpeg', Buffer.from('not a jpeg'))).toBeUndefined();
    expect(imageDimensions('application/dicom', jpeg)).toBeUndefined();
  });
  it('finds the sha-256 of a Content-Digest', () => {
    const hex = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
    const b64 = Buffer.from(hex, 'hex').toString('base64');
    expect(sha256OfContentDigest(`sha-256=:${b64}:`)).toBe(hex);
    expect(sha256OfContentDigest(`sha-512=:AAAA:, sha-256=:${b64}:`)).toBe(hex);
    expect(sha256OfContentDigest('md5=:AAAA:')).toBeUndefined();
  });
});
