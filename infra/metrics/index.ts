import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export { Counter, Gauge, Histogram };

/**
 * The process's Prometheus registry (prom-client). Every actor registers its metrics here with
 * `metric(...)`; the node's operations listener (deploy/ops.ts) serves `metricsText()` at GET /metrics.
 *
 * Moleculer's own metrics are off (moleculer.config.ts): its per-call middleware made the
 * gateway burn more CPU minute after minute under load (15 -> 60 us per request in 12 s), while
 * prom-client's counters cost a map lookup.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'pocdojo_' });

/** Gets a metric by name, creating it on first use (several services of a process share one). */
export function metric<T extends Counter | Gauge | Histogram>(name: string, create: (registers: Registry[]) => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create([registry]);
}

const textSources = new Set<() => string>();

/**
 * Adds families rendered outside prom-client (the gateway's hand-rolled request counters, which
 * cost a map lookup per request) to this process's exposition; returns the removal.
 */
export function addMetricsText(source: () => string): () => void {
  textSources.add(source);
  return () => textSources.delete(source);
}

/** The process's whole Prometheus exposition: the registry plus the added text sources. */
export async function metricsText(): Promise<string> {
  let text = await registry.metrics();
  for (const source of textSources) text += source();
  return text;
}
