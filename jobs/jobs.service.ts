import { Cron } from 'croner';
import type { ServiceSchema } from 'moleculer';
import type { Infrastructure } from '../infra/infrastructure';
import { Sql } from '../infra/db/sql';
import { queueThroughRender } from './renderQueue';
import { YearlyBatch } from './YearlyBatch';
import { YearlySchedule } from './YearlySchedule';

/**
 * The jobs actor: the yearly batch on its schedule (exactly one process of the cluster runs it),
 * and the hourly renewal of plans that are due.
 * It records the batch's rows and asks render to queue them; render's job kit recovers what is
 * left unqueued. Wired by deploy/, never imported by actors/.
 */
export function createJobsService(infra: Infrastructure): ServiceSchema {
  let schedule: YearlySchedule | undefined;
  let renewals: Cron | undefined;

  return {
    name: 'jobs',
    started() {
      const { config, database } = infra;
      if (!database) throw new Error('the jobs actor needs a database');
      // Plan renewals, every hour through the tenant actor: its idempotency keys name the period
      // renewed, so every jobs process may run them and each period is still charged once.
      renewals = new Cron('17 * * * *', { timezone: 'UTC', protect: true }, async () => {
        try {
          const tally = await this.broker.call('tenant.renewPlans', {});
          this.logger.info({ ...(tally as object) }, 'jobs: plan renewals done');
        } catch (error) {
          this.logger.warn({ err: error }, 'jobs: plan renewals failed; the next hour tries again');
        }
      });
      if (!config.yearly.enabled) return;
      const batch = new YearlyBatch(new Sql(database), queueThroughRender(this.broker, this.logger));
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
    },
    stopped() {
      renewals?.stop();
      schedule?.stop();
    },
  };
}
