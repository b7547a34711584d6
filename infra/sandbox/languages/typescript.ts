import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { NODE, nodeFlags } from './javascript';
import { parseNodeError, parseTapSummary } from './nodeOutput';
import type { LanguageSpec } from './types';
import type { ErrorInfo } from '../types';

/** esbuild's static binary (tsx's, in node_modules): no shared libraries to bind. */
function esbuildBinary(): string {
  const fromEsbuild = createRequire(require.resolve('esbuild'));
  return fromEsbuild.resolve(`@esbuild/${process.platform}-${process.arch}/bin/esbuild`);
}

function esbuildVersion(): string {
  const manifest = path.join(path.dirname(require.resolve('esbuild')), '..', 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

const RUNNER = path.join(__dirname, '..', 'runtime', 'ts-run.cjs');

/** esbuild's report: "✘ [ERROR] Expected \";\" but found \"y\"" then "    solution.ts:1:6:" (0-based column). */
function parseEsbuildError(stderr: string): ErrorInfo | null {
  const message = /\[ERROR\] (.+)$/m.exec(stderr)?.[1];
  if (!message) return null;
  const at = /^\s+(solution(?:\.test)?\.ts):(\d+):(\d+):$/m.exec(stderr);
  return { message: `SyntaxError: ${message}`, line: at ? Number(at[2]) : null, column: at ? Number(at[3]) + 1 : null, stackTrace: null };
}

/**
 * TypeScript on Node 20 (which cannot strip types itself): compiled inside the sandbox by esbuild
 * (types are erased, not checked, as tsx does), then run with source maps.
 */
export const typescript: LanguageSpec = {
  name: 'typescript',
  version: () => `${process.versions.node} (esbuild ${esbuildVersion()})`,
  extension: '.ts',
  testFramework: 'node:test',
  codeFile: 'solution.ts',
  testFile: 'solution.test.ts',
  readOnly: () => [NODE],
  linked: () => [NODE],
  extraBinds: () => [
    { from: esbuildBinary(), to: '/opt/pocdojo/esbuild' },
    { from: RUNNER, to: '/opt/pocdojo/ts-run.cjs' },
  ],
  command: (tests) => [NODE, ...nodeFlags(192), '--enable-source-maps', '/opt/pocdojo/ts-run.cjs', 'solution.ts', ...(tests ? ['solution.test.ts'] : [])],
  outOfMemory: /JavaScript heap out of memory|Array buffer allocation failed|RangeError: Invalid array length|Allocation failed/,
  parseError: (stderr) => parseEsbuildError(stderr) ?? parseNodeError(stderr, ['solution.ts', 'solution.test.ts']),
  parseTests: (stdout) => parseTapSummary(stdout),
};
