/**
 * Words of POC names and descriptions, as the inverted index (`poc_terms`) stores them and as a
 * query looks them up. One tokenizer for both sides, so what is indexed is what can be found.
 */

export const MAX_TERM_LENGTH = 64;
/** Weight of a term found in the name; description-only terms weigh 1. */
export const NAME_WEIGHT = 3;

// Words that appear in most descriptions: indexing them would make their postings the largest
// of the index, and searching for them finds everything anyway.
const STOP_WORDS = new Set(
  ('an and are as at be but by for from has have if in into is it its of on or so than that the their then there these ' + 'this to was were will with we you your our not no can all any').split(' '),
);

/** Lower-cased, accent-free words of at least two letters or digits, without stop words. */
export function tokenize(text: string): string[] {
  const folded = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
  const words = new Set<string>();
  for (const word of folded.split(/[^\p{L}\p{N}]+/u)) {
    if (word.length < 2 || STOP_WORDS.has(word)) continue;
    words.add(word.length > MAX_TERM_LENGTH ? word.slice(0, MAX_TERM_LENGTH) : word);
  }
  return [...words];
}

/** The index entries of one POC: each distinct word with its weight (name beats description). */
export function indexTerms(name: string, description: string): Map<string, number> {
  const terms = new Map<string, number>();
  for (const word of tokenize(description)) terms.set(word, 1);
  for (const word of tokenize(name)) terms.set(word, NAME_WEIGHT);
  return terms;
}

/** One `[lo, hi)` range of terms standing for query word `word`, scored `score` (0..1). */
export interface TermProbe {
  lo: string;
  hi: string;
  word: number;
  score: number;
  /** Typo variants are only used when the word itself is not in the index. */
  typo: boolean;
}

export interface TermQuery {
  probes: TermProbe[];
  /** How many query words a POC must match (every one of them). */
  words: number;
}

// Bounds of a byte range in the "C" collation: U+0001 sorts right after any term and before
// any longer term with the same start (terms hold only letters and digits); U+10FFFF sorts after
// every term starting with the prefix.
const JUST_AFTER = '\u0001';
const AFTER_ALL = '\u{10FFFF}';

/** Typo tolerance as common search engines set it: one typo from four letters on. */
export const MIN_TYPO_LENGTH = 4;
/** Prefix matching (as you type) from three letters on; shorter prefixes match too much. */
export const MIN_PREFIX_LENGTH = 3;

const SCORE_EXACT = 1;
const SCORE_PREFIX = 0.6;
const SCORE_TYPO = 0.4;

/**
 * Turns free text into index probes: for each word the word itself, the words it starts
 * (the last word only, as the user may still be typing it), and every spelling one edit away
 * (Damerau: deletion, insertion, substitution, transposition). The spelling variants are looked
 * up by equality in a btree, which row-level security allows where trigram indexes are not.
 */
export function termQuery(text: string, spellings: (word: string) => readonly string[] = typoVariants): TermQuery {
  const words = queryWords(text);
  const probes: TermProbe[] = [];
  words.forEach((word, index) => {
    probes.push({ lo: word, hi: word + JUST_AFTER, word: index, score: SCORE_EXACT, typo: false });
    if (index === words.length - 1 && word.length >= MIN_PREFIX_LENGTH) {
      probes.push({ lo: word + JUST_AFTER, hi: word + AFTER_ALL, word: index, score: SCORE_PREFIX, typo: false });
    }
    if (word.length >= MIN_TYPO_LENGTH) {
      for (const variant of spellings(word)) {
        probes.push({ lo: variant, hi: variant + JUST_AFTER, word: index, score: SCORE_TYPO, typo: true });
      }
    }
  });
  return { probes, words: words.length };
}

/** The words of a query that count (at most eight). */
export function queryWords(text: string): string[] {
  return tokenize(text).slice(0, 8);
}

/** Query words long enough for typo tolerance. */
export function typoWords(text: string): string[] {
  return queryWords(text).filter((word) => word.length >= MIN_TYPO_LENGTH);
}

/**
 * The keys under which the spelling dictionary (migration 946) files every term one edit away
 * from `word`: the word and each of its single deletions (SymSpell's symmetric deletes).
 */
export function deletesOf(word: string): string[] {
  const chars = [...word];
  return [...new Set([word, ...chars.map((_, i) => [...chars.slice(0, i), ...chars.slice(i + 1)].join(''))])];
}

/** Damerau-Levenshtein distance exactly 1 (a dictionary candidate may be two edits away). */
export function oneEditApart(a: string, b: string): boolean {
  const x = [...a];
  const y = [...b];
  if (Math.abs(x.length - y.length) > 1 || a === b) return false;
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  const rest = (p: string[], from: number) => p.slice(from).join('');
  if (x.length === y.length) {
    // One substitution, or one transposition of neighbours.
    return rest(x, i + 1) === rest(y, i + 1) || (x[i] === y[i + 1] && x[i + 1] === y[i] && rest(x, i + 2) === rest(y, i + 2));
  }
  // One insertion or deletion.
  return x.length > y.length ? rest(x, i + 1) === rest(y, i) : rest(x, i) === rest(y, i + 1);
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Every word at Damerau-Levenshtein distance 1 from `word`, without `word` itself. */
export function typoVariants(word: string): string[] {
  const chars = [...word];
  const letters = [...new Set([...ALPHABET, ...chars])];
  const out = new Set<string>();
  const join = (parts: string[]) => parts.join('');
  for (let i = 0; i <= chars.length; i++) {
    if (i < chars.length) out.add(join([...chars.slice(0, i), ...chars.slice(i + 1)]));
    if (i < chars.length - 1) out.add(join([...chars.slice(0, i), chars[i + 1] as string, chars[i] as string, ...chars.slice(i + 2)]));
    for (const c of letters) {
      if (i < chars.length) out.add(join([...chars.slice(0, i), c, ...chars.slice(i + 1)]));
      out.add(join([...chars.slice(0, i), c, ...chars.slice(i)]));
    }
  }
  out.delete(word);
  for (const v of out) if (v.length < 2 || v.length > MAX_TERM_LENGTH) out.delete(v);
  return [...out];
}
