/**
 * The singular of a name's last word, which names the item type of an inline array
 * (`findings` -> `Finding`, `modalities` -> `Modality`). Only a plural noun is singularised: a word
 * that merely ends in `s` (`status`, `statistics`, `analysis`, `canvas`, `address`) is left as it
 * is, and the item type is `<name>Item`, so no name is cut into a non-word (`StudyStatisticsByStatu`).
 */

/** Plurals that the suffix rules below would get wrong, by their singular. */
const irregularPlurals: Readonly<Record<string, string>> = {
  statuses: 'status', buses: 'bus', campuses: 'campus', viruses: 'virus', bonuses: 'bonus', censuses: 'census',
  aliases: 'alias', canvases: 'canvas', atlases: 'atlas', biases: 'bias', gases: 'gas', lenses: 'lens',
  analyses: 'analysis', diagnoses: 'diagnosis', prognoses: 'prognosis', crises: 'crisis', theses: 'thesis',
  hypotheses: 'hypothesis', syntheses: 'synthesis', parentheses: 'parenthesis', axes: 'axis',
  indices: 'index', matrices: 'matrix', vertices: 'vertex', appendices: 'appendix',
  caches: 'cache', niches: 'niche', heroes: 'hero', potatoes: 'potato', tomatoes: 'tomato', echoes: 'echo', vetoes: 'veto',
  leaves: 'leaf', halves: 'half', shelves: 'shelf', knives: 'knife', wives: 'wife', lives: 'life', wolves: 'wolf', selves: 'self', thieves: 'thief',
  children: 'child', people: 'person', men: 'man', women: 'woman', feet: 'foot', teeth: 'tooth', mice: 'mouse', geese: 'goose',
  criteria: 'criterion', phenomena: 'phenomenon',
};

/** Words that end in `s` and are not plurals of another word (besides those ending in -ss, -us and -is). */
const notPlural = new Set([
  'statistics', 'analytics', 'physics', 'mathematics', 'economics', 'logistics', 'genetics', 'ethics', 'politics', 'electronics',
  'series', 'species', 'news', 'means', 'whereabouts', 'canvas', 'atlas', 'gas', 'bias', 'alias', 'lens', 'chaos', 'ethos', 'kudos',
  'diabetes', 'measles', 'mumps', 'dns', 'gps', 'sms', 'os', 'ios', 'macos', 'aws', 'https', 'tls', 'yes', 'has', 'was', 'does', 'its', 'his',
]);

/** Plurals that end in -us or -is, which are otherwise taken for singular words (`status`, `analysis`). */
const pluralsInUsOrIs = new Set(['menus', 'skus', 'cpus', 'gpus', 'gurus', 'emus', 'haikus', 'apis', 'uris', 'kpis', 'taxis', 'emojis', 'wikis', 'skis', 'kiwis', 'alibis', 'safaris']);

/** Plurals in -ies whose singular ends in -ie, not -y (`cookies` -> `cookie`). */
const pluralsOfIe = new Set(['cookies', 'movies', 'zombies', 'ties', 'pies', 'lies', 'selfies', 'calories', 'rookies', 'hoodies', 'goalies', 'brownies', 'smoothies', 'genies']);

/** `findings` -> `finding`, `StudyModalities` -> `StudyModality`, `StudyStatus` -> `StudyStatusItem`, `tags` -> `tag`. */
export function singular(name: string): string {
  const lastWord = /[A-Z]?[a-z]+$/.exec(name)?.[0] ?? '';
  const word = lastWord.toLowerCase();
  const stem = name.slice(0, name.length - lastWord.length);
  const irregular = irregularPlurals[word];
  if (irregular !== undefined) {
    const capitalised = lastWord[0] !== undefined && lastWord[0] !== word[0];
    return stem + (capitalised ? irregular.charAt(0).toUpperCase() + irregular.slice(1) : irregular);
  }
  if (notPlural.has(word) || (/(ss|us|is)$/.test(word) && !pluralsInUsOrIs.has(word))) return `${name}Item`;
  if (pluralsOfIe.has(word)) return name.slice(0, -1);
  if (/ies$/.test(name)) return `${name.slice(0, -3)}y`;
  if (/(ss|x|ch|sh)es$/.test(name)) return name.slice(0, -2);
  if (/[^s]s$/.test(name)) return name.slice(0, -1);
  return `${name}Item`;
}
