import type { Context, ServiceSchema } from 'moleculer';
import { Sql } from '../../infra/db/sql';
import type { Infrastructure } from '../../infra/infrastructure';
import { JobKit } from '../../infra/jobs';
import { DEFAULT_LIMITS, LANGUAGES, recordSelfTest, Sandbox, sandboxUnavailable, type SandboxLimits } from '../../infra/sandbox';
import { CODE_LANGUAGES, type CodeEvent, type RunParams } from '../../protocol/codeExec';
import { Admission } from './Admission';
import { Executions, type ExecutionRow } from './Executions';
import { FairScheduler } from './FairScheduler';
import { CodeExecMetrics } from './metrics';
import { PARAMS } from './params';
import { runJobKind } from './RunJob';

/** Longer than any run plus its wait for a slot, so the queue redelivers only what a dead worker left. */
const ACK_WAIT_MS = 5 * 60_000;
/** A run that failed outside its program (a cgroup could not be made) is tried once more. */
const MAX_ATTEMPTS = 2;

/** The sandbox limits from the configuration (CODE_EXEC_*). */
export function sandboxLimits(config: Infrastructure['config']['codeExec']): SandboxLimits {
  return {
    ...DEFAULT_LIMITS,
    wallMs: config.timeoutMs,
    cpuSeconds: Math.ceil(config.timeoutMs / 1000),
    memoryBytes: config.memoryBytes,
    outputBytes: config.outputBytes,
  };
}

/**
 * The code-exec actor: runs a room's code in a sandbox (infra/sandbox), from a durable queue (the
 * job kit). Rooms call `run`; results go back to the room as pushes through `dojo-room.codeEvent`
 * and to everyone else as the `code.executed` event. A node without a working sandbox says so at
 * start-up and in /ready (deploy/features.ts), and answers every run SANDBOX_UNAVAILABLE.
 */
export function createCodeExecService(infra: Infrastructure): ServiceSchema {
  const settings = infra.config.codeExec;
  const limits = sandboxLimits(settings);
  let executions: Executions;
  let admission: Admission;
  let kit: JobKit;
  const scheduler = new FairScheduler(settings.concurrency);
  let sandbox: { sandbox: Sandbox } | { unavailable: string } = { unavailable: 'not started' };

  return {
    name: 'code-exec',
    actions: {
      /** Called by room actors with the room's current code: queues a run (429 past the limits). */
      run: {
        visibility: 'public',
        params: PARAMS.run,
        async handler(ctx: Context<RunParams>) {
          await admission.admit(ctx.params.tenantId, ctx.params.dojoId);
          const row = await executions.create(ctx.params);
          await kit.enqueue([{ kind: 'run', id: row.id, tenantId: row.tenant_id }], this.logger);
          return { executionId: row.id, status: 'QUEUED' as const };
        },
      },
      /** For dojo-room's REST actions, which checked that the caller may see the dojo. */
      list: {
        visibility: 'public',
        params: PARAMS.list,
        handler: (ctx: Context<{ tenantId: string; dojoId: string; limit: number; offset: number }>) => executions.list(ctx.params.tenantId, ctx.params.dojoId, ctx.params),
      },
      get: {
        visibility: 'public',
        params: PARAMS.get,
        handler: (ctx: Context<{ tenantId: string; dojoId: string; executionId: string }>) => executions.get(ctx.params.tenantId, ctx.params.dojoId, ctx.params.executionId),
      },
      /** GET /v1/languages (seed 003's getLanguageSupport). */
      languages: {
        params: PARAMS.languages,
        handler() {
          return {
            languages: CODE_LANGUAGES.map((name) => {
              const spec = LANGUAGES[name];
              return { name, version: spec.version(), fileExtension: spec.extension, testFramework: spec.testFramework, codeFile: spec.codeFile, testFile: spec.testFile };
            }),
            sandbox: 'unavailable' in sandbox ? { available: false, reason: sandbox.unavailable } : { available: true, reason: null },
          };
        },
      },
    },
    created() {
      if (!infra.database) throw new Error('code-exec needs a database');
      const sql = new Sql(infra.database);
      executions = new Executions(sql);
      admission = new Admission(settings, infra.rateLimiter, executions);
      const metrics = new CodeExecMetrics({ waiting: () => scheduler.queued, running: () => scheduler.running });
      const toRoom = async (row: ExecutionRow, event: CodeEvent) => {
        try {
          await this.broker.call('dojo-room.codeEvent', { tenantId: row.tenant_id, dojoId: row.dojo_id, event });
        } catch (err) {
          // The room may have closed meanwhile: the result is still stored and listed.
          this.logger.debug({ err, executionId: row.id, method: event.method }, 'code event not delivered to its room');
        }
      };
      const kind = runJobKind({
        sandbox: () => sandbox,
        scheduler,
        limits,
        metrics,
        toRoom,
        executed: async (event) => {
          await this.broker.emit('code.executed', event);
        },
        logger: this.logger,
      });
      kit = new JobKit({ name: 'code-exec', sql, queue: infra.queue, kinds: [kind], failurePrefix: 'The run failed' });
    },
    async started() {
      sandbox = settings.sandbox === 'off' ? { unavailable: 'code execution is switched off on this server (CODE_EXEC_SANDBOX=off)' } : await startSandbox(limits, this.logger);
      await kit.start({
        // Runs are taken off the queue a window at a time and scheduled fairly by room (FairScheduler).
        concurrency: settings.window,
        maxAttempts: MAX_ATTEMPTS,
        retryBaseMs: 500,
        ackWaitMs: ACK_WAIT_MS,
        logger: this.logger,
        sweep: { leases: infra.leases, owner: infra.config.nodeId },
      });
    },
    async stopped() {
      await kit.stop();
    },
  };
}

/** The sandbox, once a real trivial run worked; otherwise why not (logged as an error: code will not run here). */
async function startSandbox(limits: SandboxLimits, logger: { info(o: object, m: string): void; error(o: object, m: string): void }) {
  const reason = sandboxUnavailable();
  if (reason) {
    logger.error({ reason }, `code execution is unavailable on this node: ${reason}`);
    return { unavailable: reason };
  }
  const sandbox = new Sandbox({ limits, uidBase: 61000 });
  try {
    // One real run per language: proves bwrap, cgroups and the binds work, and warms the bind lists.
    for (const language of CODE_LANGUAGES) {
      const report = await sandbox.run({ language, code: language === 'python' ? 'print(1)' : 'console.log(1)' });
      if (report.status !== 'COMPLETED' || report.stdout.trim() !== '1') throw new Error(`${language} self-test ended ${report.status}: ${report.stderr.slice(0, 300)}`);
    }
  } catch (error) {
    const why = `sandbox self-test failed: ${(error as Error).message}`;
    recordSelfTest(why);
    logger.error({ reason: why }, `code execution is unavailable on this node: ${why}`);
    return { unavailable: why };
  }
  recordSelfTest(undefined);
  logger.info({ languages: CODE_LANGUAGES }, 'code execution sandbox ready (bubblewrap, prlimit, cgroup v1)');
  return { sandbox };
}
