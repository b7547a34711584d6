import { MetricReporters } from 'moleculer';

// Moleculer's typings do not declare the Prometheus reporter's internals used here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const PrometheusReporter = MetricReporters.Prometheus as any;

/**
 * Moleculer's Prometheus reporter without its own HTTP server: the gateway serves the text at
 * GET /metrics on its port, so one port per node is all an operator has to open.
 */
export class ScrapeReporter extends PrometheusReporter {
  init(registry: unknown): void {
    MetricReporters.Base.prototype.init.call(this, registry as never);
    const labels = this.opts.defaultLabels;
    this.defaultLabels = typeof labels === 'function' ? labels.call(this, registry) : labels;
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  text(): string {
    return this.generatePrometheusResponse();
  }
}
