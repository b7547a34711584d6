import corpus from './corpus.json';
import type { RestCase } from './rest-cases';
import type { WsCase } from './ws-cases';

/**
 * Inputs that once broke something, replayed on every run before the random ones. Add the
 * counterexample a failing run prints, with what it broke and where it was fixed.
 */
export interface CorpusEntry<C> {
  /** What it broke, and the commit or issue that fixed it. */
  why: string;
  case: C;
}

export const REST_CORPUS = corpus.rest as unknown as Array<CorpusEntry<RestCase>>;
export const WS_CORPUS = corpus.ws as unknown as Array<CorpusEntry<WsCase>>;
