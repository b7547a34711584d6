import type { ErrorInfo, TestCounts } from '../types';

/** The error line node prints last before its stack: "TypeError: x is not a function". */
const MESSAGE = /^((?:[A-Z]\w*)?(?:Error|Exception)\b.*)$/m;

/**
 * Reads node's report of an uncaught error: a SyntaxError names `file:line` above the source line
 * and a caret; a runtime error's first stack frame in one of `files` gives line and column.
 */
export function parseNodeError(stderr: string, files: readonly string[]): ErrorInfo | null {
  const message = MESSAGE.exec(stderr)?.[1];
  if (!message) return null;
  const lines = stderr.split('\n');
  const stack = lines.filter((l) => /^\s+at /.test(l));
  const names = files.map(escape).join('|');
  let line: number | null = null;
  let column: number | null = null;
  const header = lines.findIndex((l) => new RegExp(`^/work/(?:${names}):\\d+$`).test(l));
  if (header >= 0) {
    line = Number(lines[header]!.split(':').pop());
    const caret = lines[header + 2] ?? '';
    column = /^\s*\^/.test(caret) ? caret.indexOf('^') + 1 : null;
  } else {
    const frame = new RegExp(`/work/(?:${names}):(\\d+):(\\d+)`).exec(stack.join('\n'));
    if (frame) [line, column] = [Number(frame[1]), Number(frame[2])];
  }
  return { message, line, column, stackTrace: stack.length > 0 ? stack.map((l) => l.trim()).join('\n') : null };
}

/**
 * node:test's TAP summary ("# tests 3", "# pass 2", "# fail 1"). The last one counts: the room's
 * code shares the process and prints to the same stream, so it can print a summary too; only
 * the reporter's, written after every test, comes last (a run that exits before it has none).
 */
export function parseTapSummary(stdout: string): TestCounts | null {
  const last = (name: string) => {
    const all = [...stdout.matchAll(new RegExp(`^# ${name} (\\d+)$`, 'gm'))];
    return all.length > 0 ? Number(all[all.length - 1]![1]) : undefined;
  };
  const total = last('tests');
  const passed = last('pass');
  if (total === undefined || passed === undefined) return null;
  // Cancelled and skipped tests count as not passed: a kata is passed only by tests that ran and passed.
  return { passed, failed: total - passed, total };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
