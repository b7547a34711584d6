import { Gauge, metric } from '../metrics';
import type { DurableQueue } from './types';

// Queues watched in this process, read when scraped: label -> how to read it.
const watched = new Map<string, { queue: DurableQueue; subject: string }>();

const gauge = (name: string, help: string, read: (queue: DurableQueue, subject: string) => Promise<number>) =>
  metric(
    name,
    (registers) =>
      new Gauge({
        name,
        help,
        labelNames: ['queue'],
        registers,
        async collect() {
          this.reset();
          await Promise.all(
            [...watched].map(async ([label, { queue, subject }]) => {
              // An unreachable queue reads as no sample rather than a failed scrape; its readiness check says why.
              const value = await read(queue, subject).catch(() => undefined);
              if (value !== undefined) this.set({ queue: label }, value);
            }),
          );
        },
      }),
  );

/**
 * Exports a durable queue's depth and the age of its oldest unacknowledged message
 * (`pocdojo_queue_depth{queue}`, `pocdojo_queue_oldest_age_seconds{queue}`), read at scrape time.
 * Every node consuming the queue reports the same cluster-wide figures: dashboards take `max by (queue)`.
 * Returns the removal (call it before the queue closes).
 */
export function watchQueue(label: string, queue: DurableQueue, subject: string): () => void {
  gauge('pocdojo_queue_depth', 'Messages stored in a durable queue and not yet acknowledged', (q, s) => q.pending(s));
  gauge('pocdojo_queue_oldest_age_seconds', 'Age of the oldest message of a durable queue not yet acknowledged', (q, s) => q.oldestAge(s));
  const entry = { queue, subject };
  watched.set(label, entry);
  return () => {
    if (watched.get(label) === entry) watched.delete(label);
  };
}
