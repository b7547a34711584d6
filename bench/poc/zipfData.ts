import { FRAMEWORKS, LANGUAGES, tags as tagList, vocabulary } from './vocabulary';

/**
 * POCs and queries shaped like a real tenant's: words, tags and languages drawn with Zipf
 * frequencies (the k-th most used value about 1/k as often as the first), as real text and real
 * labels are. Issue 22's shape: a 3,000-word vocabulary, 12 languages, 300 tags, 80 frameworks,
 * 60% public. Deterministic for a seed.
 */
export const ZIPF_SHAPE = { words: 3_000, languages: 12, tags: 300, frameworks: 80, publicShare: 0.6 } as const;

export function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    // xorshift32: fast, and good enough for drawing bench data.
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

/** Draws an index in [0, n) with P(k) ~ 1 / (k + 1)^s. */
export function zipf(n: number, random: () => number, s = 1): () => number {
  const cumulative: number[] = [];
  let sum = 0;
  for (let k = 1; k <= n; k++) cumulative.push((sum += 1 / k ** s));
  return () => {
    const x = random() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

export interface ZipfPoc {
  name: string;
  description: string;
  repo_url: string;
  language: string;
  tags: string[];
  frameworks: string[];
  is_public: boolean;
}

export class ZipfWorld {
  readonly words = vocabulary(ZIPF_SHAPE.words).slice(0, ZIPF_SHAPE.words);
  readonly languages = LANGUAGES.slice(0, ZIPF_SHAPE.languages);
  readonly tags = tagList(ZIPF_SHAPE.tags).slice(0, ZIPF_SHAPE.tags);
  readonly frameworks = Array.from({ length: ZIPF_SHAPE.frameworks }, (_, i) => FRAMEWORKS[i] ?? `Framework ${i}`);
  readonly random: () => number;
  readonly #word: () => number;
  readonly #tag: () => number;
  readonly #framework: () => number;
  readonly #language: () => number;

  constructor(seed = 22) {
    this.random = prng(seed);
    this.#word = zipf(this.words.length, this.random);
    this.#tag = zipf(this.tags.length, this.random);
    this.#framework = zipf(this.frameworks.length, this.random);
    this.#language = zipf(this.languages.length, this.random, 0.7);
  }

  #int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  #draw<T>(list: readonly T[], index: () => number, count: number): T[] {
    return [...new Set(Array.from({ length: count }, () => list[index()] as T))];
  }

  poc(i: number): ZipfPoc {
    return {
      name: this.#draw(this.words, this.#word, this.#int(2, 4)).join(' '),
      description: Array.from({ length: this.#int(8, 24) }, () => this.words[this.#word()]).join(' '),
      repo_url: `https://git.example.com/poc/${i}`,
      language: this.languages[this.#language()] as string,
      tags: this.#draw(this.tags, this.#tag, this.#int(0, 4)),
      frameworks: this.#draw(this.frameworks, this.#framework, this.#int(0, 2)),
      is_public: this.random() < ZIPF_SHAPE.publicShare,
    };
  }

  /** One of the `top` most used words. */
  common(top = 20): string {
    return this.words[Math.floor(this.random() * top)] as string;
  }

  /** A word from the long tail (ranks 1,000-3,000): a few dozen POCs or fewer. */
  rare(): string {
    return this.words[this.#int(1_000, this.words.length - 1)] as string;
  }

  /** A word of rank 30-500 with one letter replaced, as a hurried typist would. */
  misspelt(): string {
    let word = '';
    while (word.length < 5) word = this.words[this.#int(30, 500)] as string;
    const at = this.#int(1, word.length - 2);
    const letter = 'etaoinsrhl'[this.#int(0, 9)] as string;
    return word.slice(0, at) + (word[at] === letter ? 'u' : letter) + word.slice(at + 1);
  }

  language(): string {
    return this.languages[this.#language()] as string;
  }

  tag(): string {
    return this.tags[this.#tag()] as string;
  }
}

export type ZipfClass = 'one common word' | 'one rare word' | 'one misspelt word' | 'two words' | 'language filter' | 'tag filter' | 'q + language + tag' | 'browse';
export const ZIPF_CLASSES: readonly ZipfClass[] = ['one common word', 'one rare word', 'one misspelt word', 'two words', 'language filter', 'tag filter', 'q + language + tag', 'browse'];

export type ZipfQuery = Partial<Record<'q' | 'language' | 'tag', string>>;

/** A query of the class, drawn as users would type it (frequent words and labels most often). */
export function zipfQuery(world: ZipfWorld, kind: ZipfClass): ZipfQuery {
  switch (kind) {
    case 'one common word':
      return { q: world.common() };
    case 'one rare word':
      return { q: world.rare() };
    case 'one misspelt word':
      return { q: world.misspelt() };
    case 'two words':
      return { q: `${world.common(200)} ${world.common(200)}` };
    case 'language filter':
      return { language: world.language() };
    case 'tag filter':
      return { tag: world.tag() };
    case 'q + language + tag':
      return { q: world.common(100), language: world.language(), tag: world.tags[Math.floor(world.random() * 20)] as string };
    case 'browse':
      return {};
  }
}
