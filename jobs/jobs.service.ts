import type { ServiceSchema } from 'moleculer';
import type { Infrastructure } from '../infra/infrastructure';
import { Sql } from '../infra/db/sql';
import { queueThroughRender } from './renderQueue';
import { YearlyBatch } from './YearlyBatch';
import { YearlySchedule } from './YearlySchedule';

/**
 * The jobs actor: the yearly batch on its schedule (exactly one process of the cluster runs it).
 * It records the batch's rows and asks render to queue them; render's job kit recovers what is
 * left unqueued. Wired by deploy/, never imported by actors/.
 */
export function createJobsService(infra: Infrastructure): ServiceSchema {
  let schedule: YearlySchedule | undefined;

  return {
    name: 'jobs',
    started() {
      const { config, database } = infra;
      if (!database) throw new Error('the jobs actor needs a database');
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
      schedule?.stop();
    },
  };
}
