const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

interface Series {
  labels: string;
  count: number;
}

interface Histogram {
  labels: string;
  buckets: number[];
  sum: number;
  count: number;
}

/**
 * Request counts and latencies kept in plain maps and rendered at scrape time. Recording a
 * request through Moleculer's registry hashed label objects on every call and cost more than
 * the rest of the gateway's work; here it is a map lookup and an array increment.
 */
export class HttpMetrics {
  readonly #requests = new Map<string, Series>();
  readonly #latency = new Map<string, Histogram>();

  /**
   * The recorder of one route, bound at mount time: a request then costs an array increment and
   * a lookup by numeric status, no label strings built or hashed.
   */
  series(route: string, method: string): (status: number, seconds: number) => void {
    const byStatus = new Map<number, Series>();
    const histogram = this.#histogram(route, method);
    return (status, seconds) => {
      let series = byStatus.get(status);
      if (!series) {
        series = this.#counter(route, method, status);
        byStatus.set(status, series);
      }
      series.count++;
      // One bucket per observation (the first that holds it); the cumulative counts Prometheus
      // expects are summed at scrape time.
      let i = 0;
      while (i < BUCKETS.length && seconds > (BUCKETS[i] as number)) i++;
      if (i < BUCKETS.length) histogram.buckets[i]!++;
      histogram.sum += seconds;
      histogram.count++;
    };
  }

  #counter(route: string, method: string, status: number): Series {
    const key = `${method} ${route} ${status}`;
    let series = this.#requests.get(key);
    if (!series) {
      series = { labels: `route="${escape(route)}",method="${method}",status="${status}"`, count: 0 };
      this.#requests.set(key, series);
    }
    return series;
  }

  #histogram(route: string, method: string): Histogram {
    const key = `${method} ${route}`;
    let histogram = this.#latency.get(key);
    if (!histogram) {
      histogram = { labels: `route="${escape(route)}",method="${method}"`, buckets: BUCKETS.map(() => 0), sum: 0, count: 0 };
      this.#latency.set(key, histogram);
    }
    return histogram;
  }

  /** Prometheus text exposition of both families. */
  text(): string {
    const lines = ['# HELP pocdojo_http_requests_total HTTP requests served', '# TYPE pocdojo_http_requests_total counter'];
    for (const s of this.#requests.values()) lines.push(`pocdojo_http_requests_total{${s.labels}} ${s.count}`);
    lines.push('# HELP pocdojo_http_request_duration_seconds HTTP request latency', '# TYPE pocdojo_http_request_duration_seconds histogram');
    for (const h of this.#latency.values()) {
      let cumulative = 0;
      BUCKETS.forEach((le, i) => {
        cumulative += h.buckets[i] as number;
        lines.push(`pocdojo_http_request_duration_seconds_bucket{${h.labels},le="${le}"} ${cumulative}`);
      });
      lines.push(`pocdojo_http_request_duration_seconds_bucket{${h.labels},le="+Inf"} ${h.count}`);
      lines.push(`pocdojo_http_request_duration_seconds_sum{${h.labels}} ${h.sum}`);
      lines.push(`pocdojo_http_request_duration_seconds_count{${h.labels}} ${h.count}`);
    }
    return `${lines.join('\n')}\n`;
  }
}

function escape(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}
