import { Errors, type ServiceBroker } from 'moleculer';
import type { Logger } from '../infra/logger';

/** Hands up to `limit` of a tenant's recorded batch jobs of `year` to the render queue; how many it queued. */
export type QueueJobs = (tenantId: string, year: number, limit: number) => Promise<number>;

/**
 * Queues through render's `queueYearlyJobs` action, so only render knows its queue and tables'
 * queue state. With no render node reachable nothing is lost: the rows are recorded, and a render
 * node's recovery sweep queues them once one runs.
 */
export function queueThroughRender(broker: ServiceBroker, logger: Logger): QueueJobs {
  return async (tenantId, year, limit) => {
    try {
      const { queued } = await broker.call<{ queued: number }, { tenantId: string; year: number; limit: number }>('render.queueYearlyJobs', { tenantId, year, limit });
      return queued;
    } catch (err) {
      if (!(err instanceof Errors.ServiceNotFoundError) && !(err instanceof Errors.ServiceNotAvailableError)) throw err;
      logger.warn({ tenantId, year }, 'jobs: no render node reachable; its recovery sweep will queue the recorded jobs');
      return 0;
    }
  };
}
