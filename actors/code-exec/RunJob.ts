import type { Logger } from '../../infra/logger';
import { defineJobKind, type JobResult } from '../../infra/jobs';
import type { RunReport, Sandbox, SandboxLimits } from '../../infra/sandbox';
import type { CodeEvent, CodeExecuted, ExecutionResult } from '../../protocol/codeExec';
import type { ExecutionRow } from './Executions';
import type { FairScheduler } from './FairScheduler';
import type { CodeExecMetrics } from './metrics';

export interface RunJobDeps {
  /** Undefined when the node has no working sandbox: runs end SANDBOX_UNAVAILABLE, never unsandboxed. */
  sandbox(): { sandbox: Sandbox } | { unavailable: string };
  scheduler: FairScheduler;
  limits: Partial<SandboxLimits>;
  metrics: CodeExecMetrics;
  /** Delivers a push to the room (dojo-room.codeEvent); never throws. */
  toRoom(row: ExecutionRow, event: CodeEvent): Promise<void>;
  /** Emits `code.executed`. */
  executed(event: CodeExecuted): Promise<void>;
  logger: Logger;
}

/** stdout then stderr, as a console shows them when it cannot interleave them. */
function combined(stdout: string, stderr: string): string {
  return stderr ? (stdout ? `${stdout}${stdout.endsWith('\n') ? '' : '\n'}${stderr}` : stderr) : stdout;
}

function resultOf(row: ExecutionRow, report: RunReport | { unavailable: string }): ExecutionResult {
  const base = { executionId: row.id, language: row.language };
  if ('unavailable' in report) {
    return {
      ...base,
      status: 'SANDBOX_UNAVAILABLE',
      output: '',
      stdout: '',
      stderr: '',
      executionTime: 0,
      memoryUsed: null,
      cpuTime: null,
      error: { message: `Code cannot run on this server: ${report.unavailable}`, line: null, column: null, stackTrace: null },
      tests: null,
    };
  }
  return {
    ...base,
    status: report.status,
    output: combined(report.stdout, report.stderr),
    stdout: report.stdout,
    stderr: report.stderr,
    executionTime: report.wallMs,
    memoryUsed: report.memoryBytes,
    cpuTime: report.cpuMs,
    error: report.error,
    tests: report.tests,
  };
}

/**
 * The job kind of a run: wait for a fair sandbox slot, tell the room it started, stream its
 * output to the room, store the result on the row (the kit completes it), push the result and
 * emit `code.executed`. A redelivered run runs again: a run has no effect outside its sandbox.
 */
export function runJobKind(deps: RunJobDeps) {
  return defineJobKind<ExecutionRow>({
    name: 'run',
    table: 'code_executions',
    async run(row, progress): Promise<JobResult> {
      const available = deps.sandbox();
      let report: RunReport | { unavailable: string };
      if ('unavailable' in available) {
        report = available;
      } else {
        const release = await deps.scheduler.acquire(`${row.tenant_id}:${row.dojo_id}`, progress.signal);
        // Output pushes go one after another, and all before the result: members see it in order.
        let streamed = Promise.resolve();
        try {
          const waited = (Date.now() - new Date(row.created).getTime()) / 1000;
          await deps.toRoom(row, { method: 'code.runStarted', data: { executionId: row.id, userId: row.user_id, language: row.language } });
          report = await available.sandbox.run({
            language: row.language,
            code: row.code,
            tests: row.tests,
            limits: deps.limits,
            signal: progress.signal,
            onOutput: (stream, chunk) => {
              streamed = streamed.then(() => deps.toRoom(row, { method: 'code.output', data: { executionId: row.id, stream, chunk } }));
            },
          });
          await streamed;
          deps.metrics.started(report.startMs / 1000, waited);
        } finally {
          release();
        }
      }
      const result = resultOf(row, report);
      deps.metrics.ran(row.language, result.status, result.executionTime / 1000, 'killedBy' in report ? report.killedBy : null);
      await deps.toRoom(row, { method: 'code.result', data: result });
      await deps.executed({
        tenantId: row.tenant_id,
        dojoId: row.dojo_id,
        executionId: row.id,
        userId: row.user_id,
        language: row.language,
        status: result.status,
        tests: result.tests,
        finishedAt: new Date().toISOString(),
      });
      return {
        columns: {
          result_status: result.status,
          stdout: result.stdout,
          stderr: result.stderr,
          output: result.output,
          execution_time_ms: result.executionTime,
          cpu_time_ms: result.cpuTime ?? 0,
          memory_used_bytes: result.memoryUsed ?? 0,
          result_error: JSON.stringify(result.error),
          test_results: JSON.stringify(result.tests),
        },
        format: row.language,
      };
    },
  });
}
