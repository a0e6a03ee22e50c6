import { describe, expect, it } from 'vitest';
import { singular } from '../../src/compiler/singular.ts';

// The item type of an inline array is named by the singular of the array's name.
describe('singular', () => {
  const cases: Array<[given: string, want: string]> = [
    // Plural nouns lose their plural ending.
    ['findings', 'finding'],
    ['StudyFindings', 'StudyFinding'],
    ['modalities', 'modality'],
    ['ReviewModalities', 'ReviewModality'],
    ['addresses', 'address'],
    ['boxes', 'box'],
    ['matches', 'match'],
    ['wishes', 'wish'],
    ['IDs', 'ID'],
    ['apis', 'api'],
    ['menus', 'menu'],
    ['Cookies', 'Cookie'],
    // Irregular plurals, keeping the word's capital.
    ['statuses', 'status'],
    ['StudyStatuses', 'StudyStatus'],
    ['Analyses', 'Analysis'],
    ['buses', 'bus'],
    ['diagnoses', 'diagnosis'],
    ['indices', 'index'],
    ['caches', 'cache'],
    ['children', 'child'],
    ['OrgPeople', 'OrgPerson'],
    // Words that end in s but are no plural noun are left alone.
    ['status', 'statusItem'],
    ['StudyStatisticsByStatus', 'StudyStatisticsByStatusItem'],
    ['statistics', 'statisticsItem'],
    ['StudyStatistics', 'StudyStatisticsItem'],
    ['analysis', 'analysisItem'],
    ['bus', 'busItem'],
    ['canvas', 'canvasItem'],
    ['series', 'seriesItem'],
    ['TimeSeries', 'TimeSeriesItem'],
    ['news', 'newsItem'],
    ['species', 'speciesItem'],
    ['address', 'addressItem'],
    ['access', 'accessItem'],
    ['campus', 'campusItem'],
    ['basis', 'basisItem'],
    ['Dns', 'DnsItem'],
    // Names that do not end in s get `Item`.
    ['data', 'dataItem'],
    ['ResultList', 'ResultListItem'],
    ['Matrix2', 'Matrix2Item'],
  ];
  for (const [given, want] of cases) {
    it(`${given} -> ${want}`, () => expect(singular(given)).toBe(want));
  }
});
