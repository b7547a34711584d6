/** One reading of a node's health, from its Prometheus text and /proc. */
export interface NodeSample {
  /** Minutes since the measured run began (after warm-up). */
  minute: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** p99 event-loop delay since the previous scrape: prom-client resets its histogram on every collect. */
  lagP99Seconds: number;
  openFds: number;
  activeHandles: number;
}

// prom-client's default metrics, matched by their suffix: the node registers them with a prefix
// (`pocdojo_`), and a scraper should not care which.
const SERIES = {
  heapUsedBytes: 'nodejs_heap_size_used_bytes',
  lagP99Seconds: 'nodejs_eventloop_lag_p99_seconds',
  openFds: 'process_open_fds',
  activeHandles: 'nodejs_active_handles_total',
} as const;

function value(text: string, name: string): number {
  const match = new RegExp(`^(?:[A-Za-z_:][\\w:]*_)?${name}(?:\\{[^}]*\\})? (\\S+)`, 'm').exec(text);
  return match ? Number(match[1]) : Number.NaN;
}

/**
 * The first URL that serves the node's metrics: the one given, else the operations port (builds
 * with OPS_PORT serve /metrics there only), else the gateway's public port (older builds).
 */
export async function resolveMetricsUrl(candidates: Array<string | undefined>): Promise<string> {
  const tried: string[] = [];
  for (const url of candidates) {
    if (!url) continue;
    tried.push(url);
    const text = await fetch(url).then(
      (r) => (r.ok ? r.text() : ''),
      () => '',
    );
    if (Number.isFinite(value(text, SERIES.lagP99Seconds))) return url;
  }
  throw new Error(`no node metrics (with ${SERIES.lagP99Seconds}) at ${tried.join(', ')}`);
}

export async function sampleNode(metricsUrl: string, rss: () => Promise<number>, minute: number): Promise<NodeSample> {
  const [text, rssBytes] = await Promise.all([fetch(metricsUrl).then((r) => r.text()), rss()]);
  return {
    minute,
    rssBytes,
    heapUsedBytes: value(text, SERIES.heapUsedBytes),
    lagP99Seconds: value(text, SERIES.lagP99Seconds),
    openFds: value(text, SERIES.openFds),
    activeHandles: value(text, SERIES.activeHandles),
  };
}
