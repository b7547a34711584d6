import type { ServiceBroker } from 'moleculer';

const REQUESTS = 'pocdojo.http.requests';
const LATENCY = 'pocdojo.http.request.seconds';
const SOCKETS = 'pocdojo.ws.sessions.connected';
const FRAMES = 'pocdojo.ws.frames';

/** Gateway metrics, registered in Moleculer's registry so GET /metrics shows them with the rest. */
export class GatewayMetrics {
  constructor(readonly broker: ServiceBroker) {
    const metrics = broker.metrics;
    if (!metrics.hasMetric(REQUESTS)) {
      metrics.register({ type: 'counter', name: REQUESTS, labelNames: ['route', 'method', 'status'], description: 'HTTP requests' });
      metrics.register({
        type: 'histogram',
        name: LATENCY,
        labelNames: ['route', 'method'],
        buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
        description: 'HTTP request latency',
      });
      metrics.register({ type: 'gauge', name: SOCKETS, description: 'Open WebSocket sessions' });
      metrics.register({ type: 'counter', name: FRAMES, labelNames: ['method', 'ok'], description: 'WebSocket request frames' });
    }
  }

  request(route: string, method: string, status: number, seconds: number): void {
    this.broker.metrics.increment(REQUESTS, { route, method, status });
    this.broker.metrics.observe(LATENCY, seconds, { route, method });
  }

  sessionOpened(): void {
    this.broker.metrics.increment(SOCKETS);
  }

  sessionDetached(): void {
    this.broker.metrics.decrement(SOCKETS);
  }

  frame(method: string, ok: boolean): void {
    this.broker.metrics.increment(FRAMES, { method, ok: String(ok) });
  }
}
