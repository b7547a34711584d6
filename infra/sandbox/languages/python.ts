import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { sharedObjectsIn } from '../binds';
import type { ErrorInfo, TestCounts } from '../types';
import type { LanguageSpec } from './types';

/** Debian's python3 (not a pyenv shim on PATH): its binary and its standard library. */
const PYTHON = '/usr/bin/python3';
let resolved: { binary: string; version: string; stdlib: string } | undefined;

function python() {
  if (!resolved) {
    const binary = realpathSync(PYTHON);
    const version = execFileSync(binary, ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])'], { encoding: 'utf8', env: {} }).trim();
    const [major, minor] = version.split('.');
    resolved = { binary, version, stdlib: `/usr/lib/python${major}.${minor}` };
  }
  return resolved;
}

/** The last frame in the room's files, and the caret under it (a SyntaxError's column). */
function parsePythonError(stderr: string, code: string): ErrorInfo | null {
  const lines = stderr.trimEnd().split('\n');
  const last = lines[lines.length - 1] ?? '';
  const message = /^[A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt)\b/.test(last) ? last : null;
  if (!message) return null;
  let line: number | null = null;
  let column: number | null = null;
  const frameAt = lines.map((l, i) => ({ l, i })).filter(({ l }) => /^\s*File "\/work\/(?:solution|test_solution)\.py", line \d+/.test(l));
  const frame = frameAt[frameAt.length - 1];
  if (frame) {
    line = Number(/line (\d+)/.exec(frame.l)![1]);
    const shown = lines[frame.i + 1] ?? '';
    const caret = lines[frame.i + 2] ?? '';
    if (/^\s*[\^~]+\s*$/.test(caret) && frame.l.includes('solution.py')) {
      // Python shows the line stripped and indented by 4; the caret is relative to that.
      const indent = /^\s*/.exec(code.split('\n')[line - 1] ?? '')![0].length;
      const shownIndent = /^\s*/.exec(shown)![0].length;
      column = caret.search(/[\^~]/) - shownIndent + indent + 1;
    }
  }
  const stack = lines.slice(0, -1).join('\n').trim();
  return { message, line, column, stackTrace: stack || null };
}

/** unittest's footer on stderr: "Ran 3 tests in 0.001s" then "OK" or "FAILED (failures=1, errors=1)". */
function parseUnittest(stderr: string): TestCounts | null {
  const ran = [...stderr.matchAll(/^Ran (\d+) tests? in /gm)].pop();
  if (!ran) return null;
  const total = Number(ran[1]);
  const tail = stderr.slice(ran.index);
  const verdict = /^(OK|FAILED)\b(.*)$/m.exec(tail);
  if (!verdict) return null;
  const count = (name: string) => Number(new RegExp(`${name}=(\\d+)`).exec(verdict[2] ?? '')?.[1] ?? 0);
  const failed = count('failures') + count('errors') + count('unexpected successes');
  return { passed: total - failed - count('skipped'), failed: failed + count('skipped'), total };
}

/** Python 3 from Debian; kata tests are unittest modules doing `from solution import *`. */
export const pythonLanguage: LanguageSpec = {
  name: 'python',
  version: () => python().version,
  extension: '.py',
  testFramework: 'unittest',
  codeFile: 'solution.py',
  testFile: 'test_solution.py',
  readOnly: () => [python().binary, python().stdlib],
  linked: () => [python().binary, ...sharedObjectsIn(`${python().stdlib}/lib-dynload`)],
  // -B: no .pyc in the work dir; -s -E: no user site, no PYTHON* variables (there are none anyway).
  command: (tests) => [python().binary, '-B', '-s', '-E', ...(tests ? ['-m', 'unittest', '-v', 'test_solution'] : ['solution.py'])],
  outOfMemory: /^MemoryError\b/m,
  parseError: (stderr, _stdout, code) => parsePythonError(stderr, code),
  parseTests: (_stdout, stderr) => parseUnittest(stderr),
};
