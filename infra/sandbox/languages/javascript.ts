import type { LanguageSpec } from './types';
import { parseNodeError, parseTapSummary } from './nodeOutput';

/** The Node that runs the node: the same 20.x the project is built for. */
export const NODE = process.execPath;

/** Node flags of every JS/TS run: a heap under the cgroup's limit, so running out says so. */
export function nodeFlags(heapMiB: number): string[] {
  return [`--max-old-space-size=${heapMiB}`, '--test-reporter=tap', '--disable-proto=delete'];
}

/** JavaScript on Node 20; kata tests use node:test and `require('./solution')`. */
export const javascript: LanguageSpec = {
  name: 'javascript',
  version: () => process.versions.node,
  extension: '.js',
  testFramework: 'node:test',
  codeFile: 'solution.js',
  testFile: 'solution.test.js',
  readOnly: () => [NODE],
  linked: () => [NODE],
  command: (tests) => [NODE, ...nodeFlags(192), tests ? 'solution.test.js' : 'solution.js'],
  outOfMemory: /JavaScript heap out of memory|Array buffer allocation failed|RangeError: Invalid array length|Allocation failed/,
  parseError: (stderr) => parseNodeError(stderr, ['solution.js', 'solution.test.js']),
  parseTests: (stdout) => parseTapSummary(stdout),
};
