import type { ServiceSchema } from 'moleculer';
import type { Infrastructure } from '../infra/infrastructure';
import { createRenderJobs, type RenderJobs } from '../actors/render/domain';
import { Recovery } from '../actors/render/Recovery';
import { YearlyBatch } from './YearlyBatch';
import { YearlySchedule } from './YearlySchedule';

const SWEEP_EVERY_MS = 30_000;
const SWEEP_LEASE = 'jobs:render-recovery';

/**
 * The jobs actor: the yearly batch on its schedule (exactly one process of the cluster runs it)
 * and the render jobs' recovery sweep (one process at a time, under a lease).
 */
export function createJobsService(infra: Infrastructure): ServiceSchema {
  let jobs: RenderJobs;
  let schedule: YearlySchedule | undefined;
  let sweeper: NodeJS.Timeout | undefined;
  let sweeping: Promise<unknown> = Promise.resolve();

  return {
    name: 'jobs',
    created() {
      jobs = createRenderJobs(infra);
    },
    started() {
      const { config } = infra;
      const batch = new YearlyBatch(jobs.sql, jobs.queue);
      if (config.yearly.enabled) {
        schedule = new YearlySchedule({
          pattern: config.yearly.schedule,
          leases: infra.leases,
          kv: infra.kv,
          owner: config.nodeId,
          logger: this.logger,
          run: async (year, signal) => {
            const result = await batch.run({ year, signal });
            this.logger.info({ ...result }, 'jobs: yearly batch done');
          },
        });
        schedule.start();
        this.logger.info({ next: schedule.next()?.toISOString() }, 'jobs: yearly batch scheduled');
      }
      const recovery = new Recovery(jobs.sql, jobs.queue, { maxAttempts: config.render.maxAttempts, unpublishedAfterSeconds: 10, lostAfterSeconds: 120 });
      const sweep = async () => {
        if (!(await infra.leases.acquire(SWEEP_LEASE, config.nodeId, SWEEP_EVERY_MS * 2))) return;
        const result = await recovery.sweep();
        if (result.published + result.republished + result.failed > 0) this.logger.info({ ...result }, 'jobs: render jobs recovered');
      };
      sweeper = setInterval(() => {
        sweeping = sweep().catch((err: unknown) => this.logger.warn({ err }, 'jobs: recovery sweep failed'));
      }, SWEEP_EVERY_MS);
      sweeper.unref();
    },
    async stopped() {
      schedule?.stop();
      clearInterval(sweeper);
      await sweeping;
    },
  };
}
