import { z } from 'zod';
import { uuid } from './rest/common';
import { freeText } from './text';

// Code execution (issue 16): what a room's "run" produces, as pushed to the room, stored, listed
// over REST, and emitted to other actors (the kata actor counts tests from `code.executed`).

export const CODE_LANGUAGES = ['javascript', 'typescript', 'python'] as const;
export const codeLanguage = z.enum(CODE_LANGUAGES, { message: `must be one of ${CODE_LANGUAGES.join(', ')}` });
export type CodeLanguage = z.output<typeof codeLanguage>;

/** How a run ended. SANDBOX_UNAVAILABLE: the node has no working sandbox, and never runs code without one. */
export const EXECUTION_STATUSES = ['COMPLETED', 'ERROR', 'TIMEOUT', 'MEMORY_LIMIT', 'OUTPUT_LIMIT', 'KILLED', 'SANDBOX_UNAVAILABLE'] as const;
export const executionStatus = z.enum(EXECUTION_STATUSES);
export type ExecutionStatus = z.output<typeof executionStatus>;

/** Sizes a run accepts: the Yjs document of a room and a kata's tests file. */
export const CODE_LIMITS = { code: 256 * 1024, tests: 256 * 1024 } as const;

/** Program output and what is parsed from it: free text (control characters were replaced by the sandbox). */
const programText = () => freeText(z.string());

export const executionError = z.object({
  message: programText(),
  line: z.number().int().nullable(),
  column: z.number().int().nullable(),
  stackTrace: programText().nullable(),
});
export const testCounts = z.object({ passed: z.number().int().min(0), failed: z.number().int().min(0), total: z.number().int().min(0) });
export type TestCounts = z.output<typeof testCounts>;

/** seed 003's ExecutionResult, plus the kata's test counts. Times in ms, memory in bytes. */
export const executionResult = z.object({
  executionId: uuid,
  status: executionStatus,
  output: programText(),
  stdout: programText(),
  stderr: programText(),
  executionTime: z.number().int().min(0),
  memoryUsed: z.number().int().min(0).nullable(),
  cpuTime: z.number().int().min(0).nullable(),
  language: codeLanguage,
  error: executionError.nullable(),
  tests: testCounts.nullable(),
});
export type ExecutionResult = z.output<typeof executionResult>;

/** `code-exec.run` (called by room actors): the code and tests are the room's, read by the room. */
export const runParams = z.object({
  tenantId: uuid,
  userId: uuid,
  dojoId: uuid,
  language: codeLanguage,
  code: freeText(z.string().max(CODE_LIMITS.code, `must be at most ${CODE_LIMITS.code} characters`)),
  tests: freeText(z.string().max(CODE_LIMITS.tests, `must be at most ${CODE_LIMITS.tests} characters`)).nullish(),
});
export type RunParams = z.output<typeof runParams>;
export const runAccepted = z.object({ executionId: uuid, status: z.literal('QUEUED') });

/** What code-exec pushes to a room while a run goes (`dojo-room.codeEvent` delivers it to members). */
export const codeRunStarted = z.object({ executionId: uuid, userId: uuid, language: codeLanguage });
export const codeOutput = z.object({ executionId: uuid, stream: z.enum(['stdout', 'stderr']), chunk: programText() });
export const codeEvent = z.discriminatedUnion('method', [
  z.object({ method: z.literal('code.runStarted'), data: codeRunStarted }),
  z.object({ method: z.literal('code.output'), data: codeOutput }),
  z.object({ method: z.literal('code.result'), data: executionResult }),
]);
export type CodeEvent = z.output<typeof codeEvent>;
export const codeEventParams = z.object({ tenantId: uuid, dojoId: uuid, event: codeEvent });
export type CodeEventParams = z.output<typeof codeEventParams>;

/** Broker event `code.executed`, once per finished run (the kata actor listens). */
export const codeExecuted = z.object({
  tenantId: uuid,
  dojoId: uuid,
  executionId: uuid,
  userId: uuid,
  language: codeLanguage,
  status: executionStatus,
  tests: testCounts.nullable(),
  finishedAt: z.iso.datetime(),
});
export type CodeExecuted = z.output<typeof codeExecuted>;

/** seed 003's getLanguageSupport(): what a client may pick and how kata tests are written. */
export const languageSupport = z.object({
  name: codeLanguage,
  version: z.string(),
  fileExtension: z.string(),
  testFramework: z.string(),
  /** The room's code runs as this file; the tests file imports it from there (`./solution`). */
  codeFile: z.string(),
  testFile: z.string(),
});
