import { Errors, type ServiceBroker } from 'moleculer';
import type { Sql } from '../infra/db/sql';
import type { Logger } from '../infra/logger';
import type { FailedArgs } from './args';
import { FailedJobs, type FailedJob } from './FailedJobs';
import type { Writer } from './ProgressBar';

/**
 * `retry --failed` and `dead-letters [--replay]`. Rows go back to PENDING here; on a cluster
 * render publishes them at once (its `publishJobs` action), otherwise the running node's
 * recovery sweep queues them within a minute, as it does the yearly batch's rows.
 */
export async function runFailed(args: FailedArgs, sql: Sql, broker: ServiceBroker | undefined, logger: Logger, out: Writer): Promise<number> {
  const jobs = new FailedJobs(sql);
  const filter = { kind: args.kind, tenant: args.tenant, limit: args.limit };
  if (args.command === 'dead-letters' && !args.replay) {
    const failed = await jobs.list(filter);
    out.write(args.json ? `${JSON.stringify({ failed })}\n` : table(failed));
    return 0;
  }
  const requeued = await jobs.requeue(filter);
  const published = requeued.length && broker ? await publish(broker, requeued, logger) : 0;
  const result = { requeued: requeued.length, published, ids: requeued.map((j) => j.id) };
  out.write(
    args.json
      ? `${JSON.stringify(result)}\n`
      : `${requeued.length} failed job(s) back to PENDING; ${broker ? `${published} queued through render` : "the render node's recovery sweep queues them within a minute (in-process queue)"}\n`,
  );
  return 0;
}

async function publish(broker: ServiceBroker, jobs: Array<{ kind: string; id: string; tenantId: string }>, logger: Logger): Promise<number> {
  let queued = 0;
  try {
    for (let i = 0; i < jobs.length; i += 1000) {
      queued += (await broker.call<{ queued: number }, { jobs: typeof jobs }>('render.publishJobs', { jobs: jobs.slice(i, i + 1000) })).queued;
    }
  } catch (err) {
    if (!(err instanceof Errors.ServiceNotFoundError) && !(err instanceof Errors.ServiceNotAvailableError)) throw err;
    logger.warn('jobs: no render node reachable; its recovery sweep will queue the requeued jobs');
  }
  return queued;
}

function table(failed: FailedJob[]): string {
  if (failed.length === 0) return 'no failed jobs\n';
  const lines = failed.map((j) => [j.failedAt.slice(0, 19).replace('T', ' '), j.kind, j.id, j.tenant, j.what, `${j.attempts} attempt(s)`, j.error ?? ''].join('  '));
  return `${lines.join('\n')}\n${failed.length} failed job(s); replay with: npm run jobs -- dead-letters --replay (same filters)\n`;
}
