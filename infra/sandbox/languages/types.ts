import type { ErrorInfo, TestCounts } from '../types';

export type LanguageName = 'javascript' | 'typescript' | 'python';

/** A file the run's work dir starts with. */
export interface SandboxFile {
  name: string;
  content: string;
}

/**
 * Everything the sandbox knows about a language, declared once: what to bind read-only, how to
 * lay out the room's code and the kata's tests, the command, and how to read its output. Adding
 * Go is one more of these (its toolchain's directory in `readOnly`, `go run` in `command`).
 */
export interface LanguageSpec {
  name: LanguageName;
  /** The interpreter's version, read once from the host. */
  version(): string;
  extension: string;
  testFramework: string;
  /** The room's code is this file; the tests file imports it from here. */
  codeFile: string;
  testFile: string;
  /** Host paths bound read-only at the same path inside (binaries, stdlib directories). */
  readOnly(): string[];
  /** Binaries and modules whose shared libraries are bound too. */
  linked(): string[];
  /** Host files bound read-only at another path inside (the TS runner, esbuild). */
  extraBinds?(): Array<{ from: string; to: string }>;
  /** The command inside the sandbox (cwd is the work dir); `tests` when a tests file is present. */
  command(tests: boolean): string[];
  /** The interpreter printed that it ran out of memory (an allocation failed under RLIMIT_AS). */
  outOfMemory: RegExp;
  /** The first error in the program's output, with the line/column in the room's code where it can. */
  parseError(stderr: string, stdout: string, code: string): ErrorInfo | null;
  /** The test runner's counts, or null when the tests never ran to their summary. */
  parseTests(stdout: string, stderr: string): TestCounts | null;
}
