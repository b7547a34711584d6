import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';

/**
 * How long a fuzz file runs: the corpus first (inputs that once broke something), then
 * FUZZ_RUNS generated ones (default sized to keep a file near a minute on the 2-core CI
 * machine) from FUZZ_SEED (default: a new one each run, printed on failure so the failing run
 * can be replayed with FUZZ_SEED=<seed> FUZZ_PATH=<path>). Longer runs need ava's inactivity
 * timeout raised too: `FUZZ_RUNS=3000 npx ava --timeout=15m test/fuzz/rest.test.ts`.
 */
export function fuzzParameters<T>(defaultRuns: number, corpus: ReadonlyArray<{ case: T }>): fc.Parameters<[T]> {
  const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() ^ (Math.random() * 0x100000000);
  const runs = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : defaultRuns;
  return {
    seed,
    numRuns: runs,
    examples: corpus.map((entry) => [entry.case]),
    path: process.env.FUZZ_PATH,
    // Shrinking replays requests against a node whose state moved on: stop at the first failure.
    endOnFailure: true,
  };
}

/**
 * What to print for a failed run: the fault, the seed to replay it, and the counterexample as a
 * corpus entry in a file (a case may hold a 300 kB string; the log gets its start).
 */
export function failureReport<T>(details: fc.RunDetails<[T]>, name: string): string {
  const fault = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  const file = path.join(tmpdir(), `fuzz-${name}-${details.seed}.json`);
  const entry = { why: fault.split('\n')[0], case: details.counterexample?.[0] };
  writeFileSync(file, `${JSON.stringify(entry, null, 2)}\n`);
  return [
    `${fault.slice(0, 1_000)}`,
    `after ${details.numRuns} runs; replay with FUZZ_SEED=${details.seed} FUZZ_PATH=${details.counterexamplePath}`,
    `corpus entry (add it to test/fuzz/corpus.json once fixed): ${file}`,
  ].join('\n');
}
